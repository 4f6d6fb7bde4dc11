package jgrad.nn;

import jgrad.tensor.Rng;

/**
 * Channel dropout, as PyTorch's {@code Dropout2d(p)}: in training each channel x[n, c] of an
 * [N, C, H, W] input is zeroed with probability p, the others scaled by 1/(1-p); in evaluation
 * {@code y = x}. Neighbouring pixels of a feature map are strongly correlated, so dropping single
 * pixels regularises little; dropping whole maps does.
 */
public final class Dropout2d extends Dropout {
    /** Draws from the global generator current at each forward, so {@code Rng.manualSeed} applies. */
    public Dropout2d(float p) {
        this(p, null);
    }

    public Dropout2d(float p, Rng rng) {
        super(p, rng, true);
    }
}
