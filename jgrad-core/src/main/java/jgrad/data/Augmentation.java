package jgrad.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random change to one uint8 image, drawn afresh for every image: torchvision's
 * {@code RandomCrop} and {@code RandomHorizontalFlip}, and {@code Compose} of them. They run on
 * the raw pixels before the loader's {@link Transform} table, as torchvision runs them on the PIL
 * image before {@code ToTensor}, so the padding a crop adds is pixel value 0 whatever the
 * normalisation. The training recipe {@code Compose([RandomCrop(28, padding=4), RandomHorizontalFlip()])} is
 * <pre>{@code
 * Augmentation a = Augmentation.compose(Augmentation.randomCrop(28, 4), Augmentation.randomHorizontalFlip(0.5));
 * a.apply(pixels, i * 784, out, 0, 28, 28, rng);
 * }</pre>
 * The result depends only on the image and the generator's state, so a generator seeded per batch
 * makes an epoch reproducible. The random numbers are SplittableRandom's, not torch's: the
 * distributions are torchvision's, the draws are not.
 */
public interface Augmentation {
    /**
     * Writes the augmented image to dst[dstOff ..]: [channels, outRows(rows), outCols(cols)] row-major bytes,
     * from the [channels, rows, cols] image at src[srcOff ..], every channel changed the same way (one crop
     * position, one flip decision). The two ranges must not overlap.
     */
    void apply(byte[] src, int srcOff, byte[] dst, int dstOff, int channels, int rows, int cols, SplittableRandom rng);

    /** {@link #apply(byte[], int, byte[], int, int, int, int, SplittableRandom)} for a single-channel image. */
    default void apply(byte[] src, int srcOff, byte[] dst, int dstOff, int rows, int cols, SplittableRandom rng) {
        apply(src, srcOff, dst, dstOff, 1, rows, cols, rng);
    }

    /** The output's height for an input {@code rows} high: the same unless the step resizes. */
    default int outRows(int rows) {
        return rows;
    }

    default int outCols(int cols) {
        return cols;
    }

    /**
     * torchvision's {@code RandomCrop(size, padding)}: pad every side with {@code padding} zero pixels,
     * then take a size×size window whose top row i and left column j are uniform over every position
     * that fits (drawn in that order; none are drawn when only one fits).
     */
    record RandomCrop(int size, int padding) implements Augmentation {
        public RandomCrop {
            if (size < 1) throw new IllegalArgumentException("RandomCrop size must be at least 1, got " + size);
            if (padding < 0) throw new IllegalArgumentException("RandomCrop padding must not be negative, got " + padding);
        }

        @Override
        public void apply(byte[] src, int srcOff, byte[] dst, int dstOff, int channels, int rows, int cols, SplittableRandom rng) {
            int h = rows + 2 * padding, w = cols + 2 * padding;
            if (h < size || w < size)
                throw new IllegalArgumentException("Required crop size (" + size + ", " + size + ") is larger than input image size ("
                        + h + ", " + w + ")");
            int i = 0, j = 0;
            if (h != size || w != size) {
                i = rng.nextInt(h - size + 1);
                j = rng.nextInt(w - size + 1);
            }
            // output (r, c) is padded (i + r, j + c), source (i + r - padding, j + c - padding); the columns
            // that fall inside the image are one run [c0, c1) for every row, empty when the window is all padding
            int c0 = Math.clamp(padding - j, 0, size), c1 = Math.clamp(cols + padding - j, c0, size);
            for (int ch = 0; ch < channels; ch++)
                for (int r = 0; r < size; r++) {
                    int d = dstOff + (ch * size + r) * size, sr = i + r - padding;
                    if (sr < 0 || sr >= rows) {
                        Arrays.fill(dst, d, d + size, (byte) 0);
                        continue;
                    }
                    Arrays.fill(dst, d, d + c0, (byte) 0);
                    if (c1 > c0) System.arraycopy(src, srcOff + (ch * rows + sr) * cols + j + c0 - padding, dst, d + c0, c1 - c0);
                    Arrays.fill(dst, d + c1, d + size, (byte) 0);
                }
        }

        @Override
        public int outRows(int rows) {
            return size;
        }

        @Override
        public int outCols(int cols) {
            return size;
        }

        @Override
        public String toString() {
            return "RandomCrop(size=" + size + ", padding=" + padding + ")";
        }
    }

    /** torchvision's {@code RandomHorizontalFlip(p)}: mirrors the image left-right when a uniform draw in [0, 1) is below p. */
    record RandomHorizontalFlip(double p) implements Augmentation {
        public RandomHorizontalFlip {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("RandomHorizontalFlip p must be in [0, 1], got " + p);
        }

        @Override
        public void apply(byte[] src, int srcOff, byte[] dst, int dstOff, int channels, int rows, int cols, SplittableRandom rng) {
            if (rng.nextDouble() >= p) {
                System.arraycopy(src, srcOff, dst, dstOff, channels * rows * cols);
                return;
            }
            for (int r = 0; r < channels * rows; r++)
                for (int c = 0, s = srcOff + r * cols, d = dstOff + r * cols + cols - 1; c < cols; c++) dst[d - c] = src[s + c];
        }

        @Override
        public String toString() {
            return "RandomHorizontalFlip(p=" + p + ")";
        }
    }

    /** The steps in order, each on the previous one's output; with none, a copy. */
    record Compose(List<Augmentation> steps) implements Augmentation {
        public Compose {
            steps = List.copyOf(steps);
        }

        @Override
        public void apply(byte[] src, int srcOff, byte[] dst, int dstOff, int channels, int rows, int cols, SplittableRandom rng) {
            if (steps.isEmpty()) {
                System.arraycopy(src, srcOff, dst, dstOff, channels * rows * cols);
                return;
            }
            byte[] in = src;
            int inOff = srcOff;
            for (int s = 0; s < steps.size(); s++) {
                Augmentation step = steps.get(s);
                boolean last = s == steps.size() - 1;
                // every step but the last writes a fresh image: a few hundred bytes, and the steps may not share one
                byte[] out = last ? dst : new byte[channels * step.outRows(rows) * step.outCols(cols)];
                step.apply(in, inOff, out, last ? dstOff : 0, channels, rows, cols, rng);
                in = out;
                inOff = 0;
                rows = step.outRows(rows);
                cols = step.outCols(cols);
            }
        }

        @Override
        public int outRows(int rows) {
            for (Augmentation s : steps) rows = s.outRows(rows);
            return rows;
        }

        @Override
        public int outCols(int cols) {
            for (Augmentation s : steps) cols = s.outCols(cols);
            return cols;
        }

        @Override
        public String toString() {
            return "Compose(" + steps + ")";
        }
    }

    static Augmentation randomCrop(int size, int padding) {
        return new RandomCrop(size, padding);
    }

    static Augmentation randomHorizontalFlip(double p) {
        return new RandomHorizontalFlip(p);
    }

    static Augmentation compose(Augmentation... steps) {
        return new Compose(List.of(steps));
    }
}
