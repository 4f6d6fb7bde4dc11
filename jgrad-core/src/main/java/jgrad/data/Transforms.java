package jgrad.data;

import java.util.List;

/**
 * torchvision's {@code ToTensor}, {@code Normalize} and {@code Compose} for single-channel images,
 * as {@link Transform}s. The notebook's
 * {@code transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])} is
 * <pre>{@code
 * Transform t = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));  // pixels in [-1, 1]
 * }</pre>
 * Each step computes in float32 in the same order as torchvision, so the values are bit-for-bit
 * the same. A {@link DataLoader} bakes the whole pipeline into a 256-entry lookup table.
 */
public final class Transforms {
    private Transforms() {}

    /** {@code x / 255}: uint8 0..255 to float [0, 1], as {@code ToTensor} does for a uint8 image. */
    public record ToTensor() implements Transform {
        @Override
        public float apply(float x) {
            return x / 255f;
        }

        @Override
        public String toString() {
            return "ToTensor()";
        }
    }

    /** {@code (x - mean) / std}, as {@code Normalize((mean,), (std,))} does on one channel. */
    public record Normalize(float mean, float std) implements Transform {
        public Normalize {
            if (!Float.isFinite(mean) || !Float.isFinite(std) || std == 0)
                throw new IllegalArgumentException("Normalize needs a finite mean and a finite non-zero std, got mean="
                        + mean + ", std=" + std);
        }

        @Override
        public float apply(float x) {
            return (x - mean) / std;
        }

        @Override
        public String toString() {
            return "Normalize(mean=" + mean + ", std=" + std + ")";
        }
    }

    /** The steps applied in order; with none, the identity (raw 0..255 values as floats). */
    public record Compose(List<Transform> steps) implements Transform {
        public Compose {
            steps = List.copyOf(steps);
        }

        @Override
        public float apply(float x) {
            for (Transform t : steps) x = t.apply(x);
            return x;
        }

        @Override
        public String toString() {
            return "Compose(" + steps + ")";
        }
    }

    public static Transform toTensor() {
        return new ToTensor();
    }

    public static Transform normalize(float mean, float std) {
        return new Normalize(mean, std);
    }

    public static Transform compose(Transform... steps) {
        return new Compose(List.of(steps));
    }
}
