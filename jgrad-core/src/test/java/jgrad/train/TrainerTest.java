package jgrad.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.loss.CrossEntropyLoss;
import jgrad.models.Spec;
import jgrad.nn.Linear;
import jgrad.nn.Module;
import jgrad.nn.Sequential;
import jgrad.optim.Adam;
import jgrad.optim.SGD;
import jgrad.tensor.Rng;

class TrainerTest {
    /** Two separable blobs in 2-d, labels 0 and 1, as fixed batches. */
    private static List<Batch> blobs(int batches) {
        Rng rng = new Rng(1);
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[] x = new float[16 * 2], y = new float[16];
            for (int i = 0; i < 16; i++) {
                y[i] = i % 2;
                x[2 * i] = (y[i] == 1 ? 2f : -2f) + 0.5f * rng.normal();
                x[2 * i + 1] = 0.5f * rng.normal();
            }
            out.add(new Batch(Tensor.of(x, 16, 2), Tensor.of(y, 16)));
        }
        return out;
    }

    @Test
    void fitReportsEachEpochsMeanBatchLossAndLearns() {
        Module net = new Sequential(new Linear(2, 2, true, new Rng(3)));
        List<Trainer.Epoch> seen = new ArrayList<>();
        int[] steps = {0};
        var history = new Trainer(net, new CrossEntropyLoss(), new SGD(net.parameters(), 0.1f)).fit(blobs(8), 3, new Trainer.Listener() {
            @Override
            public void onStep(int epoch, int step, int total, float loss) {
                steps[0]++;
            }

            @Override
            public void onEpoch(Trainer.Epoch e) {
                seen.add(e);
            }
        });
        assertEquals(history, seen);
        assertEquals(24, steps[0]);
        assertEquals(128, history.get(0).samples());
        assertTrue(history.get(2).meanLoss() < history.get(0).meanLoss(), history.toString());
        Evaluation ev = Evaluation.evaluate(net, blobs(4), List.of("left", "right"), true);
        assertEquals(64, ev.samples());
        assertTrue(ev.accuracy() > 95, "accuracy " + ev.accuracy());
    }

    @Test
    void reusingActivationArraysChangesNoBit() {
        // jgrad's own modules train with a Workspace; the same network inside a user's module trains without
        Rng data = new Rng(5);
        List<Batch> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            float[] y = new float[8];
            for (int j = 0; j < 8; j++) y[j] = (i + j) % 3;
            images.add(new Batch(Tensor.randn(data, 8, 1, 8, 8), Tensor.of(y, 8)));
        }
        Spec spec = Spec.parse("conv 4 3 same, bn, relu, maxpool 2, conv 6 3, bn, relu, flatten, linear 8, relu, dropout 0.3, linear 3", 1, 8, 8);
        Module own = spec.build(new Rng(7)), inner = spec.build(new Rng(7));
        Module users = new Module() {
            { register("inner", inner); }

            @Override
            public Tensor forward(Tensor x) {
                return inner.forward(x);
            }
        };
        var loss = new CrossEntropyLoss();
        assertTrue(Trainer.reusable(own, loss));
        assertFalse(Trainer.reusable(users, loss));
        Rng.manualSeed(11);
        new Trainer(own, loss, new Adam(own.parameters(), 0.01f)).fit(images, 3, Trainer.Listener.NONE);
        Rng.manualSeed(11);
        new Trainer(users, loss, new Adam(users.parameters(), 0.01f)).fit(images, 3, Trainer.Listener.NONE);
        var a = own.stateDict();
        var b = inner.stateDict();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertArrayEquals(b.get(name).data(), t.data(), name));
        var ea = Evaluation.evaluate(own, images, List.of("a", "b", "c"), true);
        var eb = Evaluation.evaluate(users, images, List.of("a", "b", "c"), true);
        assertEquals(eb.meanLoss(), ea.meanLoss());
        assertEquals(eb.correct(), ea.correct());
    }

    @Test
    void aNonFiniteLossStopsTrainingAndNamesEpochAndStep() {
        Module net = new Sequential(new Linear(2, 2, true, new Rng(3)));
        List<Batch> data = blobs(4);
        data.set(2, new Batch(Tensor.of(new float[]{Float.NaN, 0, 0, 0}, 2, 2), Tensor.of(0f, 1f)));
        float[] before = net.parameters().get(0).data().clone();
        var trainer = new Trainer(net, new CrossEntropyLoss(), new SGD(net.parameters(), 0.1f));
        var e = assertThrows(NonFiniteLossException.class, () -> trainer.fit(data, 1, Trainer.Listener.NONE));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("epoch 1") && e.getMessage().contains("step 3"), e.getMessage());
        for (float w : net.parameters().get(0).data()) assertTrue(Float.isFinite(w), "the NaN step did not reach the weights");
        assertNotEquals(before[0], net.parameters().get(0).data()[0], "the two good steps did");
    }

    @Test
    void anInterruptStopsTrainingBeforeTheNextStepAndStaysSet() {
        Module net = new Sequential(new Linear(2, 2, true, new Rng(3)));
        var trainer = new Trainer(net, new CrossEntropyLoss(), new SGD(net.parameters(), 0.1f));
        int[] steps = {0};
        var e = assertThrows(java.util.concurrent.CancellationException.class, () -> trainer.fit(blobs(8), 2, new Trainer.Listener() {
            @Override
            public void onStep(int epoch, int step, int total, float loss) {
                if (++steps[0] == 3) Thread.currentThread().interrupt();
            }
        }));
        try {
            assertEquals(3, steps[0], "no step after the interrupt");
            assertTrue(e.getMessage().contains("interrupted in epoch 1 after step 3"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is left for the caller");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void evaluationCountsAccuracyConfusionAndPerClass() {
        // a "model" that predicts the first input column's arg-max: logits are the inputs themselves
        Module identity = new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        };
        Tensor logits = Tensor.of(new float[][]{{5, 0, 0}, {0, 5, 0}, {0, 5, 0}, {0, 0, 5}});
        Batch b = new Batch(logits, Tensor.of(0f, 1f, 2f, 2f));
        Evaluation ev = Evaluation.evaluate(identity, List.of(b), List.of("a", "b", "c"), true);
        assertEquals(75.0, ev.accuracy());
        assertArrayEquals(new long[]{0, 1, 1}, ev.confusion()[2]);
        assertArrayEquals(new double[]{100, 100, 50}, ev.perClassAccuracy());
        double ceWrong = -Math.log(Math.exp(0) / (Math.exp(5) + 2)), ceRight = -Math.log(Math.exp(5) / (Math.exp(5) + 2));
        assertEquals((3 * ceRight + ceWrong) / 4, ev.meanLoss(), 1e-5);
        assertTrue(ev.report().contains("c") && ev.report().contains("50.00%"), ev.report());
    }
}
