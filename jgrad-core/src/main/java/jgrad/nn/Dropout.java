package jgrad.nn;

import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/**
 * Inverted dropout, as PyTorch's {@code Dropout(p)}: {@code p} is the probability of dropping an
 * element. In training, {@code y = x·m/(1-p)} with m ~ Bernoulli(1-p); in evaluation {@code y = x}.
 */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    /** Dropout drawing from the global generator current at each forward, so {@code Rng.manualSeed} applies. */
    public Dropout(float p) {
        this(p, null);
    }

    public Dropout(float p, Rng rng) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, isTraining(), rng != null ? rng : Rng.global());
    }

    @Override
    protected String extraRepr() {
        return "p=" + repr(p) + ", inplace=False";
    }
}
