package jgrad.data;

import java.util.Arrays;
import java.util.List;

import jgrad.tensor.Shapes;

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

    /**
     * {@code t} as plain values, for a model file's metadata: {@code scale} 255 for a
     * {@code ToTensor}, {@code mean} and {@code std} for a {@code Normalize}; the transforms
     * a run makes (at most one of each, in that order).
     *
     * @throws IllegalArgumentException for any other transform
     */
    public static java.util.Map<String, Object> toMap(Transform t) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (Transform step : t instanceof Compose c ? c.steps() : List.of(t))
            switch (step) {
                case ToTensor x -> m.put("scale", 255);
                case Normalize n -> {
                    m.put("mean", n.mean());
                    m.put("std", n.std());
                }
                default -> throw new IllegalArgumentException("cannot write the transform " + t);
            }
        return m;
    }

    /** The transform {@link #toMap} wrote (numbers as a JSON reader gives them). */
    public static Transform fromMap(java.util.Map<String, Object> m) {
        List<Transform> steps = new java.util.ArrayList<>();
        if (m.containsKey("scale")) {
            if (!Integer.valueOf(255).equals(m.get("scale"))) throw new IllegalArgumentException("scale " + m.get("scale") + " is not 255");
            steps.add(toTensor());
        }
        if (m.containsKey("mean")) steps.add(normalize(floats(m.get("mean")), floats(m.get("std"))));
        return compose(steps.toArray(Transform[]::new));
    }

    private static float[] floats(Object list) {
        if (!(list instanceof List<?> l)) throw new IllegalArgumentException("not a list of numbers: " + list);
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Number n)) throw new IllegalArgumentException("not a number: " + l.get(i));
            out[i] = n.floatValue();
        }
        return out;
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

    /**
     * The {@link Normalize} that standardises {@code train}'s values per channel (dimension 0 of a
     * sample: a table's feature, an image's colour), fitted as sklearn's {@code StandardScaler}:
     * over the N values of channel c (every sample, every position),
     * <pre>
     *   mean[c] = Σ v / N        std[c] = √(Σ (v - mean[c])² / N)       (population std, two passes, in double)
     * </pre>
     * and {@code std[c] = 1} for a constant channel, one whose variance is within the two-pass
     * algorithm's rounding error of 0 ({@code var ≤ N·ε·var + (N·mean·ε)²}, ε = 2⁻⁵², sklearn's test),
     * so that it maps to {@code v - mean} rather than to noise divided by nearly nothing.
     *
     * <p>The values are the ones a {@link DataLoader} gives by default: a table's raw numbers, an
     * image's {@code ToTensor}'d pixels in [0, 1]. Fit on the training split only, and apply the
     * result to both splits:
     * <pre>{@code
     * Transform rows = Transforms.fitNormalize(split.train());                                  // tables
     * Transform pixels = Transforms.compose(Transforms.toTensor(), Transforms.fitNormalize(train));  // images: --normalize auto
     * }</pre>
     */
    public static Normalize fitNormalize(Dataset train) {
        int channels = train.sampleShape()[0];
        double[] sum = new double[channels], squares = new double[channels];
        long perChannel = (long) train.size() * (Shapes.numel(train.sampleShape()) / channels);
        if (perChannel == 0) throw new IllegalArgumentException(train.name() + ": no samples to fit a Normalize on");
        double[] mean = new double[channels];
        if (train instanceof ImageDataset images) {
            // a histogram per channel: the transform of a pixel depends only on its value
            long[][] counts = new long[channels][256];
            int plane = images.rows() * images.cols();
            byte[] px = images.pixels;
            for (int i = 0; i < px.length; i++) counts[(i / plane) % channels][px[i] & 0xFF]++;
            Transform toTensor = toTensor();
            for (int c = 0; c < channels; c++) {
                for (int v = 0; v < 256; v++) sum[c] += counts[c][v] * (double) toTensor.apply(c, v);
                mean[c] = sum[c] / perChannel;
                for (int v = 0; v < 256; v++) {
                    double d = toTensor.apply(c, v) - mean[c];
                    squares[c] += counts[c][v] * d * d;
                }
            }
        } else {
            TensorDataset rows = (TensorDataset) train;
            int m = Shapes.numel(rows.sampleShape()), plane = m / channels;
            float[] x = new float[m];
            for (int i = 0; i < rows.size(); i++) {
                rows.sample(i, x, 0);
                for (int j = 0; j < m; j++) sum[j / plane] += x[j];
            }
            for (int c = 0; c < channels; c++) mean[c] = sum[c] / perChannel;
            for (int i = 0; i < rows.size(); i++) {
                rows.sample(i, x, 0);
                for (int j = 0; j < m; j++) {
                    double d = x[j] - mean[j / plane];
                    squares[j / plane] += d * d;
                }
            }
        }
        float[] mu = new float[channels], sigma = new float[channels];
        double eps = Math.ulp(1.0);
        for (int c = 0; c < channels; c++) {
            double var = squares[c] / perChannel, bound = perChannel * eps * var + Math.pow(perChannel * mean[c] * eps, 2);
            mu[c] = (float) mean[c];
            sigma[c] = var <= bound || (float) Math.sqrt(var) == 0 ? 1 : (float) Math.sqrt(var);
        }
        return new Normalize(mu, sigma);
    }
}
