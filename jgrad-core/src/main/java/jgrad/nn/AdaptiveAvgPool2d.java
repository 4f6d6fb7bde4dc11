package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Adaptive average pooling to a fixed output size, PyTorch's {@code AdaptiveAvgPool2d(output_size)}:
 * output cell (i, j) averages input rows ⌊i·H/Ho⌋ … ⌈(i+1)·H/Ho⌉ − 1 and the columns likewise.
 * <pre>  x: [N, C, H, W]  →  [N, C, Ho, Wo];   {@code new AdaptiveAvgPool2d(1)} is global average pooling</pre>
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH, outW;

    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got (" + outH + ", " + outW + ")");
        this.outH = outH;
        this.outW = outW;
    }

    public int[] outputSize() { return new int[]{outH, outW}; }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + (outH == outW ? Integer.toString(outH) : Conv2d.pair(new int[]{outH, outW}));
    }
}
