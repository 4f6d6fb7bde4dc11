package jgrad.autograd;

import jgrad.tensor.PoolKernels;
import jgrad.tensor.Shapes;

/** Two-dimensional pooling, each forward with its backward below, over {@link PoolKernels}. */
public final class Pooling {
    private Pooling() {}

    private static PoolKernels.Geometry geometry(String op, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        if (x.shape.length != 4)
            throw new IllegalArgumentException(op + ": expected a 4D input [N, C, H, W], got shape " + Shapes.str(x.shape));
        int[] s = x.shape;
        return new PoolKernels.Geometry(s[0], s[1], s[2], s[3], kernel[0], kernel[1], stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1]);
    }

    private static int[] out(PoolKernels.Geometry g) {
        return new int[]{g.n(), g.c(), g.ho(), g.wo()};
    }

    /**
     * PyTorch's {@code F.max_pool2d}: {@code y[n, c, i, j] = max over the window} (padding is −∞;
     * NaN propagates). The gradient goes to each window's maximum.
     * <pre>  x: [N, C, H, W]  →  y: [N, C, Ho, Wo],  Ho = ⌊(H + 2·pad − d·(k − 1) − 1) / s⌋ + 1</pre>
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        var g = geometry("max_pool2d", x, kernel, stride, padding, dilation);
        float[] y = Workspace.floats(g.outputSize());
        int[] argmax = Workspace.ints(y.length);
        PoolKernels.maxPool2dForward(x.data, y, argmax, g);
        return Tape.record("MaxPool2DWithIndicesBackward0", y, out(g),
                dY -> x.writeGrad((dX, add) -> PoolKernels.maxPool2dBackward(dY, argmax, dX, g, add)), x);
    }

    /**
     * PyTorch's {@code F.avg_pool2d} with {@code count_include_pad=True}: the mean over each k×k
     * window, padding counted as zeros. The gradient spreads evenly over each window.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        var g = geometry("avg_pool2d", x, kernel, stride, padding, new int[]{1, 1});
        float[] y = new float[g.outputSize()];
        PoolKernels.avgPool2dForward(x.data, y, g);
        return Tape.record("AvgPool2DBackward0", y, out(g), dY -> x.writeGrad((dX, add) -> PoolKernels.avgPool2dBackward(dY, dX, g, add)), x);
    }

    /**
     * PyTorch's {@code F.adaptive_avg_pool2d}: output cell (i, j) is the mean of input rows
     * ⌊i·H/Ho⌋ … ⌈(i+1)·H/Ho⌉ − 1 and the columns likewise.
     * <pre>  x: [N, C, H, W]  →  y: [N, C, Ho, Wo]</pre>
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int ho, int wo) {
        if (x.shape.length != 4)
            throw new IllegalArgumentException("adaptive_avg_pool2d: expected a 4D input [N, C, H, W], got shape " + Shapes.str(x.shape));
        if (ho < 1 || wo < 1)
            throw new IllegalArgumentException("adaptive_avg_pool2d: output size must be positive, got (" + ho + ", " + wo + ")");
        int[] s = x.shape;
        float[] y = new float[s[0] * s[1] * ho * wo];
        PoolKernels.adaptiveAvgPool2dForward(x.data, y, s[0], s[1], s[2], s[3], ho, wo);
        return Tape.record("AdaptiveAvgPool2DBackward0", y, new int[]{s[0], s[1], ho, wo},
                dY -> x.writeGrad((dX, add) -> PoolKernels.adaptiveAvgPool2dBackward(dY, dX, s[0], s[1], s[2], s[3], ho, wo, add)), x);
    }
}
