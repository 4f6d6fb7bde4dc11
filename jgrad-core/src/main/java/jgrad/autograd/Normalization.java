package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.BatchNormKernels;
import jgrad.tensor.Elementwise;
import jgrad.tensor.LayerNormKernels;
import jgrad.tensor.PoolKernels;
import jgrad.tensor.Shapes;

/**
 * Batch and layer normalisation, each one fused primitive, forward and backward, over
 * {@link BatchNormKernels} and {@link LayerNormKernels}.
 */
public final class Normalization {
    private Normalization() {}

    /**
     * Batch normalisation over the batch of an [N, C] or [N, C, *] input (statistics per channel c,
     * over N and every trailing position), with an optional ReLU or LeakyReLU applied in the
     * affine pass:
     * <pre>
     *   y = act((x - E[x]) / √(Var[x] + eps) · γ + β)        act(z) = z > 0 ? z : slope·z, slope 1 = none
     * </pre>
     * In training E and Var are the batch's (Var biased, ÷m for the m = N·L values of a channel) and
     * the running statistics are updated in place, as PyTorch does:
     * {@code running = (1 - momentum)·running + momentum·batch}, with the unbiased variance (÷(m-1))
     * for {@code runningVar}. Otherwise the running statistics are used. {@code weight}/{@code bias}
     * (γ, β: [C]) may be null for no affine transform; the running statistics may be null for none
     * (then batch statistics are always used). The batch's sums (μ, σ², Σ dZ, Σ dZ·xhat) are
     * accumulated in double and the variance stays double until invStd, as PyTorch's CPU kernel
     * does for [N, C, *] inputs (see {@link BatchNormKernels}).
     *
     * <p>Backward, with xhat = (x - μ)·invStd: {@code dγ = Σ dZ·xhat}, {@code dβ = Σ dZ}, and
     * {@code dx = γ·invStd·(dZ - mean(dZ) - xhat·mean(dZ·xhat))} when the statistics are the
     * batch's (they depend on x), {@code γ·invStd·dZ} when they are the running ones (constants);
     * dZ = act'(z)·dY is the gradient through the activation, written over dY's own array. For an
     * [N, C, L] input with L > 1 no xhat array is kept: the backward recomputes xhat from x (kept
     * by the tape, which rejects a backward after x changed in place) with the forward's float
     * operations, so the gradients have the bits a saved xhat gives, and no activation-sized xhat is
     * written, kept for the backward, or allocated at all without grad.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps, float slope) {
        return batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, slope, false);
    }

    /**
     * {@code max_pool2d(batchNorm(x, …, slope), 2)}, PyTorch's {@code F.max_pool2d(F.relu(bn(x)), 2)}
     * when slope is 0, as one primitive: the pooling reads x and maps each tap through the
     * normalisation and activation as it loads it ({@link PoolKernels#maxPool2x2Normalized}), so
     * batch norm's [N, C, H, W] output is neither written nor read back. The backward routes the
     * pooled gradient through the maxima and the activation into one [N, C, H, W] array
     * ({@link PoolKernels#maxPool2x2NormalizedBackward}), then runs batch norm's backward on it. Values, gradients and running statistics have the bits of the
     * three ops run one after the other.
     * <pre>  x: [N, C, H, W], H, W ≥ 2  →  [N, C, ⌊H/2⌋, ⌊W/2⌋]</pre>
     */
    public static Tensor batchNormMaxPool2x2(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                             boolean training, float momentum, float eps, float slope) {
        if (x.shape.length != 4)
            throw new IllegalArgumentException("batch_norm with max_pool2d expects an input [N, C, H, W], got shape " + Shapes.str(x.shape));
        return batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, slope, true);
    }

    private static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                    boolean training, float momentum, float eps, float slope, boolean pool) {
        int[] s = x.shape;
        if (s.length < 2)
            throw new IllegalArgumentException("batch_norm expects an input [N, C] or [N, C, *], got shape " + Shapes.str(s));
        // the pooling's geometry is checked before the running statistics change
        PoolKernels.Geometry pooling = pool ? new PoolKernels.Geometry(s[0], s[1], s[2], s[3], 2, 2, 2, 2, 0, 0, 1, 1) : null;
        int n = s[0], c = s[1], l = Shapes.inner(s, 1), m = n * l;
        for (Tensor t : new Tensor[]{runningMean, runningVar, weight, bias})
            if (t != null && t.data.length != c)
                throw new IllegalArgumentException("batch_norm: input has " + c + " channels (shape " + Shapes.str(s)
                        + ") but a parameter or statistic has shape " + Shapes.str(t.shape));
        boolean useBatch = training || runningMean == null, planes = l > 1;
        if (useBatch && m <= 1)
            throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size " + Shapes.str(s));
        float[] X = x.data, mean = new float[c], invStd = new float[c];
        if (useBatch) {
            double[] sq = new double[c];
            if (planes) BatchNormKernels.planeStatistics(X, n, c, l, mean, sq);
            else BatchNormKernels.statistics(X, n, c, mean, sq);
            for (int j = 0; j < c; j++) invStd[j] = (float) (1.0 / Math.sqrt(sq[j] / m + eps));
            if (training && runningMean != null) {
                float[] rm = runningMean.data, rv = runningVar.data;
                for (int j = 0; j < c; j++) {
                    rm[j] = (1 - momentum) * rm[j] + momentum * mean[j];
                    rv[j] = (float) ((1 - momentum) * rv[j] + momentum * (sq[j] / (m - 1)));
                }
            }
        } else {
            float[] rm = runningMean.data, rv = runningVar.data;
            for (int j = 0; j < c; j++) {
                mean[j] = rm[j];
                invStd[j] = (float) (1.0 / Math.sqrt(rv[j] + eps));
            }
        }
        float[] W = weight == null ? filled(c, 1f) : weight.data, B = bias == null ? new float[c] : bias.data;
        if (pool) {
            float[] y = Workspace.floats(pooling.outputSize());
            int[] argmax = Workspace.ints(y.length);
            PoolKernels.maxPool2x2Normalized(X, new PoolKernels.Normalized(mean, invStd, W, B, slope), y, argmax, pooling);
            return Tape.record("MaxPool2DWithIndicesBackward0", y, new int[]{n, c, pooling.ho(), pooling.wo()}, dY -> {
                // dZ, batch norm's gradient through the activation, at full size; the activation is then done with
                float[] dZ = Workspace.floats(X.length);
                PoolKernels.maxPool2x2NormalizedBackward(dY, y, slope, argmax, dZ, pooling);
                backward(dZ, null, 1f, x, weight, bias, W, mean, invStd, null, useBatch, n, c, l);
            }, x, weight, bias);
        }
        // the plane kernels keep no xhat: their backward recomputes it from X, which the tape keeps
        float[] xhat = planes ? null : Workspace.floats(X.length), y = Workspace.floats(X.length);
        if (planes) BatchNormKernels.planeNormalize(X, mean, invStd, W, B, slope, n, c, l, y);
        else {
            BatchNormKernels.shiftScale(X, mean, invStd, n, c, xhat);
            BatchNormKernels.scaleShiftActivation(xhat, W, B, slope, n, c, y);
        }
        return Tape.record(LinearAlgebra.activationGradFn(slope, "NativeBatchNormBackward0"), y, s,
                dY -> backward(dY, y, slope, x, weight, bias, W, mean, invStd, xhat, useBatch, n, c, l), x, weight, bias);
    }

    /**
     * Batch norm's backward from dY, the gradient of y = act(z): dZ = act'(z)·dY overwrites dY (the
     * sign of z read from y; planeSums does it in its own pass), then dγ, dβ and dx. xhat is null
     * for an [N, C, L] input with L > 1, whose kernels recompute it from x.
     */
    private static void backward(float[] dY, float[] y, float slope, Tensor x, Tensor weight, Tensor bias, float[] W, float[] mean,
                                 float[] invStd, float[] xhat, boolean useBatch, int n, int c, int l) {
        float[] X = x.data;
        boolean planes = l > 1;
        int m = n * l;
        double[] sumDy = new double[c], sumDyXhat = new double[c];
        if (planes) BatchNormKernels.planeSums(dY, y, slope, X, mean, invStd, n, c, l, sumDy, sumDyXhat);
        else {
            if (slope != 1f) Elementwise.activationBackward(y, slope, dY, dY, dY.length, false);
            BatchNormKernels.columnGradientSums(dY, xhat, n, c, sumDy, sumDyXhat);
        }
        if (weight != null) weight.writeGrad((dW, add) -> Tape.copyInto(toFloat(sumDyXhat), dW, add));
        if (bias != null) bias.writeGrad((dB, add) -> Tape.copyInto(toFloat(sumDy), dB, add));
        x.writeGrad((dX, add) -> {
            float[] g = new float[c], a = new float[c], b = new float[c];
            for (int j = 0; j < c; j++) {
                g[j] = W[j] * invStd[j];
                a[j] = useBatch ? (float) (sumDy[j] / m) : 0f;
                b[j] = useBatch ? (float) (sumDyXhat[j] / m) : 0f;
            }
            if (planes) BatchNormKernels.planeBackward(dY, X, mean, invStd, g, a, b, n, c, l, dX, add);
            else BatchNormKernels.batchNormBackward(dY, xhat, g, a, b, n, c, dX, add);
        });
    }

    /**
     * Layer normalisation over the last dimensions of {@code x}, PyTorch's {@code F.layer_norm}:
     * <pre>
     *   y = (x - E[x]) / √(Var[x] + eps) · γ + β        E, Var over each sample's last dimensions
     *   x, y: [*, normalizedShape…]   γ (weight), β (bias): normalizedShape, or null for none
     * </pre>
     * Var is the biased variance (÷ the number of values normalised together), as PyTorch's. The
     * same in training and evaluation: there are no running statistics.
     *
     * <p>Backward, with xhat = (x - μ)·invStd and g = dY·γ: {@code dγ = Σ dY·xhat}, {@code dβ = Σ dY}
     * (over every position but the normalised ones), and
     * {@code dx = invStd·(g - mean(g) - xhat·mean(g·xhat))} (means over the normalised values).
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        int[] s = x.shape;
        int k = normalizedShape.length;
        if (k == 0 || k > s.length || !Arrays.equals(Arrays.copyOfRange(s, s.length - k, s.length), normalizedShape))
        throw new IllegalArgumentException("Given normalized_shape=" + Shapes.str(normalizedShape) + ", expected input with shape [*, "
                + Shapes.str(normalizedShape).substring(1) + ", but got input of size " + Shapes.str(s));
        for (Tensor t : new Tensor[]{weight, bias})
        if (t != null && !Arrays.equals(t.shape, normalizedShape))
            throw new IllegalArgumentException("layer_norm: normalized_shape is " + Shapes.str(normalizedShape)
                    + " but a weight or bias has shape " + Shapes.str(t.shape));
        int l = Shapes.numel(normalizedShape), rows = l == 0 ? 0 : x.data.length / l;
        float[] xhat = new float[x.data.length], invStd = new float[rows], y = new float[x.data.length];
        float[] W = weight == null ? null : weight.data;
        LayerNormKernels.forward(x.data, W, bias == null ? null : bias.data, rows, l, eps, xhat, invStd, y);
        return Tape.record("NativeLayerNormBackward0", y, s, dY -> {
        if (weight != null) weight.writeGrad((dW, add) -> LayerNormKernels.affineBackward(dY, xhat, rows, l, dW, null, add));
        if (bias != null) bias.writeGrad((dB, add) -> LayerNormKernels.affineBackward(dY, xhat, rows, l, null, dB, add));
        x.writeGrad((dX, add) -> LayerNormKernels.backward(dY, xhat, invStd, W, rows, l, dX, add));
        }, x, weight, bias);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
