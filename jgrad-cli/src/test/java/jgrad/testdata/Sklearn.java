package jgrad.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

import jgrad.data.Dataset;
import jgrad.data.Task;
import jgrad.data.TensorDataset;

/**
 * Real tables that Debian's {@code python3-sklearn} ships as CSV, as {@link TensorDataset}s split
 * 80/20 by a seeded shuffle, for tests of binary and regression runs:
 * <ul>
 *   <li>breast cancer: 569 rows of 30 features, malignant (0) or benign (1);</li>
 *   <li>diabetes: 442 rows of 10 features (the raw ones, whitespace-separated) and a disease
 *       progression score, in a second file.</li>
 * </ul>
 */
public final class Sklearn {
    static final Path DIR = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");

    private Sklearn() {}

    /** Breast cancer as a binary task: {train, test}. */
    public static Dataset[] breastCancer() throws IOException {
        List<String> lines = lines("breast_cancer.csv");
        String[] head = lines.getFirst().split(",");
        int n = Integer.parseInt(head[0]), f = Integer.parseInt(head[1]);
        float[] x = new float[n * f], y = new float[n];
        for (int i = 0; i < n; i++) {
            String[] v = lines.get(i + 1).split(",");
            for (int j = 0; j < f; j++) x[i * f + j] = Float.parseFloat(v[j]);
            y[i] = Float.parseFloat(v[f]);
        }
        return split(TensorDataset.of("breast_cancer.csv", x, new int[]{f}, y, 1, List.of(head[2], head[3]), Task.BINARY));
    }

    /** Diabetes as a regression: {train, test}. */
    public static Dataset[] diabetes() throws IOException {
        List<String> rows = lines("diabetes_data_raw.csv.gz"), targets = lines("diabetes_target.csv.gz");
        int n = rows.size(), f = rows.getFirst().trim().split("\\s+").length;
        if (targets.size() != n) throw new IOException("diabetes: " + n + " rows but " + targets.size() + " targets");
        float[] x = new float[n * f], y = new float[n];
        for (int i = 0; i < n; i++) {
            String[] v = rows.get(i).trim().split("\\s+");
            for (int j = 0; j < f; j++) x[i * f + j] = Float.parseFloat(v[j]);
            y[i] = Float.parseFloat(targets.get(i).trim());
        }
        return split(TensorDataset.of("diabetes", x, new int[]{f}, y, 1, List.of(), Task.REGRESS));
    }

    /** A seeded 80/20 split (Fisher–Yates with seed 0). */
    private static Dataset[] split(TensorDataset d) {
        int[] order = new int[d.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        var rnd = new SplittableRandom(0);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int test = order.length / 5;
        return new Dataset[]{d.subset(Arrays.copyOfRange(order, test, order.length), d.name() + "/train"),
                d.subset(Arrays.copyOfRange(order, 0, test), d.name() + "/test")};
    }

    private static List<String> lines(String name) throws IOException {
        Path file = DIR.resolve(name);
        if (!Files.isRegularFile(file))
            throw new IOException(file + " is missing: install Debian's python3-sklearn (apt-get install python3-sklearn)");
        try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) if (!l.isBlank()) out.add(l);
            return out;
        }
    }
}
