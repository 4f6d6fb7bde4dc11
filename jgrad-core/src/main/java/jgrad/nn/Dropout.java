package jgrad.nn;

import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/**
 * Inverted dropout, as PyTorch's {@code Dropout(p)}: {@code p} is the probability of dropping an
 * element. In training, {@code y = x·m/(1-p)} with m ~ Bernoulli(1-p); in evaluation {@code y = x}.
 * {@link Dropout2d} drops whole channels instead.
 */
public class Dropout extends Module {
    private final float p;
    private final Rng rng;
    private final boolean channels;

    /** Dropout drawing from the global generator current at each forward, so {@code Rng.manualSeed} applies. */
    public Dropout(float p) {
        this(p, null);
    }

    public Dropout(float p, Rng rng) {
        this(p, rng, false);
    }

    /** Dropout of single elements, or of whole channels when {@code channels}. */
    Dropout(float p, Rng rng, boolean channels) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        this.p = p;
        this.rng = rng;
        this.channels = channels;
    }

    public float p() {
        return p;
    }

    /** The module's own generator, or null when it draws from the global one; a checkpoint saves its state. */
    public Rng generator() {
        return rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        Rng r = rng != null ? rng : Rng.global();
        return channels ? Functional.dropout2d(x, p, isTraining(), r) : Functional.dropout(x, p, isTraining(), r);
    }

    @Override
    protected String extraRepr() {
        return "p=" + repr(p) + ", inplace=False";
    }
}
