package jgrad.tensor;

/**
 * A seeded random number generator for initialisation, dropout masks and shuffling. The same seed
 * gives the same stream on every machine; it is not PyTorch's Mersenne-Twister stream, so a seed
 * does not reproduce PyTorch's numbers, only jgrad's own.
 *
 * <p>The stream is SplitMix64, the same values as {@code new java.util.SplittableRandom(seed)}'s
 * {@code nextDouble()}, kept here as one {@code long} so that {@link #state()} can capture the
 * generator exactly and {@link #setState} continue it, like {@code torch.get_rng_state} and
 * {@code set_rng_state}:
 * <pre>{@code
 * Rng.State s = Rng.global().state();
 * float a = Rng.global().uniform();
 * Rng.global().setState(s);
 * float b = Rng.global().uniform();   // a == b
 * }</pre>
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static Rng global = new Rng(0);

    private long seed;
    private double spare = Double.NaN;

    /** A generator's whole state: SplitMix64's counter and Box-Muller's kept second value (NaN when none). */
    public record State(long seed, double spare) {}

    public Rng(long seed) {
        this.seed = seed;
    }

    public State state() {
        return new State(seed, spare);
    }

    /** Continues from {@code s}, as if this generator had drawn the values that led to it. */
    public void setState(State s) {
        seed = s.seed();
        spare = s.spare();
    }

    /** Uniform on [0, 1) with 53 random bits, as SplittableRandom's nextDouble. */
    private double nextDouble() {
        long z = seed += GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return ((z ^ (z >>> 31)) >>> 11) * 0x1.0p-53;
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
        float u = (float) nextDouble();
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
        double u1 = 1.0 - nextDouble(), u2 = nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        spare = r * Math.sin(2 * Math.PI * u2);
        return (float) (r * Math.cos(2 * Math.PI * u2));
    }
}
