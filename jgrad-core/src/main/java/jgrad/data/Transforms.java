package jgrad.data;

import java.util.Arrays;
import java.util.List;

/**
 * torchvision's {@code ToTensor}, {@code Normalize} and {@code Compose}, as {@link Transform}s,
 * for any number of channels. The notebook's
 * {@code transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])} is
 * <pre>{@code
 * Transform t = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));  // pixels in [-1, 1]
 * Transform cifar = Transforms.compose(Transforms.toTensor(),
 *         Transforms.normalize(new float[]{0.4914f, 0.4822f, 0.4465f}, new float[]{0.2470f, 0.2435f, 0.2616f}));
 * }</pre>
 * Each step computes in float32 in the same order as torchvision, so the values are bit-for-bit
 * the same. A {@link DataLoader} bakes the whole pipeline into 256-entry lookup tables.
 */
public final class Transforms {
    private Transforms() {}

    /** {@code x / 255}: uint8 0..255 to float [0, 1], as {@code ToTensor} does for a uint8 image. */
    public record ToTensor() implements Transform {
        @Override
        public float apply(int channel, float x) {
            return x / 255f;
        }

        @Override
        public String toString() {
            return "ToTensor()";
        }
    }

    /**
     * {@code (x - mean[c]) / std[c]} for channel c, as torchvision's {@code Normalize(mean, std)}:
     * one value each applies to every channel, as torchvision broadcasts a one-element mean.
     */
    public record Normalize(float[] mean, float[] std) implements Transform {
        public Normalize {
            mean = mean.clone();
            std = std.clone();
            if (mean.length == 0 || mean.length != std.length)
                throw new IllegalArgumentException("Normalize needs as many means as stds, at least one, got " + mean.length + " and "
                        + std.length);
            for (int c = 0; c < mean.length; c++)
                if (!Float.isFinite(mean[c]) || !Float.isFinite(std[c]) || std[c] == 0)
                    throw new IllegalArgumentException("Normalize needs a finite mean and a finite non-zero std, got mean="
                            + mean[c] + ", std=" + std[c] + (mean.length > 1 ? " for channel " + c : ""));
        }

        @Override
        public float apply(int channel, float x) {
            int c = mean.length == 1 ? 0 : channel;
            return (x - mean[c]) / std[c];
        }

        @Override
        public int channels() {
            return mean.length == 1 ? 0 : mean.length;
        }

        @Override
        public float[] mean() {
            return mean.clone();
        }

        @Override
        public float[] std() {
            return std.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Normalize n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
        }

        @Override
        public String toString() {
            return mean.length == 1 ? "Normalize(mean=" + mean[0] + ", std=" + std[0] + ")"
                    : "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
        }
    }

    /** The steps applied in order; with none, the identity (raw values as floats). */
    public record Compose(List<Transform> steps) implements Transform {
        public Compose {
            steps = List.copyOf(steps);
            int c = 0;
            for (Transform t : steps) {
                if (c != 0 && t.channels() != 0 && t.channels() != c)
                    throw new IllegalArgumentException("the steps are written for " + c + " and " + t.channels() + " channels: " + steps);
                if (t.channels() != 0) c = t.channels();
            }
        }

        @Override
        public float apply(int channel, float x) {
            for (Transform t : steps) x = t.apply(channel, x);
            return x;
        }

        @Override
        public int channels() {
            for (Transform t : steps) if (t.channels() != 0) return t.channels();
            return 0;
        }

        @Override
        public String toString() {
            return "Compose(" + steps + ")";
        }
    }

    public static Transform toTensor() {
        return new ToTensor();
    }

    /** The same mean and std for every channel. */
    public static Transform normalize(float mean, float std) {
        return new Normalize(new float[]{mean}, new float[]{std});
    }

    /** One mean and std per channel. */
    public static Transform normalize(float[] mean, float[] std) {
        return new Normalize(mean, std);
    }

    public static Transform compose(Transform... steps) {
        return new Compose(List.of(steps));
    }
}
