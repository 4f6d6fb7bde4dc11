package jgrad.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import jgrad.autograd.Tensor;

/** Saving and restoring an optimizer mid-training resumes the exact same trajectory. */
class OptimizerStateTest {
    private static void loss(Tensor w) {
        w.mul(w).mul(Tensor.of(1f, 2f, 3f)).sum().backward();
    }

    private static void run(Optimizer opt, Tensor w, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            loss(w);
            opt.step();
        }
    }

    private static void resumesExactly(Function<List<Tensor>, Optimizer> make) {
        Tensor a = Tensor.of(1f, -2f, 3f).requiresGrad(true), b = Tensor.of(1f, -2f, 3f).requiresGrad(true);
        Optimizer oa = make.apply(List.of(a));
        run(oa, a, 6);
        Optimizer first = make.apply(List.of(b));
        run(first, b, 3);
        Optimizer resumed = make.apply(List.of(b));
        resumed.loadStateDict(first.stateDict());
        run(resumed, b, 3);
        assertArrayEquals(a.data(), b.data());
    }

    @Test
    void sgdMomentumAdamAndAdamWResume() {
        resumesExactly(p -> new SGD(p, 0.05f, 0.9f, 0f, 0.01f, true));
        resumesExactly(p -> new Adam(p, 0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, true));
        resumesExactly(p -> new AdamW(p, 0.01f, 0.01f));
    }

    @Test
    void stateThatDoesNotFitIsRejected() {
        Tensor w = Tensor.of(1f, 2f).requiresGrad(true);
        var opt = new Adam(List.of(w), 0.1f);
        var e = assertThrows(IllegalArgumentException.class,
                () -> opt.loadStateDict(java.util.Map.of("3.exp_avg", new float[2])));
        assertTrue(e.getMessage().contains("3.exp_avg"), e.getMessage());
    }

    @Test
    void aRestoredSchedulerContinuesTheSameSchedule() {
        Tensor w = Tensor.of(1f).requiresGrad(true);
        var a = new SGD(List.of(w), 0.1f);
        var sa = new CosineAnnealingLR(a, 6, 0.01f);
        for (int i = 0; i < 2; i++) sa.step();
        var b = new SGD(List.of(w), 0.1f);
        b.loadStateDict(a.stateDict());
        var sb = new CosineAnnealingLR(b, 6, 0.01f);
        sb.loadStateDict(sa.stateDict());
        for (int i = 0; i < 3; i++) {
            sa.step();
            sb.step();
            assertEquals(a.lr(), b.lr());
        }
        assertThrows(IllegalArgumentException.class, () -> sb.loadStateDict(java.util.Map.of("last_epoch", 1.5f, "base_lr", 0.1f)));
    }

    @Test
    void schedulersFollowPyTorchsClosedForms() {
        Tensor w = Tensor.of(1f).requiresGrad(true);
        var sgd = new SGD(List.of(w), 0.1f);
        var step = new StepLR(sgd, 2, 0.5f);
        float[] want = {0.1f, 0.05f, 0.05f, 0.025f};
        for (float v : want) {
            step.step();
            assertEquals(v, sgd.lr(), 1e-7f);
        }
        var adam = new Adam(List.of(w), 1f);
        var cos = new CosineAnnealingLR(adam, 4, 0f);
        cos.step();
        assertEquals((1 + Math.cos(Math.PI / 4)) / 2, adam.lr(), 1e-6);
        cos.step();
        cos.step();
        cos.step();
        assertEquals(0f, adam.lr(), 1e-7f);
    }
}
