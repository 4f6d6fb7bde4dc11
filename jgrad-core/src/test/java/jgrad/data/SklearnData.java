package jgrad.data;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Assumptions;

/**
 * The real tables Debian's python3-sklearn ships, read as a user would read them with
 * {@link CsvTable}. Their first line is sklearn's own header ({@code 150,4,setosa,versicolor,virginica}:
 * rows, features, class names), which is not a row of column names: skip it and read without a
 * header. Without the package the tests are skipped, except in CI as root, where {@code ./test}
 * installs it ({@code ensure_sklearn} in {@code .jgrad-env}) and its absence is a failure.
 */
public final class SklearnData {
    public static final Path DIR = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");

    private SklearnData() {}

    /** The directory, or the test is skipped (failed in CI as root). */
    public static Path dir() {
        if (Files.isRegularFile(DIR.resolve("iris.csv"))) return DIR;
        String missing = "Debian's python3-sklearn is not installed: ./test installs it (ensure_sklearn in .jgrad-env), "
                + "or run apt-get install python3-sklearn";
        if ("true".equals(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) fail(missing);
        Assumptions.abort(missing);
        return null;
    }

    /** 150 rows, 4 features, 3 classes named 0, 1, 2 (setosa, versicolor, virginica). */
    public static TensorDataset iris() throws IOException {
        return CsvTable.read(dir().resolve("iris.csv"), CsvTable.Options.DEFAULT.noHeader().skipRows(1));
    }

    /** 569 rows, 30 features, 0 (malignant) or 1 (benign): BINARY. */
    public static TensorDataset breastCancer() throws IOException {
        return CsvTable.read(dir().resolve("breast_cancer.csv"), CsvTable.Options.DEFAULT.noHeader().skipRows(1));
    }

    /** 1,797 rows of 64 pixel values 0..16 and the digit: no header at all. */
    public static TensorDataset digits() throws IOException {
        return CsvTable.read(dir().resolve("digits.csv.gz"), CsvTable.Options.DEFAULT.noHeader());
    }

    /**
     * 442 rows of 10 features and a disease-progression value (25..346), from
     * {@code diabetes_data_raw.csv.gz} and {@code diabetes_target.csv.gz}, whitespace-separated, joined line
     * by line into {@code dir/diabetes.csv.gz} (whitespace-separated too, to read with the delimiter detected).
     */
    public static TensorDataset diabetes(Path dir) throws IOException {
        return CsvTable.read(diabetesTable(dir), CsvTable.Options.DEFAULT.noHeader());
    }

    /**
     * The joined diabetes table that {@link #diabetes} reads, {@code dir/diabetes.csv.gz}: 442 lines of
     * 10 features and the target, whitespace-separated, without a header (for {@code jgrad train --data FILE --no-header}).
     */
    public static Path diabetesTable(Path dir) throws IOException {
        List<String> x = gunzipLines(dir().resolve("diabetes_data_raw.csv.gz")), y = gunzipLines(dir().resolve("diabetes_target.csv.gz"));
        if (x.size() != y.size()) throw new IOException("diabetes: " + x.size() + " feature rows but " + y.size() + " targets");
        Path joined = dir.resolve("diabetes.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(joined)); var p = new PrintStream(o, false, StandardCharsets.UTF_8)) {
            for (int i = 0; i < x.size(); i++) p.print(x.get(i) + " " + y.get(i) + "\n");
        }
        return joined;
    }

    private static List<String> gunzipLines(Path file) throws IOException {
        try (var in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
