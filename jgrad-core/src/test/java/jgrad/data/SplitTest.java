package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void holdsOutTheCeilingOfTheFractionInDatasetOrder() {
        int[][] p = Split.indices(10, 0.25, 7);
        assertEquals(3, p[1].length); // ceil(2.5), as sklearn's train_test_split
        assertEquals(7, p[0].length);
        int[] all = IntStream.concat(Arrays.stream(p[0]), Arrays.stream(p[1])).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 10).toArray(), all);
        for (int[] part : p) assertArrayEquals(Arrays.stream(part).sorted().toArray(), part);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        assertArrayEquals(Split.indices(1000, 0.2, 3)[1], Split.indices(1000, 0.2, 3)[1]);
        assertEquals(false, Arrays.equals(Split.indices(1000, 0.2, 3)[1], Split.indices(1000, 0.2, 4)[1]));
        // SplittableRandom is specified bit for bit, so these hold on every JDK; tools/table_reference.py draws the same
        assertArrayEquals(new int[]{1, 16, 17, 20, 27, 33, 34, 38, 39, 40}, Arrays.copyOf(Split.indices(150, 0.2, 0)[1], 10));
    }

    @Test
    void splitsAnyDatasetKeepingItsKind() {
        float[][] x = new float[8][];
        int[] y = new int[8];
        for (int i = 0; i < 8; i++) {
            x[i] = new float[]{i, -i};
            y[i] = i % 2;
        }
        Split<TensorDataset> rows = Split.random(TensorDataset.of(x, y), 0.5, 1);
        assertEquals(4, rows.test().size());
        assertEquals("arrays/train", rows.train().name());
        float[] s = new float[2], t = new float[1];
        int[] test = Split.indices(8, 0.5, 1)[1];
        for (int k = 0; k < 4; k++) {
            rows.test().sample(k, s, 0);
            rows.test().target(k, t, 0);
            assertArrayEquals(new float[]{test[k], -test[k]}, s);
            assertEquals(test[k] % 2, t[0]);
        }
        byte[] pixels = new byte[5 * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i / 4);
        Split<ImageDataset> images = Split.random(ImageDataset.of("img", List.of("a", "b"), 2, 2, pixels, new byte[]{0, 1, 0, 1, 0}), 0.4, 0);
        assertEquals(2, images.test().size());
        int[] held = Split.indices(5, 0.4, 0)[1];
        assertEquals(held[1], images.test().pixel(1, 1, 1));
        assertEquals(held[1] % 2, images.test().label(1));
    }

    @Test
    void bothPartsMustHaveSamples() {
        assertEquals("the test fraction must be between 0 and 1 (exclusive), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> Split.indices(10, 1.0, 0)).getMessage());
        assertEquals("the test fraction must be between 0 and 1 (exclusive), got NaN",
                assertThrows(IllegalArgumentException.class, () -> Split.indices(10, Double.NaN, 0)).getMessage());
        assertEquals("holding out 0.9 of 5 samples leaves 0 to train on and 5 to test on; each needs at least one",
                assertThrows(IllegalArgumentException.class, () -> Split.indices(5, 0.9, 0)).getMessage());
        assertEquals("holding out 0.5 of arrays leaves 0 to train on and 1 to test on; each needs at least one",
                assertThrows(IllegalArgumentException.class, () -> Split.random(TensorDataset.of(new float[][]{{1}}, new int[]{0}), 0.5, 0)).getMessage());
    }
}
