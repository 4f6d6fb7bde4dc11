package jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jgrad.data.SklearnData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jgrad train --data FILE} on sklearn's real tables lands where PyTorch 1.13 does on the same
 * split, network and settings. Each test runs the command in-process, as a user types it, with
 * {@code --seeds N}: the data read by {@code CsvTable}, the seeded 80/20 split of the first seed (0),
 * the inputs (and for diabetes the targets) standardised on the training part, the preset that
 * {@code jgrad} picks for the data ({@code mlp} for a table, {@code cnn} for {@code --reshape 1x8x8}),
 * trained from seeds 0..N-1. It reads the mean test score from the command's {@code Over N seeds} line.
 *
 * <p>PyTorch's scores are {@code tools/table_reference.py}'s, which follows the same pipeline step by
 * step (the split re-implemented bit for bit), over training seeds 0..4:
 * <pre>
 *   /usr/bin/python3 tools/table_reference.py        # torch 1.13, one thread, about a minute
 * </pre>
 * jgrad's mean over the seeds it runs must be within a point of PyTorch's mean (0.01 of R²), or inside
 * PyTorch's range. CI runs seed 0 only; {@code -Djgrad.tables.seeds=5} runs all five:
 * <pre>
 *   mvn -q -o -pl jgrad-cli -am test -Dtest=TablesTrainingTest -Dsurefire.failIfNoSpecifiedTests=false -Djgrad.tables.seeds=5
 * </pre>
 */
class TablesTrainingTest {
    /** Training seeds to run (the system property jgrad.tables.seeds, default 1): {@code --seeds N}. */
    private static final int SEEDS = Integer.getInteger("jgrad.tables.seeds", 1);

    // PyTorch 1.13's test scores for training seeds 0..4 (accuracy in %, R² for diabetes), from tools/table_reference.py
    private static final double[] IRIS = {100, 100, 100, 100, 100};
    private static final double[] BREAST_CANCER = {99.1228, 99.1228, 99.1228, 99.1228, 99.1228};
    private static final double[] DIGITS = {97.7778, 98.0556, 97.7778, 97.7778, 98.0556};
    private static final double[] DIABETES = {0.5974, 0.5829, 0.5990, 0.5733, 0.6042};
    private static final double[] DIGITS_CNN = {98.6111, 99.1667, 99.1667, 99.1667, 97.7778};

    @TempDir
    Path tmp;

    @Test
    void iris() {
        compare("iris", "mlp", false, IRIS, 1, table("iris.csv"), "--skip-rows", "1", "--no-header", "--epochs", "100");
    }

    @Test
    void breastCancer() {
        compare("breast_cancer", "mlp", false, BREAST_CANCER, 1, table("breast_cancer.csv"), "--skip-rows", "1", "--no-header", "--epochs", "30");
    }

    @Test
    void digits() {
        compare("digits", "mlp", false, DIGITS, 1, table("digits.csv.gz"), "--no-header", "--epochs", "20");
    }

    /** The two whitespace-separated files joined into one table: the delimiter is detected, the real-valued target makes it regression. */
    @Test
    void diabetes() throws IOException {
        compare("diabetes", "mlp", true, DIABETES, 0.01, SklearnData.diabetesTable(tmp).toString(), "--no-header", "--epochs", "20");
    }

    /** The digits as 1×8×8 grey images: jgrad picks the cnn, whose convolutions see each pixel where it belongs. */
    @Test
    void digitsAsImagesTrainTheCnn() {
        compare("digits_cnn", "cnn", false, DIGITS_CNN, 1, table("digits.csv.gz"), "--no-header", "--reshape", "1x8x8", "--epochs", "5");
    }

    private static String table(String name) {
        return SklearnData.dir().resolve(name).toString();
    }

    /** "Over 5 seeds (0..4): test accuracy 98.0000 ± 0.2324% …" or "… test R² 0.5877 ± 0.0110 …": the mean. */
    private static final Pattern OVER = Pattern.compile("(?m)^Over (\\d+) seeds? \\((\\d+)\\.\\.(\\d+)\\): test (accuracy|R²) (-?\\d+(?:\\.\\d+)?|NaN)");

    /**
     * Runs {@code jgrad train --data data options… --seeds SEEDS --threads 2} and checks its mean test score against
     * PyTorch's {@code torch}: within {@code tolerance} of their mean, or inside their range.
     *
     * @param preset the preset jgrad must pick for the data
     * @param regress whether the score is R² (else accuracy in %)
     */
    private static void compare(String name, String preset, boolean regress, double[] torch, double tolerance, String data, String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data));
        args.addAll(List.of(options));
        args.addAll(List.of("--seeds", String.valueOf(SEEDS), "--threads", "2", "--no-progress"));
        Out r = Out.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
        assertTrue(r.out().startsWith("Seed 0: " + preset + ", adam lr 0.001, "), "jgrad did not pick the " + preset + " preset:\n" + r.out());
        Matcher m = OVER.matcher(r.out());
        assertTrue(m.find(), "no 'Over N seeds' line in:\n" + r.out());
        assertEquals(String.valueOf(SEEDS), m.group(1));
        assertEquals(regress ? "R²" : "accuracy", m.group(4), "the task's score");
        double score = Double.parseDouble(m.group(5));
        double mean = Arrays.stream(torch).average().orElseThrow(), min = Arrays.stream(torch).min().orElseThrow(),
                max = Arrays.stream(torch).max().orElseThrow();
        System.out.printf(Locale.ROOT, "%s: jgrad %.4f over seeds 0..%d; PyTorch %.4f (%.4f..%.4f) over seeds 0..4%n", name, score, SEEDS - 1, mean,
                min, max);
        assertTrue(Math.abs(score - mean) <= tolerance || score >= min && score <= max,
                name + ": jgrad " + score + " over " + SEEDS + " seeds, PyTorch " + Arrays.toString(torch) + "\n" + r.out());
    }
}
