package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.Shapes;
import jgrad.tensor.SoftmaxKernels;

/**
 * The ops that reduce over a dimension: sums, max, variance and log-softmax. A reduction over
 * dimension d of a row-major array is three plain loops over {@code [outer, n, inner]} (the sizes
 * before d, at d, and after d). Each forward is followed by its backward.
 */
public final class Reductions {
    private Reductions() {}

    /** Maximum values along a dimension and their indices; the gradient flows to the (first) maximal element. */
    public record ValuesIndices(Tensor values, Tensor indices) {}

    /** Σ of all elements (accumulated in double), as a rank-0 tensor. */
    public static Tensor sum(Tensor x) {
        double s = 0;
        for (float v : x.data) s += v;
        return Tape.record("SumBackward0", new float[]{(float) s}, new int[0], g -> x.writeGrad((dx, add) -> {
            if (!add) Arrays.fill(dx, g[0]);
            else for (int i = 0; i < dx.length; i++) dx[i] += g[0];
        }), x);
    }

    /** Σ over dimension {@code dim}; kept as size 1 when {@code keepdim}. */
    public static Tensor sum(Tensor x, int dim, boolean keepdim) {
        int d = Shapes.dim(dim, x.shape.length);
        int outer = Shapes.outer(x.shape, d), n = x.shape[d], inner = Shapes.inner(x.shape, d);
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < n; k++) {
                int src = (o * n + k) * inner, dst = o * inner;
                for (int i = 0; i < inner; i++) out[dst + i] += x.data[src + i];
            }
        return Tape.record("SumBackward1", out, Shapes.reduced(x.shape, d, keepdim), g -> x.writeGrad((dx, add) -> {
            // every element of x receives its slice's gradient: dx[o, k, i] = g[o, i]
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < n; k++) {
                    int dst = (o * n + k) * inner, src = o * inner;
                    for (int i = 0; i < inner; i++) dx[dst + i] = add ? dx[dst + i] + g[src + i] : g[src + i];
                }
        }), x);
    }

    /**
     * Variance over {@code dim}: {@code Σ(x - mean)² / (n - 1)} when {@code unbiased} (Bessel's
     * correction, PyTorch's default), else {@code / n}. Composed of differentiable ops.
     */
    public static Tensor var(Tensor x, int dim, boolean unbiased, boolean keepdim) {
        int n = x.shape[Shapes.dim(dim, x.shape.length)];
        Tensor centred = x.sub(x.mean(dim, true));
        return centred.mul(centred).sum(dim, keepdim).div(unbiased ? n - 1 : n);
    }

    /** Max over {@code dim}, like {@code torch.max(x, dim)}: NaN wins, and the first maximum on ties. */
    public static ValuesIndices max(Tensor x, int dim, boolean keepdim) {
        int d = Shapes.dim(dim, x.shape.length);
        int outer = Shapes.outer(x.shape, d), n = x.shape[d], inner = Shapes.inner(x.shape, d);
        if (n == 0)
            throw new IllegalArgumentException("max(): cannot reduce over a zero-size dimension " + d + " of shape " + Shapes.str(x.shape));
        float[] data = x.data, out = new float[outer * inner], idx = new float[outer * inner];
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float bv = data[o * n * inner + i];
                for (int k = 1; k < n; k++) {
                    float v = data[(o * n + k) * inner + i];
                    if (v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) {
                        bv = v;
                        best = k;
                    }
                }
                out[o * inner + i] = bv;
                arg[o * inner + i] = best;
                idx[o * inner + i] = best;
            }
        int[] s = Shapes.reduced(x.shape, d, keepdim);
        Tensor values = Tape.record("MaxBackward0", out, s, g -> x.writeGrad((dx, add) -> {
            if (!add) Arrays.fill(dx, 0f); // only the maxima receive a gradient
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) dx[(o * n + arg[o * inner + i]) * inner + i] += g[o * inner + i];
        }), x);
        return new ValuesIndices(values, new Tensor(idx, s));
    }

    /** {@code log(softmax(x))} along {@code dim}, computed stably as {@code x - max - log Σ exp(x - max)}. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        int d = Shapes.dim(dim, x.shape.length);
        int outer = Shapes.outer(x.shape, d), n = x.shape[d], inner = Shapes.inner(x.shape, d);
        float[] out = new float[x.data.length];
        SoftmaxKernels.logSoftmaxForward(x.data, out, outer, n, inner);
        return Tape.record("LogSoftmaxBackward0", out, x.shape,
                g -> x.writeGrad((dx, add) -> SoftmaxKernels.logSoftmaxBackward(out, g, dx, outer, n, inner, add)), x);
    }
}
