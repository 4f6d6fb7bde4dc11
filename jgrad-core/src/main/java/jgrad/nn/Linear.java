package jgrad.nn;

import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/**
 * A fully connected layer: {@code y = x·Wᵀ + b}.
 * <pre>
 *   x: [*, in]  →  y: [*, out]
 *   weight W: [out, in], initialised U(-1/√in, 1/√in)  (PyTorch's kaiming_uniform_ with a = √5)
 *   bias   b: [out],     initialised U(-1/√in, 1/√in)
 * </pre>
 * <pre>{@code Linear fc1 = new Linear(784, 256);  Tensor h = fc1.forward(x);  // [64,784] → [64,256]}</pre>
 */
public final class Linear extends Module implements Activation.Fusing {
    public final Parameter weight;
    public final Parameter bias;
    /** PyTorch's {@code in_features} and {@code out_features}. */
    public final int inFeatures, outFeatures;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, Rng.global());
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures < 0 || outFeatures < 0)
            throw new IllegalArgumentException("Linear: feature counts must be non-negative, got " + inFeatures + " and " + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        weight = registerParameter("weight", kaimingUniform(rng, inFeatures, outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", kaimingUniform(rng, inFeatures, outFeatures)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight, bias, null);
    }

    /** {@code y = act(x·Wᵀ + b)}, the activation applied in the bias pass (see {@link Activation}). */
    @Override
    public Tensor forward(Tensor x, Activation act) {
        return Functional.linear(x, weight, bias, act);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null ? "True" : "False");
    }
}
