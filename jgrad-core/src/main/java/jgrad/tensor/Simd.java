package jgrad.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one switch for the Vector API kernels and the vector shape they use. Every kernel with a
 * {@code jdk.incubator.vector} body has a scalar twin computing the same values;
 * {@code -Djgrad.simd=false} runs the twins everywhere (the test suite runs the engine's tests a
 * second time that way). {@code -Djgrad.simd.bits=256} (or 128) caps the vectors' width, so that an
 * AVX-512 machine runs and tests the code path of an AVX2 one (the test suite runs the kernel tests
 * a third time that way); a cap at or above the CPU's widest changes nothing. The kernels' results
 * do not depend on the width.
 */
public final class Simd {
    /** True unless {@code -Djgrad.simd=false} turned the Vector API kernels off. */
    public static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("jgrad.simd"));
    /**
     * The float vector the kernels use: the widest this CPU runs natively (16 lanes with AVX-512,
     * 8 with AVX2), or the width {@code -Djgrad.simd.bits} asks for.
     */
    public static final VectorSpecies<Float> S = species(System.getProperty("jgrad.simd.bits"));
    /** Lanes per vector. */
    public static final int VL = S.length();
    /** The double vector of the same width as {@link #S}: half its lanes. */
    public static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED.withShape(S.vectorShape());
    /** The float vector with as many lanes as {@link #D}, which converts to one D vector. */
    public static final VectorSpecies<Float> HALF = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(S.vectorBitSize() / 2));

    private Simd() {}

    /** Where a loop over n elements hands over from vectors to the scalar tail: 0 when SIMD is off. */
    public static int loopBound(int n) {
        return ENABLED ? S.loopBound(n) : 0;
    }

    /** The preferred species, or the narrower one {@code bits} caps it at (128, 256 or 512). */
    static VectorSpecies<Float> species(String bits) {
        VectorSpecies<Float> widest = FloatVector.SPECIES_PREFERRED;
        if (bits == null || bits.isBlank()) return widest;
        int b;
        try {
            b = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            b = -1;
        }
        if (b != 128 && b != 256 && b != 512)
            throw new IllegalArgumentException("-Djgrad.simd.bits must be 128, 256 or 512, got '" + bits + "'");
        return b >= widest.vectorBitSize() ? widest : widest.withShape(VectorShape.forBitSize(b));
    }
}
