package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Max pooling, PyTorch's {@code MaxPool2d(kernel, stride=kernel, padding=0, dilation=1)}: the
 * maximum of each window (padding is −∞), see {@link jgrad.autograd.Pooling#maxPool2d}.
 * <pre>  x: [N, C, H, W]  →  [N, C, Ho, Wo],  Ho = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1</pre>
 * <pre>{@code Tensor y = new MaxPool2d(2).forward(x);   // [64, 32, 28, 28] → [64, 32, 14, 14]}</pre>
 */
public final class MaxPool2d extends Module {
    private final int kernel, stride, padding, dilation;

    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0, 1);
    }

    public MaxPool2d(int kernelSize, int stride, int padding, int dilation) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        int span = dilation * (kernelSize - 1) + 1; // an input the window just fits, to check the settings now, not at the first forward
        new jgrad.tensor.PoolKernels.Geometry(0, 1, span, span, kernelSize, kernelSize, stride, stride, padding, padding, dilation, dilation);
    }

    public int kernelSize() { return kernel; }
    public int stride() { return stride; }
    public int padding() { return padding; }
    public int dilation() { return dilation; }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.maxPool2d(x, kernel, stride, padding, dilation);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", ceil_mode=False";
    }
}
