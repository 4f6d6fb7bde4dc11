package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ImageDatasetTest {
    @Test
    void sizesWhoseProductWrapsAroundAreRefused() {
        // 2^22 × 2^21 × 2^21 = 2^64, which a long product wraps to 0 = pixels.length
        var e = assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.of("x", List.of("a"), 1 << 21, 1 << 21, new byte[0], new byte[1 << 22]));
        assertEquals("4194304 images of 2097152×2097152 do not match 0 pixels", e.getMessage());
    }

    @Test
    void pixelsAreIndexedRowMajor() {
        var ds = ImageDataset.of("x", List.of("a", "b"), 2, 3, new byte[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 200}, new byte[]{1, 0});
        assertEquals(5, ds.pixel(0, 1, 2));
        assertEquals(200, ds.pixel(1, 1, 2));
        assertEquals(1, ds.label(0));
    }
}
