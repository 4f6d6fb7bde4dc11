package jgrad.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** RandomCrop and RandomHorizontalFlip against torchvision's definitions, on uint8 images. */
class AugmentationTest {
    /** The 2×3 image [[1, 2, 3], [4, 5, 6]]. */
    private static final byte[] IMAGE = {1, 2, 3, 4, 5, 6};

    private static byte[] run(Augmentation a, byte[] src, int rows, int cols, long seed) {
        byte[] dst = new byte[a.outRows(rows) * a.outCols(cols)];
        a.apply(src, 0, dst, 0, rows, cols, new SplittableRandom(seed));
        return dst;
    }

    /** Pads with zeros, then takes the size×size window at (i, j): torchvision's two steps, literally. */
    private static byte[] padThenCrop(byte[] src, int rows, int cols, int padding, int size, int i, int j) {
        int w = cols + 2 * padding;
        byte[] padded = new byte[(rows + 2 * padding) * w], out = new byte[size * size];
        for (int r = 0; r < rows; r++) System.arraycopy(src, r * cols, padded, (r + padding) * w + padding, cols);
        for (int r = 0; r < size; r++) System.arraycopy(padded, (i + r) * w + j, out, r * size, size);
        return out;
    }

    private static byte[] distinctPixels(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (255 - i);   // above 127 too: bytes are unsigned pixels
        return b;
    }

    @Test
    void cropsOfFixedSeedsAreExact() {
        Augmentation crop = Augmentation.randomCrop(2, 1);
        // padded 4×5; seed 5 draws (i, j) = (0, 3), seed 1 draws (2, 1)
        assertArrayEquals(new byte[]{0, 0, 3, 0}, run(crop, IMAGE, 2, 3, 5));
        assertArrayEquals(new byte[]{4, 5, 0, 0}, run(crop, IMAGE, 2, 3, 1));
        // then a flip with p = 0.5 draws 0.23 (flips) after seed 5's crop and 0.97 (does not) after seed 1's
        Augmentation both = Augmentation.compose(crop, Augmentation.randomHorizontalFlip(0.5));
        assertArrayEquals(new byte[]{0, 0, 0, 3}, run(both, IMAGE, 2, 3, 5));
        assertArrayEquals(new byte[]{4, 5, 0, 0}, run(both, IMAGE, 2, 3, 1));
    }

    @Test
    void cropIsPadThenCropAtTheDrawnRowThenColumn() {
        int[][] shapes = {{2, 3, 1, 2}, {3, 5, 2, 3}, {5, 3, 2, 5}, {4, 4, 0, 2}, {3, 5, 4, 2}, {1, 6, 3, 1}, {28, 28, 4, 28}, {6, 2, 1, 4}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1], padding = s[2], size = s[3];
            byte[] src = distinctPixels(rows * cols);
            for (long seed = 0; seed < 50; seed++) {
                SplittableRandom draws = new SplittableRandom(seed);
                int i = draws.nextInt(rows + 2 * padding - size + 1), j = draws.nextInt(cols + 2 * padding - size + 1);
                SplittableRandom rng = new SplittableRandom(seed);
                byte[] dst = new byte[size * size + 2];
                dst[0] = dst[dst.length - 1] = 42;
                new Augmentation.RandomCrop(size, padding).apply(src, 0, dst, 1, rows, cols, rng);
                byte[] want = padThenCrop(src, rows, cols, padding, size, i, j);
                assertArrayEquals(want, java.util.Arrays.copyOfRange(dst, 1, dst.length - 1), "shape " + java.util.Arrays.toString(s) + " seed " + seed);
                assertEquals(42, dst[0]);
                assertEquals(42, dst[dst.length - 1], "nothing written past the image");
                assertEquals(draws.nextLong(), rng.nextLong(), "the crop drew exactly two numbers");
            }
        }
    }

    @Test
    void everyCropOffsetIsReachedAboutEquallyOften() {
        int rows = 3, cols = 5, padding = 2, size = 3, positions = (rows + 2 * padding - size + 1) * (cols + 2 * padding - size + 1);
        byte[] src = distinctPixels(rows * cols);
        int[] seen = new int[positions];
        SplittableRandom rng = new SplittableRandom(99);
        Augmentation crop = Augmentation.randomCrop(size, padding);
        int draws = 100 * positions;
        for (int t = 0; t < draws; t++) {
            byte[] dst = new byte[size * size];
            crop.apply(src, 0, dst, 0, rows, cols, rng);
            int found = -1;
            for (int i = 0, p = 0; i <= rows + 2 * padding - size; i++)
                for (int j = 0; j <= cols + 2 * padding - size; j++, p++)
                    if (java.util.Arrays.equals(dst, padThenCrop(src, rows, cols, padding, size, i, j))) found = p;
            assertTrue(found >= 0, "every crop is one of the windows");
            seen[found]++;
        }
        // 100 expected per position; a count outside 50..150 is a five-sigma event for a uniform draw
        for (int p = 0; p < positions; p++) assertTrue(seen[p] >= 50 && seen[p] <= 150, "position " + p + " seen " + seen[p] + " times");
    }

    @Test
    void fullSizeCropWithoutPaddingDrawsNothing() {
        SplittableRandom rng = new SplittableRandom(3), same = new SplittableRandom(3);
        byte[] dst = new byte[4];
        Augmentation.randomCrop(2, 0).apply(new byte[]{9, 8, 7, 6}, 0, dst, 0, 2, 2, rng);
        assertArrayEquals(new byte[]{9, 8, 7, 6}, dst);
        assertEquals(same.nextLong(), rng.nextLong());
    }

    @Test
    void flipMirrorsRowsWithProbabilityP() {
        Augmentation never = Augmentation.randomHorizontalFlip(0), always = Augmentation.randomHorizontalFlip(1);
        for (long seed = 0; seed < 20; seed++) {
            assertArrayEquals(IMAGE, run(never, IMAGE, 2, 3, seed));
            assertArrayEquals(new byte[]{3, 2, 1, 6, 5, 4}, run(always, IMAGE, 2, 3, seed));
            assertArrayEquals(new byte[]{2, 1, 4, 3, 6, 5}, run(always, IMAGE, 3, 2, seed), "3 rows of 2");
        }
        Augmentation half = Augmentation.randomHorizontalFlip(0.5);
        int flipped = 0;
        for (long seed = 0; seed < 400; seed++) {
            byte[] out = run(half, IMAGE, 2, 3, seed);
            boolean flip = new SplittableRandom(seed).nextDouble() < 0.5;   // torchvision: torch.rand(1) < p
            assertArrayEquals(flip ? new byte[]{3, 2, 1, 6, 5, 4} : IMAGE, out, "seed " + seed);
            if (flip) flipped++;
        }
        assertTrue(flipped > 150 && flipped < 250, "about half flipped: " + flipped);
    }

    @Test
    void composeChainsStepsAndSizes() {
        Augmentation a = Augmentation.compose(Augmentation.randomCrop(4, 1), Augmentation.randomHorizontalFlip(1), Augmentation.randomCrop(3, 0));
        assertEquals(3, a.outRows(6));
        assertEquals(3, a.outCols(2));
        byte[] src = distinctPixels(12);
        SplittableRandom rng = new SplittableRandom(8), manual = new SplittableRandom(8);
        byte[] out = new byte[9], step1 = new byte[16], step2 = new byte[16], want = new byte[9];
        a.apply(src, 0, out, 0, 6, 2, rng);
        Augmentation.randomCrop(4, 1).apply(src, 0, step1, 0, 6, 2, manual);
        Augmentation.randomHorizontalFlip(1).apply(step1, 0, step2, 0, 4, 4, manual);
        Augmentation.randomCrop(3, 0).apply(step2, 0, want, 0, 4, 4, manual);
        assertArrayEquals(want, out);
        assertArrayEquals(IMAGE, run(Augmentation.compose(), IMAGE, 2, 3, 0), "no steps: a copy");
        assertEquals("Compose([RandomCrop(size=28, padding=4), RandomHorizontalFlip(p=0.5)])",
                Augmentation.compose(Augmentation.randomCrop(28, 4), Augmentation.randomHorizontalFlip(0.5)).toString());
    }

    @Test
    void badParametersAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(Augmentation.randomCrop(5, 1), IMAGE, 2, 3, 0));
        assertEquals("Required crop size (5, 5) is larger than input image size (4, 5)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Augmentation.randomCrop(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.randomCrop(3, -1));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.randomHorizontalFlip(1.5));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.randomHorizontalFlip(Double.NaN));
    }

    /** 40 distinct 3×4 images, labelled by index mod 10. */
    private static ImageDataset images() {
        byte[] px = new byte[40 * 12], labels = new byte[40];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7 + 3);
        for (int i = 0; i < 40; i++) labels[i] = (byte) (i % 10);
        return ImageDataset.of("images", java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 3, 4, px, labels);
    }

    @Test
    void theLoaderAugmentsEachSampleBeforeTheTransformAndReproducesItsEpochs() {
        ImageDataset ds = images();
        Transform t = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));
        var plain = DataLoader.builder(ds).batchSize(8).transform(t).build();
        var flipped = DataLoader.builder(ds).batchSize(8).transform(t).augment(Augmentation.randomHorizontalFlip(1.0)).build();
        var pb = plain.iterator().next().inputs().data();
        var fb = flipped.iterator().next().inputs().data();
        for (int k = 0; k < 8; k++)
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 4; c++) assertEquals(pb[k * 12 + r * 4 + 3 - c], fb[k * 12 + r * 4 + c], "sample " + k);
        // a random crop with padding: the same seed gives the same epochs, whatever the thread count; epochs differ
        Augmentation crop = Augmentation.randomCrop(3, 1);
        java.util.function.IntFunction<java.util.List<float[]>> epochs = threads -> {
            jgrad.tensor.Parallel.setThreads(threads);
            var l = DataLoader.builder(ds).batchSize(8).shuffle(5).transform(t).augment(crop).build();
            var out = new java.util.ArrayList<float[]>();
            for (int e = 0; e < 2; e++) for (Batch b : l) out.add(b.inputs().data());
            return out;
        };
        int before = jgrad.tensor.Parallel.threads();
        var one = epochs.apply(1);
        var two = epochs.apply(2);
        jgrad.tensor.Parallel.setThreads(before);
        assertEquals(10, one.size());
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), two.get(i), "batch " + i);
        assertFalse(java.util.Arrays.equals(one.get(0), one.get(5)), "the second epoch draws new crops");
        assertArrayEquals(new int[]{8, 1, 3, 3}, DataLoader.builder(ds).batchSize(8).augment(crop).build().iterator().next().inputs().shape());
    }
}
