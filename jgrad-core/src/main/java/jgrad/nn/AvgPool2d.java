package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Average pooling, PyTorch's {@code AvgPool2d(kernel, stride=kernel, padding=0)} with
 * {@code count_include_pad=True}: the mean of each window, padding counted as zeros.
 * <pre>  x: [N, C, H, W]  →  [N, C, Ho, Wo],  Ho = ⌊(H + 2·padding − kernel) / stride⌋ + 1</pre>
 */
public final class AvgPool2d extends Module {
    private final int kernel, stride, padding;

    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    public AvgPool2d(int kernelSize, int stride, int padding) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        new jgrad.tensor.PoolKernels.Geometry(0, 1, kernelSize, kernelSize, kernelSize, kernelSize, stride, stride, padding, padding, 1, 1);
    }

    public int kernelSize() { return kernel; }
    public int stride() { return stride; }
    public int padding() { return padding; }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.avgPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
