package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.Conv2dKernels;
import jgrad.tensor.Shapes;

/** Two-dimensional convolution, forward with its backward below, over {@link Conv2dKernels}. */
public final class Convolution {
    private Convolution() {}

    /**
     * PyTorch's {@code F.conv2d}:
     * <pre>
     *   y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] · x[n, g·C/G + c, i·s − pad + p·d, j·s − pad + q·d]
     *   x: [N, C, H, W]   w: [O, C/G, kH, kW]   b: [O] or null   →   y: [N, O, Ho, Wo]
     *   Ho = ⌊(H + 2·padH − dH·(kH − 1) − 1) / sH⌋ + 1, likewise Wo; g is o's group of G
     * </pre>
     * Zero padding. Backward: dX is the transposed convolution of dY, dW the correlation of dY with
     * x, db = Σ dY over N, Ho and Wo.
     *
     * @param stride   {sH, sW};  padding {padH, padW};  dilation {dH, dW}
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        int[] xs = x.shape, ws = w.shape;
        if (ws.length != 4)
            throw new IllegalArgumentException("conv2d: expected a weight [out, in/groups, kH, kW], got shape " + Shapes.str(ws));
        if (xs.length != 4)
            throw new IllegalArgumentException("Expected 4D input [N, C, H, W] for conv2d with weight of size " + Shapes.str(ws)
                    + ", but got input of size " + Shapes.str(xs));
        if (groups > 0 && xs[1] != ws[1] * groups)
            throw new IllegalArgumentException("Given groups=" + groups + ", weight of size " + Shapes.str(ws) + ", expected input"
                    + Shapes.str(xs) + " to have " + ws[1] * groups + " channels, but got " + xs[1] + " channels instead");
        if (b != null && (b.shape.length != 1 || b.shape[0] != ws[0]))
            throw new IllegalArgumentException("conv2d: bias of shape " + Shapes.str(b.shape) + " does not match weight of size " + Shapes.str(ws));
        var g = new Conv2dKernels.Geometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1], groups);
        float[] X = x.data, W = w.data, y = Workspace.floats(g.outputSize());
        Conv2dKernels.conv2dForward(X, W, b == null ? null : b.data, y, g);
        return Tape.record("ConvolutionBackward0", y, g.outputShape(), dY -> {
            x.writeGrad((dX, add) -> Conv2dKernels.conv2dBackwardInput(dY, W, dX, g, add));
            boolean needW = w.requiresGrad, needB = b != null && b.requiresGrad;
            if (!needW && !needB) return;
            // dW and db come out of one pass over dY; each is assigned or added as its own state says
            float[] dW = Workspace.floats(W.length), dB = needB ? new float[ws[0]] : null;
            Conv2dKernels.conv2dBackwardWeight(dY, X, dW, dB, g, false);
            w.writeGrad((d, add) -> Tape.copyInto(dW, d, add));
            if (needB) b.writeGrad((d, add) -> Tape.copyInto(dB, d, add));
        }, x, w, b);
    }

    /** {@code padding="same"} for stride 1: {padH, padW} keeping H and W, or an error when that needs uneven padding. */
    public static int[] samePadding(int[] kernel, int[] dilation) {
        int[] pad = new int[2];
        for (int i = 0; i < 2; i++) {
            int total = dilation[i] * (kernel[i] - 1);
            if (total % 2 != 0)
                throw new IllegalArgumentException("padding='same' with kernel " + Arrays.toString(kernel) + " and dilation "
                        + Arrays.toString(dilation) + " needs uneven padding on the two sides, which jgrad does not support; "
                        + "use an odd kernel size or an explicit padding");
            pad[i] = total / 2;
        }
        return pad;
    }
}
