package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * {@link BatchNorm} of a [N, C, H, W] input, as PyTorch's {@code BatchNorm2d}: statistics per
 * channel C, over N, H and W.
 * <pre>{@code var bn = new BatchNorm2d(32);   Tensor y = bn.forward(x);   // [64, 32, 28, 28] → same}</pre>
 */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true);
    }

    public BatchNorm2d(int numFeatures, float eps, float momentum, boolean affine) {
        super(numFeatures, eps, momentum, affine);
    }

    @Override
    protected void checkInputDim(Tensor x) {
        if (x.dim() != 4)
            throw new IllegalArgumentException("expected 4D input (got " + x.dim() + "D input of shape "
                    + java.util.Arrays.toString(x.shape()) + ")");
    }
}
