package jgrad.nn;

import static jgrad.autograd.GradCheck.check;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

class ModuleTest {
    /** zeroGrad only marks the gradient as zero; linear's backward then assigns it instead of adding. */
    @Test
    void linearGradientsAreAssignedAfterZeroGradAndAddedOtherwise() {
        Linear fc = new Linear(3, 2, true, new Rng(3));
        Tensor x = Tensor.randn(new Rng(1), 4, 3);
        fc.forward(x).sum().backward();
        float[] w1 = fc.weight.grad().data().clone(), b1 = fc.bias.grad().data().clone();
        fc.forward(x).sum().backward();
        assertArrayEquals(times(2, w1), fc.weight.grad().data(), 1e-6f, "without zeroGrad gradients add up");
        assertArrayEquals(times(2, b1), fc.bias.grad().data(), 1e-6f);
        fc.zeroGrad();
        assertArrayEquals(new float[6], fc.weight.grad().data(), "a zeroed gradient reads as zeros");
        fc.forward(x).sum().backward();
        assertArrayEquals(w1, fc.weight.grad().data(), 1e-6f);
        fc.zeroGrad();   // not read before the next backward: the stale values must be overwritten, not added to
        fc.forward(x).sum().backward();
        assertArrayEquals(w1, fc.weight.grad().data(), 1e-6f);
        assertArrayEquals(b1, fc.bias.grad().data(), 1e-6f);
        fc.zeroGrad();   // two uses in one graph: the first assigns, the second adds
        fc.forward(x).add(fc.forward(x)).sum().backward();
        assertArrayEquals(times(2, w1), fc.weight.grad().data(), 1e-6f);
        assertArrayEquals(times(2, b1), fc.bias.grad().data(), 1e-6f);
    }

    private static float[] times(float k, float[] a) {
        float[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] *= k;
        return r;
    }

    private final Rng rng = new Rng(11);

    @Test
    void linearAndBatchNormGradients() {
        check(t -> Functional.linear(t[0], t[1], t[2]), Tensor.randn(rng, 5, 4), Tensor.randn(rng, 3, 4), Tensor.randn(rng, 3));
        check(t -> Functional.linear(t[0], t[1], null), Tensor.randn(rng, 2, 5, 4), Tensor.randn(rng, 3, 4));
        check(t -> Functional.batchNorm(t[0], null, null, t[1], t[2], true, 0.1f, 1e-5f),
                Tensor.randn(rng, 6, 4), Tensor.randn(rng, 4), Tensor.randn(rng, 4));
        Tensor rm = Tensor.randn(rng, 4), rv = Tensor.rand(rng, 4).add(0.5f);
        check(t -> Functional.batchNorm(t[0], rm, rv, t[1], t[2], false, 0.1f, 1e-5f),
                Tensor.randn(rng, 6, 4), Tensor.randn(rng, 4), Tensor.randn(rng, 4));
    }

    @Test
    void fusedActivationGradients() {
        // finite differences see the kinks only if an input lands within h of 0; random normals rarely do
        check(t -> Functional.linear(t[0], t[1], t[2], Activation.RELU), Tensor.randn(rng, 5, 4), Tensor.randn(rng, 3, 4), Tensor.randn(rng, 3));
        check(t -> Functional.linear(t[0], t[1], null, Activation.leakyRelu(0.2f)), Tensor.randn(rng, 5, 4), Tensor.randn(rng, 3, 4));
        check(t -> Functional.batchNorm(t[0], null, null, t[1], t[2], true, 0.1f, 1e-5f, Activation.leakyRelu(0.2f)),
                Tensor.randn(rng, 6, 4), Tensor.randn(rng, 4), Tensor.randn(rng, 4));
    }

    /** The same layers, once through Sequential (which fuses) and once one module at a time. */
    @Test
    void fusedLayersGiveTheUnfusedValuesAndGradients() {
        Sequential fused = new Sequential(new Linear(7, 40, true, new Rng(1)), new ReLU(),
                new Linear(40, 33, true, new Rng(2)), new BatchNorm1d(33), new LeakyReLU(0.2f),
                new Linear(33, 5, true, new Rng(3)), new LeakyReLU(0.01f));
        Sequential reference = new Sequential(new Linear(7, 40, true, new Rng(1)), new ReLU(),
                new Linear(40, 33, true, new Rng(2)), new BatchNorm1d(33), new LeakyReLU(0.2f),
                new Linear(33, 5, true, new Rng(3)), new LeakyReLU(0.01f));
        for (boolean training : new boolean[]{true, false}) {
            if (!training) {
                fused.eval();
                reference.eval();
            }
            Tensor x1 = Tensor.randn(new Rng(9), 13, 7).requiresGrad(true), x2 = x1.copy().requiresGrad(true);
            Tensor y1 = fused.forward(x1), y2 = x2;
            for (int i = 0; i < reference.size(); i++) y2 = reference.get(i).forward(y2);
            assertEquals("LeakyReluBackward0", y1.gradFn());
            assertArrayEquals(y2.data(), y1.data(), 0f, "training=" + training);
            Tensor w = Tensor.randn(new Rng(10), 13, 5);
            y1.mul(w).sum().backward();
            y2.mul(w).sum().backward();
            assertArrayEquals(x2.grad().data(), x1.grad().data(), 0f, "input gradient, training=" + training);
            Map<String, Tensor> a = fused.stateDict(), b = reference.stateDict();
            for (String k : b.keySet()) assertArrayEquals(b.get(k).data(), a.get(k).data(), 0f, k);
            List<Parameter> pa = fused.parameters(), pb = reference.parameters();
            for (int i = 0; i < pb.size(); i++)
                assertArrayEquals(pb.get(i).grad().data(), pa.get(i).grad().data(), 0f, "gradient of parameter " + i + ", training=" + training);
        }
    }

    @Test
    void aRetainedGradientIsTheOutputsNotTheActivationsInput() {
        Linear fc = new Linear(3, 4, true, new Rng(3));
        Tensor x = Tensor.randn(new Rng(1), 5, 3);
        Tensor y = fc.forward(x, Activation.RELU).retainGrad();
        Tensor w = Tensor.randn(new Rng(2), 5, 4);
        y.mul(w).sum().backward();
        assertArrayEquals(w.data(), y.grad().data(), 0f, "dL/dy is w, although the backward turned it into dL/dz in place");
    }

    @Test
    void sequentialFusesReLUAndLeakyReLUWithANonNegativeSlopeOnly() {
        assertEquals(Activation.RELU, Sequential.fusable(new ReLU()));
        assertEquals(Activation.leakyRelu(0.2f), Sequential.fusable(new LeakyReLU(0.2f)));
        assertNull(Sequential.fusable(new LeakyReLU(-0.1f)));
        assertNull(Sequential.fusable(new LeakyReLU(Float.NaN)));
        assertNull(Sequential.fusable(new Sigmoid()));
        assertNull(Sequential.fusable(new Linear(2, 2)));
    }

    @Test
    void aFusedBackwardLeavesTheCallersGradientAloneAndRepeatsWithRetainGraph() {
        Linear fc = new Linear(3, 4, true, new Rng(3));
        Tensor x = Tensor.randn(new Rng(1), 5, 3).requiresGrad(true);
        Tensor y = fc.forward(x, Activation.leakyRelu(0.2f));
        Tensor g = Tensor.randn(new Rng(2), 5, 4);
        float[] g0 = g.data().clone();
        y.backward(g, true);
        assertArrayEquals(g0, g.data(), 0f, "the gradient passed to backward is not modified");
        float[] dx = x.grad().data().clone(), dw = fc.weight.grad().data().clone();
        y.backward(g, false);
        assertArrayEquals(times(2, dx), x.grad().data(), 1e-6f, "a second backward through the retained graph adds the same gradient");
        assertArrayEquals(times(2, dw), fc.weight.grad().data(), 1e-6f);
    }

    @Test
    void aFusedActivationNeedsANonNegativeSlope() {
        var e = assertThrows(IllegalArgumentException.class, () -> Activation.leakyRelu(-0.1f));
        assertEquals("a fused activation needs a finite negative slope ≥ 0, got -0.1", e.getMessage());
        // Sequential leaves such a LeakyReLU unfused
        Sequential s = new Sequential(new Linear(2, 3, true, new Rng(1)), new LeakyReLU(-0.1f));
        Tensor x = Tensor.randn(new Rng(2), 4, 2);
        assertArrayEquals(((Linear) s.get(0)).forward(x).leakyRelu(-0.1f).data(), s.forward(x).data(), 0f);
    }

    @Test
    void aLinearLayerOfTheWrongSizeIsAnErrorNamingBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Linear(512, 10).forward(Tensor.zeros(64, 784)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (64x784 and 512x10)", e.getMessage());
    }

    @Test
    void batchNormTracksRunningStatisticsLikePyTorch() {
        BatchNorm1d bn = new BatchNorm1d(2);
        Tensor x = Tensor.of(new float[][]{{1, 10}, {3, 20}, {5, 60}});
        Tensor y = bn.forward(x);
        // batch mean (3, 30), biased var (8/3, 1400/3), unbiased (4, 700)
        assertArrayEquals(new float[]{0.3f, 3f}, bn.runningMean.data(), 1e-6f);
        assertArrayEquals(new float[]{0.9f + 0.4f, 0.9f + 70f}, bn.runningVar.data(), 1e-4f);
        assertEquals(1f, bn.numBatchesTracked.item());
        assertEquals((1 - 3) / Math.sqrt(8.0 / 3 + 1e-5), y.get(0, 0), 1e-5);
        bn.eval();
        Tensor e = bn.forward(x);
        assertEquals((1 - 0.3) / Math.sqrt(1.3 + 1e-5), e.get(0, 0), 1e-5);
        assertEquals(1f, bn.numBatchesTracked.item(), "eval does not count batches");
        var err = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(1, 3)));
        assertTrue(err.getMessage().contains("more than 1 value per channel"), err.getMessage());
    }

    @Test
    void linearInitialisationFollowsPyTorchBounds() {
        Linear fc = new Linear(784, 256, true, new Rng(5));
        float bound = (float) (1 / Math.sqrt(784));
        double sum = 0, sq = 0;
        for (float v : fc.weight.data()) {
            assertTrue(Math.abs(v) <= bound);
            sum += v;
            sq += v * v;
        }
        int n = fc.weight.numel();
        // U(-b, b) has mean 0 and std b/√3
        assertEquals(0, sum / n, 3 * bound / Math.sqrt(3 * n));
        assertEquals(bound / Math.sqrt(3), Math.sqrt(sq / n), 0.01 * bound);
        for (float v : fc.bias.data()) assertTrue(Math.abs(v) <= bound);
    }

    @Test
    void dropoutDropsWithProbabilityPAndScalesSurvivors() {
        Dropout d = new Dropout(0.25f, new Rng(3));
        Tensor y = d.forward(Tensor.ones(100_000));
        int zeros = 0;
        for (float v : y.data()) {
            if (v == 0f) zeros++;
            else assertEquals(1f / 0.75f, v, 1e-6f);
        }
        assertEquals(0.25, zeros / 100_000.0, 0.01);
        d.eval();
        Tensor x = Tensor.ones(10);
        assertSame(x, d.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5f));
    }

    static final class Net extends Module {
        final Linear fc1 = register("fc1", new Linear(4, 3));
        final BatchNorm1d bn = register("bn", new BatchNorm1d(3));
        final Linear fc2 = register("fc2", new Linear(3, 2));

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(bn.forward(fc1.forward(x)).relu());
        }
    }

    @Test
    void stateDictUsesPyTorchNamesAndRoundTrips() {
        Net a = new Net(), b = new Net();
        assertEquals(List.of("fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                "bn.num_batches_tracked", "fc2.weight", "fc2.bias"), List.copyOf(a.stateDict().keySet()));
        assertEquals(6, a.parameters().size());
        a.forward(Tensor.randn(rng, 5, 4));
        b.loadStateDict(a.stateDict());
        a.eval();
        b.eval();
        Tensor x = Tensor.randn(rng, 3, 4);
        try (var g = GradMode.noGrad()) {
            assertArrayEquals(a.forward(x).data(), b.forward(x).data());
        }
        var missing = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(Map.of("fc1.weight", Tensor.zeros(3, 4))));
        assertTrue(missing.getMessage().contains("missing keys") && missing.getMessage().contains("fc2.bias"), missing.getMessage());
        Map<String, Tensor> wrong = new java.util.LinkedHashMap<>(a.stateDict());
        wrong.put("fc1.weight", Tensor.zeros(4, 3));
        var shape = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(wrong));
        assertTrue(shape.getMessage().contains("fc1.weight") && shape.getMessage().contains("[4, 3]") && shape.getMessage().contains("[3, 4]"),
                shape.getMessage());
    }

    @Test
    void printsLikePyTorchModuleRepr() {
        assertEquals("""
                Net(
                  (fc1): Linear(in_features=4, out_features=3, bias=True)
                  (bn): BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                  (fc2): Linear(in_features=3, out_features=2, bias=True)
                )""", new Net().toString());
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=2, out_features=2, bias=True)
                  (1): LeakyReLU(negative_slope=0.2)
                )""", new Sequential(new Linear(2, 2), new LeakyReLU(0.2f)).toString());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Sequential s = new Sequential(new Net(), new Dropout(0.5f));
        s.eval();
        assertFalse(((Net) s.get(0)).bn.isTraining());
        s.train();
        assertTrue(s.get(1).isTraining());
    }
}
