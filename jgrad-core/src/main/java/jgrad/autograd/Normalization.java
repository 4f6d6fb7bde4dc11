package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.BatchNormKernels;
import jgrad.tensor.Elementwise;
import jgrad.tensor.Shapes;

/** Batch normalisation as one fused primitive, forward and backward, over {@link BatchNormKernels}. */
public final class Normalization {
    private Normalization() {}

    /**
     * Batch normalisation over the batch of a [N, C] input, with an optional ReLU or LeakyReLU
     * applied in the affine pass:
     * <pre>
     *   y = act((x - E[x]) / √(Var[x] + eps) · γ + β)        act(z) = z > 0 ? z : slope·z, slope 1 = none
     * </pre>
     * In training E and Var are the batch's (Var biased, ÷N) and the running statistics are updated
     * in place, as PyTorch does: {@code running = (1 - momentum)·running + momentum·batch}, with the
     * unbiased variance (÷(N-1)) for {@code runningVar}. Otherwise the running statistics are used.
     * {@code weight}/{@code bias} (γ, β: [C]) may be null for no affine transform; the running
     * statistics may be null for none (then batch statistics are always used).
     *
     * <p>Backward, with xhat = (x - μ)·invStd: {@code dγ = Σ dZ·xhat}, {@code dβ = Σ dZ}, and
     * {@code dx = γ·invStd·(dZ - mean(dZ) - xhat·mean(dZ·xhat))} when the statistics are the
     * batch's (they depend on x), {@code γ·invStd·dZ} when they are the running ones (constants).
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps, float slope) {
        int[] s = x.shape;
        if (s.length != 2)
            throw new IllegalArgumentException("batch_norm expects a 2-d input [N, C], got shape " + Shapes.str(s));
        int n = s[0], c = s[1];
        for (Tensor t : new Tensor[]{runningMean, runningVar, weight, bias})
            if (t != null && t.data.length != c)
                throw new IllegalArgumentException("batch_norm: input has " + c + " channels (shape " + Shapes.str(s)
                        + ") but a parameter or statistic has shape " + Shapes.str(t.shape));
        boolean useBatch = training || runningMean == null;
        if (useBatch && n <= 1)
            throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size " + Shapes.str(s));
        float[] X = x.data, mean = new float[c], invStd = new float[c];
        if (useBatch) {
            float[] sq = new float[c];
            BatchNormKernels.statistics(X, n, c, mean, sq);
            for (int j = 0; j < c; j++) invStd[j] = (float) (1.0 / Math.sqrt(sq[j] / n + eps));
            if (training && runningMean != null) {
                float[] rm = runningMean.data, rv = runningVar.data;
                for (int j = 0; j < c; j++) {
                    rm[j] = (1 - momentum) * rm[j] + momentum * mean[j];
                    rv[j] = (1 - momentum) * rv[j] + momentum * (sq[j] / (n - 1));
                }
            }
        } else {
            float[] rm = runningMean.data, rv = runningVar.data;
            for (int j = 0; j < c; j++) {
                mean[j] = rm[j];
                invStd[j] = (float) (1.0 / Math.sqrt(rv[j] + eps));
            }
        }
        float[] xhat = new float[n * c], y = new float[n * c];
        float[] W = weight == null ? null : weight.data, B = bias == null ? null : bias.data;
        BatchNormKernels.shiftScale(X, mean, invStd, n, c, xhat);
        BatchNormKernels.scaleShiftActivation(xhat, W != null ? W : filled(c, 1f), B != null ? B : new float[c], slope, n, c, y);
        return Tape.record(LinearAlgebra.activationGradFn(slope, "NativeBatchNormBackward0"), y, s, dY -> {
            // dZ = dY·act'(z) overwrites dY, the sign of z read from y
            if (slope != 1f) Elementwise.activationBackward(y, slope, dY, dY, dY.length, false);
            float[] sumDy = new float[c], sumDyXhat = new float[c];
            Elementwise.sumRows(dY, n, c, sumDy, false);
            BatchNormKernels.sumRowsOfProduct(dY, xhat, n, c, sumDyXhat);
            if (weight != null) weight.writeGrad((dW, add) -> Tape.copyInto(sumDyXhat, dW, add));
            if (bias != null) bias.writeGrad((dB, add) -> Tape.copyInto(sumDy, dB, add));
            x.writeGrad((dX, add) -> {
                float[] g = new float[c], a = new float[c], b = new float[c];
                for (int j = 0; j < c; j++) {
                    g[j] = (W == null ? 1f : W[j]) * invStd[j];
                    a[j] = useBatch ? sumDy[j] / n : 0f;
                    b[j] = useBatch ? sumDyXhat[j] / n : 0f;
                }
                BatchNormKernels.batchNormBackward(dY, xhat, g, a, b, n, c, dX, add);
            });
        }, x, weight, bias);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
