package jgrad.tensor;

import java.util.SplittableRandom;

/**
 * A seeded random number generator for initialisation, dropout masks and shuffling. The same seed
 * gives the same stream on every machine; it is not PyTorch's Mersenne-Twister stream, so a seed
 * does not reproduce PyTorch's numbers, only jgrad's own.
 */
public final class Rng {
    private static Rng global = new Rng(0);

    private final SplittableRandom random;
    private double spare = Double.NaN;

    public Rng(long seed) {
        random = new SplittableRandom(seed);
    }

    /**
     * The generator used when none is passed (weight initialisation, dropout), like PyTorch's
     * default generator; seeded with 0 until {@link #manualSeed} is called.
     */
    public static synchronized Rng global() {
        return global;
    }

    /** Reseeds the global generator, like {@code torch.manual_seed}. */
    public static synchronized void manualSeed(long seed) {
        global = new Rng(seed);
    }

    /** Uniform on [0, 1). */
    public float uniform() {
        float u = (float) random.nextDouble();
        return u < 1f ? u : Math.nextDown(1f); // a double just below 1 rounds up to 1f
    }

    /** Uniform on [lo, hi). */
    public float uniform(float lo, float hi) {
        return lo + (hi - lo) * uniform();
    }

    /** Standard normal, by the Box-Muller transform (the second value of each pair is kept for the next call). */
    public float normal() {
        if (!Double.isNaN(spare)) {
            double s = spare;
            spare = Double.NaN;
            return (float) s;
        }
        double u1 = 1.0 - random.nextDouble(), u2 = random.nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        spare = r * Math.sin(2 * Math.PI * u2);
        return (float) (r * Math.cos(2 * Math.PI * u2));
    }
}
