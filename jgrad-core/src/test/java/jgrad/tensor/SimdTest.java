package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector width switch: {@code -Djgrad.simd.bits} caps the species, and nonsense is an error naming the value. */
class SimdTest {
    private static final int WIDEST = FloatVector.SPECIES_PREFERRED.vectorBitSize();

    @Test
    void bitsCapTheWidthAndDefaultToTheWidest() {
        assertEquals(WIDEST, Simd.species(null).vectorBitSize());
        assertEquals(WIDEST, Simd.species("512").vectorBitSize());
        assertEquals(Math.min(256, WIDEST), Simd.species("256").vectorBitSize());
        assertEquals(Math.min(128, WIDEST), Simd.species(" 128 ").vectorBitSize());
        // the run of this JVM: the kernels use the width asked for, and the double species matches it
        String bits = System.getProperty("jgrad.simd.bits");
        assertEquals(bits == null ? WIDEST : Math.min(Integer.parseInt(bits), WIDEST), Simd.S.vectorBitSize());
        assertEquals(Simd.S.vectorBitSize(), Simd.D.vectorBitSize());
        assertEquals(Simd.D.length(), Simd.HALF.length());
    }

    @Test
    void otherValuesAreErrors() {
        for (String bad : new String[]{"64", "1024", "wide", "-256"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Simd.species(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("jgrad.simd.bits"), e.getMessage());
        }
    }
}
