package jgrad.exercises;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jgrad.autograd.Tensor;
import jgrad.nn.Linear;
import jgrad.nn.Sequential;
import jgrad.nn.ReLU;
import jgrad.tensor.Rng;

/**
 * The 1a demonstrations' claims. Finite differences are in double, so what separates them from
 * backprop is float32 rounding: ~1e-7 relative per operation, ~1e-5 after sums of hundreds of terms.
 */
class Exercise1aTest {
    private static final Tensor X = Tensor.of(Exercise1b.X);

    @Test
    void backpropEqualsFiniteDifferencesOn1b() {
        Tensor[] w = Exercise1a.randomWeights(new Rng(1));
        Tensor[] bp = Exercise1b.autograd(X, Exercise1b.Y, w, 0f).grads();
        Tensor[] fd = Exercise1a.finiteDifferences1b(w, X.data(), Exercise1b.Y);
        double maxAbs = 0;
        for (Tensor g : bp) for (float v : g.data()) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertTrue(maxAbs > 1e-2, "the check needs gradients that are not 0, largest " + maxAbs);
        assertTrue(Exercise1a.maxRelativeError(bp, fd) < 1e-5, "relative error " + Exercise1a.maxRelativeError(bp, fd));
        // and a wrong gradient fails it
        bp[0].data()[3] *= 1.01f;
        assertTrue(Exercise1a.maxRelativeError(bp, fd) > 5e-3);
    }

    @Test
    void backpropEqualsFiniteDifferencesOnAReluMlp() {
        Rng.manualSeed(3);
        var net = new Sequential(new Linear(30, 20), new ReLU(), new Linear(20, 10), new ReLU(), new Linear(10, 4));
        Tensor x = Tensor.randn(new Rng(4), 16, 30);
        Tensor labels = Tensor.of(new float[]{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3});
        var c = Exercise1a.checkMlp(net, x, labels, 200, 0);
        assertEquals(200, c.sampled());
        assertTrue(c.maxRelativeError() < 1e-3, "relative error " + c.maxRelativeError());
    }

    @Test
    void sgdTrajectoriesAgreeAndAdamDiffers() {
        Tensor[] w = Exercise1a.randomWeights(new Rng(1));
        double[] bp = Exercise1a.sgd1b(w, 0.2f, 5, false).loss(), fd = Exercise1a.sgd1b(w, 0.2f, 5, true).loss();
        double[] adam = Exercise1a.adam1b(w, 0.05f, 5).loss();
        assertTrue(bp[5] < bp[0] / 10, "SGD reduces the loss: " + bp[0] + " → " + bp[5]);
        double d = 0, da = 0;
        for (int i = 0; i <= 5; i++) {
            assertTrue(i == 0 || bp[i] < bp[i - 1], "falls every step");
            d = Math.max(d, Math.abs(bp[i] - fd[i]));
            da = Math.max(da, Math.abs(bp[i] - adam[i]));
        }
        // float32 losses of ~0.6 carry ~1e-7 rounding, compounded over 5 steps of lr 0.2
        assertTrue(d < 1e-6, "backprop and finite-difference trajectories differ by " + d);
        assertEquals(bp[0], adam[0], 0.0, "same start");
        assertTrue(da > 1e-2, "Adam's trajectory differs by " + da);
    }

    @Test
    void oneBackwardIsCheaperThanTwoPForwards() {
        Rng.manualSeed(0);
        var net = new Sequential(new Linear(64, 32), new ReLU(), new Linear(32, 10));
        var c = Exercise1a.cost(net, Tensor.randn(new Rng(2), 8, 64), Tensor.zeros(8), 3);
        assertEquals(64 * 32 + 32 + 32 * 10 + 10, c.parameters());
        assertTrue(c.ratio() > 1, "ratio " + c.ratio());
    }

    @Test
    void gradientDescentStopsInTheNearestValleyAndDivergesAboveTwoOverL() {
        var local = Exercise1a.twoValleys(1.5f, 1f, 0.05f, 200);
        var global = Exercise1a.twoValleys(-1.5f, 1f, 0.05f, 200);
        assertEquals(0.960, local.x(), 2e-3);
        assertEquals(-1.036, global.x(), 2e-3);
        assertEquals(0, local.y(), 1e-6);
        assertTrue(local.f() - global.f() > 0.5, local + " vs " + global);
        // f'(x) = 4x(x² − 1) + 0.3 vanishes there: stuck, not still moving
        double x = local.x();
        assertEquals(0, 4 * x * (x * x - 1) + 0.3, 1e-4);
        assertTrue(Exercise1a.narrowValley(1f, 1f, 0.09f, 50).f() < 1e-6);
        assertTrue(Exercise1a.narrowValley(1f, 1f, 0.11f, 50).f() > 1e6);
    }
}
