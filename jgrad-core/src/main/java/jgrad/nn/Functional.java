package jgrad.nn;

import jgrad.autograd.Convolution;
import jgrad.autograd.LinearAlgebra;
import jgrad.autograd.Normalization;
import jgrad.autograd.Pooling;
import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;
import jgrad.tensor.Shapes;

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

    /** PyTorch's {@code F.conv2d}; see {@link Convolution#conv2d}. Stride, padding and dilation are {height, width}. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** PyTorch's {@code F.max_pool2d} with square windows; see {@link Pooling#maxPool2d}. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return Pooling.maxPool2d(x, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding},
                new int[]{dilation, dilation});
    }

    /** PyTorch's {@code F.avg_pool2d} (count_include_pad) with square windows; see {@link Pooling#avgPool2d}. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return Pooling.avgPool2d(x, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding});
    }

    /** PyTorch's {@code F.adaptive_avg_pool2d}; see {@link Pooling#adaptiveAvgPool2d}. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);
    }

    /**
     * Channel dropout, PyTorch's {@code F.dropout2d}: in training each [H, W] map of an
     * [N, C, H, W] input is zeroed with probability {@code p}, the survivors scaled by 1/(1-p).
     */
    public static Tensor dropout2d(Tensor x, float p, boolean training, Rng rng) {
        if (x.dim() != 4) throw new IllegalArgumentException("dropout2d expects a 4D input [N, C, H, W], got shape " + Shapes.str(x.shape()));
        return dropout(x, p, training, rng, x.size(0), x.size(1), 1, 1);
    }

    /**
     * Inverted dropout, as PyTorch: in training each element is zeroed with probability {@code p}
     * and the survivors are scaled by {@code 1/(1-p)}, so the expected value is unchanged and
     * evaluation needs no rescaling; when not training it is the identity.
     */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        return dropout(x, p, training, rng, x.shape());
    }

    /** Dropout with one draw per element of a mask of shape {@code maskShape}, broadcast over x. */
    private static Tensor dropout(Tensor x, float p, boolean training, Rng rng, int... maskShape) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (!training || p == 0f) return x;
        float[] mask = new float[Shapes.numel(maskShape)];
        if (p < 1f) {
            float scale = 1f / (1f - p);
            for (int i = 0; i < mask.length; i++) mask[i] = rng.uniform() < p ? 0f : scale;
        }
        return x.mul(Tensor.of(mask, maskShape));
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

    /**
     * Layer normalisation over the last dimensions, PyTorch's {@code F.layer_norm}:
     * <pre>
     *   y = (x - E[x]) / √(Var[x] + eps) · γ + β       x: [*, normalizedShape…]   γ, β: normalizedShape or null
     * </pre>
     * See {@link Normalization#layerNorm}.
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }
}
