package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * {@link BatchNorm} of a [N, C] or [N, C, L] input, as PyTorch's {@code BatchNorm1d}: statistics
 * per feature C, over N (and L).
 * <pre>{@code var bn = new BatchNorm1d(512);   Tensor y = bn.forward(x);   // [64, 512] → [64, 512]}</pre>
 */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true);
    }

    public BatchNorm1d(int numFeatures, float eps, float momentum, boolean affine) {
        super(numFeatures, eps, momentum, affine);
    }

    @Override
    protected void checkInputDim(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3)
            throw new IllegalArgumentException("expected 2D or 3D input (got " + x.dim() + "D input of shape "
                    + java.util.Arrays.toString(x.shape()) + ")");
    }
}
