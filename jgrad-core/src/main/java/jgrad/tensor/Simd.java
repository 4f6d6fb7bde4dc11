package jgrad.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one switch for the Vector API kernels and the vector shape they use. Every kernel with a
 * {@code jdk.incubator.vector} body has a scalar twin computing the same values;
 * {@code -Djgrad.simd=false} runs the twins everywhere (the test suite runs the engine's tests a
 * second time that way).
 */
public final class Simd {
    /** True unless {@code -Djgrad.simd=false} turned the Vector API kernels off. */
    public static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("jgrad.simd"));
    /** The widest float vector this CPU runs natively: 16 lanes with AVX-512, 8 with AVX2. */
    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    public static final int VL = S.length();

    private Simd() {}

    /** Where a loop over n elements hands over from vectors to the scalar tail: 0 when SIMD is off. */
    public static int loopBound(int n) {
        return ENABLED ? S.loopBound(n) : 0;
    }
}
