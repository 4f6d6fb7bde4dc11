package jgrad.nn;

import jgrad.autograd.LinearAlgebra;
import jgrad.autograd.Normalization;
import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/**
 * The functional forms of the layers, like {@code torch.nn.functional}: stateless functions of
 * their inputs and weights, over the op families of {@code jgrad.autograd}. {@link #linear} and
 * {@link #batchNorm} are fused primitives (one pass forward, one backward) because they sit on the
 * training hot path, and each can apply a following ReLU or LeakyReLU in its own pass
 * ({@link Activation}); dropout is composed of a mask and a product.
 */
public final class Functional {
    private Functional() {}

    /**
     * {@code y = x·Wᵀ + b}, PyTorch's {@code F.linear}.
     * <pre>
     *   x: [*, in]   W: [out, in]   b: [out] or null   →   y: [*, out]
     * </pre>
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(x, weight, bias, 1f);
    }

    /**
     * {@code y = act(x·Wᵀ + b)}, the bias and the activation added in one pass over y (see
     * {@link Activation}); {@code act} null is {@link #linear(Tensor, Tensor, Tensor)}. Shapes as there.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias, Activation act) {
        return LinearAlgebra.linear(x, weight, bias, Activation.slopeOf(act));
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor leakyRelu(Tensor x, float negativeSlope) {
        return x.leakyRelu(negativeSlope);
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** Flattens dimensions from {@code startDim} on, like {@code torch.flatten(x, startDim)}. */
    public static Tensor flatten(Tensor x, int startDim) {
        return x.flatten(startDim);
    }

    /**
     * Inverted dropout, as PyTorch: in training each element is zeroed with probability {@code p}
     * and the survivors are scaled by {@code 1/(1-p)}, so the expected value is unchanged and
     * evaluation needs no rescaling; when not training it is the identity.
     */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (!training || p == 0f) return x;
        float[] mask = new float[x.numel()];
        if (p < 1f) {
            float scale = 1f / (1f - p);
            for (int i = 0; i < mask.length; i++) mask[i] = rng.uniform() < p ? 0f : scale;
        }
        return x.mul(Tensor.of(mask, x.shape()));
    }

    /**
     * Batch normalisation over the batch of a [N, C] input, PyTorch's {@code F.batch_norm}:
     * <pre>
     *   y = (x - E[x]) / √(Var[x] + eps) · γ + β
     * </pre>
     * In training E and Var are the batch's and the running statistics are updated in place;
     * otherwise the running statistics are used. See {@link Normalization#batchNorm} for the details.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        return batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, null);
    }

    /**
     * {@code act(batchNorm(x, …))}, the activation applied in the affine pass (see
     * {@link Activation}); {@code act} null is the eight-argument form.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps, Activation act) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, Activation.slopeOf(act));
    }
}
