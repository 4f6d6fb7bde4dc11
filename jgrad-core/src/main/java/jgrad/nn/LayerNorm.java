package jgrad.nn;

import java.util.Arrays;

import jgrad.autograd.Tensor;

/**
 * Layer normalisation, PyTorch's {@code nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)}:
 * each sample is normalised over its last dimensions, those of {@code normalizedShape}, by its own
 * mean and biased variance, the same in training and evaluation:
 * <pre>
 *   y = (x - E[x]) / √(Var[x] + eps) · γ + β        E, Var over the last normalizedShape.length dimensions
 *   x, y: [*, normalizedShape…]   γ (weight, init 1), β (bias, init 0): normalizedShape, when elementwise affine
 * </pre>
 * See {@link jgrad.autograd.Normalization#layerNorm} for the backward pass.
 * <pre>{@code var ln = new LayerNorm(128);   Tensor y = ln.forward(h);   // [64, 128] → [64, 128], each row mean 0, variance 1}</pre>
 */
public final class LayerNorm extends Module {
    /** γ and β, or null when not elementwise affine. */
    public final Parameter weight, bias;
    private final int[] normalizedShape;
    private final float eps;

    /** Over the last dimensions of sizes {@code normalizedShape}, eps 1e-5, with γ and β. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5f, true);
    }

    public LayerNorm(int[] normalizedShape, float eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d < 1))
            throw new IllegalArgumentException("LayerNorm: normalized_shape must be one or more positive sizes, got "
                    + Arrays.toString(normalizedShape));
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    public float eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder("(");
        for (int d : normalizedShape) s.append(d).append(',').append(normalizedShape.length > 1 ? " " : "");
        String shape = normalizedShape.length > 1 ? s.substring(0, s.length() - 2) + ")" : s + ")";
        return shape + ", eps=" + repr(eps) + ", elementwise_affine=" + (weight != null ? "True" : "False");
    }
}
