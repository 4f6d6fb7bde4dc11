package jgrad.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jgrad.autograd.GradCheck;
import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/** BatchNorm over [N, C, *] inputs (the per-channel plane kernels), against its definition and by finite differences. */
class BatchNormTest {
    /** The definition: statistics over every dimension but 1, computed with the channel moved last. */
    private static Tensor reference(Tensor x, Tensor w, Tensor b, float eps) {
        int[] s = x.shape();
        int c = s[1];
        int[] perm = new int[s.length];
        perm[s.length - 1] = 1;
        for (int i = 0, j = 0; i < s.length; i++) if (i != 1) perm[j++] = i;
        Tensor rows = x.permute(perm).reshape(-1, c);                    // [N·L, C]
        Tensor mean = rows.mean(0, true), var = rows.var(0, false, true);
        Tensor y = rows.sub(mean).div(var.add(eps).sqrt()).mul(w).add(b);
        int[] back = new int[s.length];
        for (int i = 0; i < s.length; i++) back[perm[i]] = i;
        int[] permuted = new int[s.length];
        for (int i = 0; i < s.length; i++) permuted[i] = s[perm[i]];
        return y.reshape(permuted).permute(back);
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.numel(); i++)
            assertEquals(expected.data()[i], actual.data()[i], tol * Math.max(1, Math.abs(expected.data()[i])), "element " + i);
    }

    @Test
    void batchNorm2dNormalisesEachChannelOverBatchAndSpace() {
        Rng rng = new Rng(11);
        for (int[] shape : new int[][]{{2, 3, 4, 5}, {3, 2, 1, 7}, {1, 4, 3, 3}, {5, 1, 2, 2}}) {
            Tensor x = Tensor.randn(rng, shape).mul(3f).add(1f);
            var bn = new BatchNorm2d(shape[1]);
            Tensor.randn(rng, shape[1]).data(); // a fresh draw, so γ and β differ from 1 and 0 below
            System.arraycopy(Tensor.randn(rng, shape[1]).data(), 0, bn.weight.data(), 0, shape[1]);
            System.arraycopy(Tensor.randn(rng, shape[1]).data(), 0, bn.bias.data(), 0, shape[1]);
            assertClose(reference(x, bn.weight, bn.bias, 1e-5f), bn.forward(x), 1e-5);
            // running statistics: a tenth of the way to the batch's mean and unbiased variance over N·H·W
            int m = shape[0] * shape[2] * shape[3];
            for (int ch = 0; ch < shape[1]; ch++) {
                double s = 0, q = 0;
                for (int n = 0; n < shape[0]; n++)
                    for (int k = 0; k < shape[2] * shape[3]; k++) s += x.data()[(n * shape[1] + ch) * shape[2] * shape[3] + k];
                double mean = s / m;
                for (int n = 0; n < shape[0]; n++)
                    for (int k = 0; k < shape[2] * shape[3]; k++) {
                        double d = x.data()[(n * shape[1] + ch) * shape[2] * shape[3] + k] - mean;
                        q += d * d;
                    }
                assertEquals(0.1 * mean, bn.runningMean.data()[ch], 1e-5);
                assertEquals(0.9 + 0.1 * q / (m - 1), bn.runningVar.data()[ch], 1e-4);
            }
            assertEquals(1f, bn.numBatchesTracked.item());
            // evaluation uses the running statistics
            bn.eval();
            Tensor rm = bn.runningMean.reshape(1, shape[1], 1, 1), rv = bn.runningVar.reshape(1, shape[1], 1, 1);
            Tensor expected = x.sub(rm).div(rv.add(1e-5f).sqrt()).mul(bn.weight.reshape(1, shape[1], 1, 1)).add(bn.bias.reshape(1, shape[1], 1, 1));
            assertClose(expected, bn.forward(x), 1e-5);
        }
    }

    @Test
    void batchNorm1dTakesSequencesAndBothFuseAnActivation() {
        Rng rng = new Rng(12);
        Tensor x = Tensor.randn(rng, 4, 3, 6);
        var bn = new BatchNorm1d(3);
        assertClose(reference(x, bn.weight, bn.bias, 1e-5f), bn.forward(x), 1e-5);
        var bn2 = new BatchNorm2d(3);
        Tensor x4 = Tensor.randn(rng, 2, 3, 3, 3);
        assertClose(bn2.forward(x4).leakyRelu(0.2f), new BatchNorm2d(3).forward(x4, Activation.leakyRelu(0.2f)), 1e-6);
    }

    @Test
    void planeGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(13);
        GradCheck.check(in -> Functional.batchNorm(in[0], null, null, in[1], in[2], true, 0.1f, 1e-5f),
                Tensor.randn(rng, 2, 3, 2, 3), Tensor.randn(rng, 3), Tensor.randn(rng, 3));
        GradCheck.check(in -> Functional.batchNorm(in[0], null, null, in[1], in[2], true, 0.1f, 1e-5f, Activation.RELU),
                Tensor.randn(rng, 3, 2, 5), Tensor.randn(rng, 2), Tensor.randn(rng, 2));
        // running statistics are constants: dx = γ·invStd·dy
        Tensor rm = Tensor.randn(rng, 3), rv = Tensor.rand(rng, 3).add(0.5f);
        GradCheck.check(in -> Functional.batchNorm(in[0], rm, rv, in[1], in[2], false, 0.1f, 1e-5f),
                Tensor.randn(rng, 2, 3, 2, 2), Tensor.randn(rng, 3), Tensor.randn(rng, 3));
    }

    /**
     * Inputs whose every sample is half one repeated value (an image's flat background), and an
     * upstream gradient likewise: the output, the input's gradient and dγ, dβ against the same
     * formulas computed in float64 from the same float inputs. BatchNorm2d on [64, 1, 28, 28]
     * (50,176 values a channel) and BatchNorm1d on [4096, 3]. With float lanes for the sums the
     * mean was off by about 1e-5 relative, and the outputs by about 1e-5.
     */
    @Test
    void flatBackgroundsMatchAFloat64ReferenceForwardAndBackward() {
        Rng rng = new Rng(14);
        for (int[] shape : new int[][]{{64, 1, 28, 28}, {4096, 3}}) {
            int c = shape[1], l = shape.length == 4 ? shape[2] * shape[3] : 1, n = shape[0], total = n * c * l;
            float[] x = new float[total], up = new float[total];
            for (int i = 0; i < total; i++) {
                boolean flat = shape.length == 4 ? i % l < l / 2 : i / c % 2 == 0;
                x[i] = flat ? 0.1234567f : rng.uniform();
                up[i] = flat ? 0.01f : rng.normal();
            }
            BatchNorm bn = shape.length == 4 ? new BatchNorm2d(c) : new BatchNorm1d(c);
            for (int ch = 0; ch < c; ch++) {
                bn.weight.data()[ch] = 1.5f + ch;
                bn.bias.data()[ch] = -0.25f;
            }
            Tensor in = Tensor.of(x, shape).requiresGrad(true);
            Tensor y = bn.forward(in);
            y.backward(Tensor.of(up, shape));
            for (int ch = 0; ch < c; ch++) {
                int m = n * l;
                int[] at = new int[m];
                for (int i = 0, j = 0; i < n; i++) for (int k = 0; k < l; k++) at[j++] = (i * c + ch) * l + k;
                double mean = 0, var = 0, sumUp = 0, sumUpXhat = 0, g = bn.weight.data()[ch], b = bn.bias.data()[ch];
                for (int i : at) mean += x[i];
                mean /= m;
                for (int i : at) var += (x[i] - mean) * (x[i] - mean);
                double invStd = 1 / Math.sqrt(var / m + 1e-5);
                for (int i : at) {
                    sumUp += up[i];
                    sumUpXhat += up[i] * (x[i] - mean) * invStd;
                }
                String where = java.util.Arrays.toString(shape) + " channel " + ch;
                assertEquals(sumUp, bn.bias.grad().data()[ch], 1e-6 * Math.abs(sumUp), "dβ " + where);
                assertEquals(sumUpXhat, bn.weight.grad().data()[ch], 1e-6 * Math.abs(sumUpXhat) + 1e-6, "dγ " + where);
                double maxErrY = 0, maxErrDx = 0, maxDx = 0;
                for (int i : at) {
                    double xhat = (x[i] - mean) * invStd;
                    double dx = g * invStd * (up[i] - sumUp / m - xhat * sumUpXhat / m);
                    maxErrY = Math.max(maxErrY, Math.abs(xhat * g + b - y.data()[i]));
                    maxErrDx = Math.max(maxErrDx, Math.abs(dx - in.grad().data()[i]));
                    maxDx = Math.max(maxDx, Math.abs(dx));
                }
                assertTrue(maxErrY < 1e-6, "output " + where + ": max error " + maxErrY);
                assertTrue(maxErrDx < 2e-6 * maxDx, "input gradient " + where + ": max error " + maxErrDx + " of " + maxDx);
            }
        }
    }

    /** Two BatchNorm2d(c) with the same random γ and β and running statistics, in training or evaluation mode. */
    private static BatchNorm2d[] twins(Rng rng, int c, boolean training) {
        Tensor w = Tensor.randn(rng, c), b = Tensor.randn(rng, c);
        BatchNorm2d[] bn = new BatchNorm2d[2];
        for (int k = 0; k < 2; k++) {
            bn[k] = new BatchNorm2d(c);
            System.arraycopy(w.data(), 0, bn[k].weight.data(), 0, c);
            System.arraycopy(b.data(), 0, bn[k].bias.data(), 0, c);
            for (int j = 0; j < c; j++) {
                bn[k].runningMean.data()[j] = 0.1f * j;
                bn[k].runningVar.data()[j] = 0.5f + j;
            }
            if (!training) bn[k].eval();
        }
        return bn;
    }

    /**
     * BatchNorm2d, an activation or none, and MaxPool2d(2) in a Sequential, which runs them as one
     * primitive, against the same three modules called one after the other: the same bits in the
     * output, every gradient and the running statistics, in training and evaluation. The inputs
     * have a flat background (a third of the values equal), so windows tie; the shapes have odd
     * sizes, N = 1, and a width past a vector.
     */
    @Test
    void poolingAfterBatchNormGivesTheBitsOfTheSeparateModules() {
        Rng rng = new Rng(17);
        for (int[] shape : new int[][]{{1, 3, 2, 2}, {4, 2, 5, 7}, {2, 3, 8, 8}, {3, 2, 6, 37}})
            for (int act = 0; act < 3; act++)
                for (boolean training : new boolean[]{true, false}) {
                    int c = shape[1];
                    Tensor x = Tensor.randn(rng, shape);
                    for (int i = 0; i < x.data().length; i += 3) x.data()[i] = -0.25f;
                    BatchNorm2d[] bn = twins(rng, c, training);
                    Tensor[] out = new Tensor[2], in = new Tensor[2];
                    for (int k = 0; k < 2; k++) in[k] = Tensor.of(x.data().clone(), shape).requiresGrad(true);
                    Module activation = act == 0 ? new ReLU() : act == 1 ? new LeakyReLU(0.2f) : null;
                    Sequential fused = activation == null ? new Sequential(bn[0], new MaxPool2d(2)) : new Sequential(bn[0], activation, new MaxPool2d(2));
                    out[0] = fused.forward(in[0]);
                    Tensor z = bn[1].forward(in[1]);
                    out[1] = new MaxPool2d(2).forward(activation == null ? z : activation.forward(z));
                    String at = java.util.Arrays.toString(shape) + " activation " + act + " training " + training;
                    assertEquals("MaxPool2DWithIndicesBackward0", out[0].gradFn(), at);
                    Tensor up = Tensor.randn(rng, out[1].shape());
                    for (int k = 0; k < 2; k++) out[k].backward(up);
                    assertArrayEquals(out[1].data(), out[0].data(), "output " + at);
                    assertArrayEquals(in[1].grad().data(), in[0].grad().data(), "dx " + at);
                    assertArrayEquals(bn[1].weight.grad().data(), bn[0].weight.grad().data(), "dγ " + at);
                    assertArrayEquals(bn[1].bias.grad().data(), bn[0].bias.grad().data(), "dβ " + at);
                    assertArrayEquals(bn[1].runningMean.data(), bn[0].runningMean.data(), "running mean " + at);
                    assertArrayEquals(bn[1].runningVar.data(), bn[0].runningVar.data(), "running var " + at);
                    assertArrayEquals(bn[1].numBatchesTracked.data(), bn[0].numBatchesTracked.data(), "batches " + at);
                }
    }

    /**
     * BatchNorm2d with a fused ReLU or LeakyReLU against the same layer followed by the separate
     * activation, in training and evaluation: the same bits in the output and in every gradient,
     * though the fused backward computes dZ inside its sums and recomputes xhat from x. N = 1 among
     * the shapes, and H·W below 16 and not a multiple of 16.
     */
    @Test
    void aFusedActivationGivesTheBitsOfTheSeparateOne() {
        Rng rng = new Rng(15);
        for (int[] shape : new int[][]{{1, 3, 3, 3}, {4, 2, 5, 7}, {2, 3, 8, 8}})
            for (float slope : new float[]{0f, 0.2f})
                for (boolean training : new boolean[]{true, false}) {
                    int c = shape[1];
                    Tensor x = Tensor.randn(rng, shape), up = Tensor.randn(rng, shape);
                    BatchNorm2d[] bn = twins(rng, c, training);
                    Tensor[] out = new Tensor[2], in = new Tensor[2];
                    for (int k = 0; k < 2; k++) in[k] = Tensor.of(x.data().clone(), shape).requiresGrad(true);
                    out[0] = bn[0].forward(in[0], Activation.leakyRelu(slope));
                    out[1] = slope == 0f ? bn[1].forward(in[1]).relu() : bn[1].forward(in[1]).leakyRelu(slope);
                    String at = java.util.Arrays.toString(shape) + " slope " + slope + " training " + training;
                    for (int k = 0; k < 2; k++) out[k].backward(up);
                    assertArrayEquals(out[1].data(), out[0].data(), "output " + at);
                    assertArrayEquals(in[1].grad().data(), in[0].grad().data(), "dx " + at);
                    assertArrayEquals(bn[1].weight.grad().data(), bn[0].weight.grad().data(), "dγ " + at);
                    assertArrayEquals(bn[1].bias.grad().data(), bn[0].bias.grad().data(), "dβ " + at);
                }
    }

    /** The backward recomputes xhat from the input, so an input changed in place after the forward is an error, not a wrong gradient. */
    @Test
    void anInputChangedInPlaceBeforeTheBackwardIsAnError() {
        Tensor x = Tensor.randn(new Rng(16), 2, 3, 4, 4).requiresGrad(true);
        Tensor y = new BatchNorm2d(3).forward(x, Activation.RELU);
        x.data()[0] += 1f;
        x.bumpVersion();
        var e = assertThrows(IllegalStateException.class, () -> y.backward(Tensor.ones(2, 3, 4, 4)));
        assertTrue(e.getMessage().contains("modified in place"), e.getMessage());
    }

    @Test
    void wrongRanksAndChannelCountsAreErrorsNamingTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(4, 3)));
        assertTrue(e.getMessage().contains("expected 4D input (got 2D input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(2, 3, 4, 4)));
        assertTrue(e.getMessage().contains("expected 2D or 3D input (got 4D input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 4, 5, 5)));
        assertTrue(e.getMessage().contains("[2, 4, 5, 5]") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(1, 3, 1, 1)));
        assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
    }
}
