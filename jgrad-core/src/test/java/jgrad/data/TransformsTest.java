package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Expected values are numpy float32 results of the same operations, as hex floats. */
class TransformsTest {
    @Test
    void toTensorDividesBy255() {
        float[] t = Transforms.toTensor().lookupTable();
        assertEquals(256, t.length);
        assertEquals(0f, t[0]);
        assertEquals(0x1.010102p-8f, t[1]);
        assertEquals(0.2f, t[51]);
        assertEquals(0x1.010102p-1f, t[128]);
        assertEquals(1f, t[255]);
    }

    @Test
    void notebookPipelineMapsToMinusOneOne() {
        Transform t = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));
        float[] lut = t.lookupTable();
        assertEquals(-1f, lut[0]);
        assertEquals(-0x1.fbfbfcp-1f, lut[1]);
        assertEquals(-0x1.333334p-1f, lut[51]);
        assertEquals(0x1.0102p-8f, lut[128]);
        assertEquals(0x1.fbfbfcp-1f, lut[254]);
        assertEquals(1f, lut[255]);
        assertEquals("Compose([ToTensor(), Normalize(mean=0.5, std=0.5)])", t.toString());
    }

    @Test
    void normalizeAlone() {
        assertEquals(2.5f, Transforms.normalize(10f, 4f).apply(20f));
    }

    @Test
    void emptyComposeIsIdentity() {
        float[] lut = Transforms.compose().lookupTable();
        for (int v = 0; v < 256; v++) assertEquals(v, lut[v]);
    }

    @Test
    void normalizeRejectsZeroOrNonFiniteStd() {
        assertThrows(IllegalArgumentException.class, () -> Transforms.normalize(0.5f, 0f));
        assertThrows(IllegalArgumentException.class, () -> Transforms.normalize(Float.NaN, 1f));
    }
}
