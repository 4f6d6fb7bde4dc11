package jgrad.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A dataset's training and test parts.
 *
 * <p>{@link #random} holds out a seeded random fraction as the test set, as sklearn's
 * {@code train_test_split(test_size=F, shuffle=True)} without stratification: the test set has
 * {@code ceil(F·n)} samples, as sklearn rounds, the training set the rest. Both keep the dataset's
 * order (a loader shuffles the training set anyway). The draw is a Fisher–Yates permutation
 * {@code for i = n-1 … 1: swap(p[i], p[nextInt(i + 1)])} from {@code new SplittableRandom(seed)},
 * whose algorithm (SplitMix64) Java specifies exactly, so a seed gives the same split on every
 * machine and JDK; the test set is {@code p[0 … ceil(F·n) - 1]}. {@code tools/table_reference.py}
 * draws the identical split in Python.
 * <pre>{@code
 * Split<TensorDataset> s = Split.random(CsvTable.read(Path.of("iris.csv")), 0.2, 0);   // 120 train, 30 test
 * }</pre>
 *
 * @param train the samples to train on
 * @param test  the held-out samples
 */
public record Split<D extends Dataset>(D train, D test) {
    public Split {
        Objects.requireNonNull(train);
        Objects.requireNonNull(test);
    }

    /**
     * Holds out {@code ceil(testFraction · size)} samples of {@code dataset}, drawn with {@code seed},
     * as the test set; named {@code <name>/train} and {@code <name>/test}.
     *
     * @param testFraction in (0, 1), leaving at least one sample on each side
     */
    public static <D extends Dataset> Split<D> random(D dataset, double testFraction, long seed) {
        int[][] parts = indices(dataset.size(), testFraction, seed, dataset.name());
        return new Split<>(subset(dataset, parts[0], dataset.name() + "/train"), subset(dataset, parts[1], dataset.name() + "/test"));
    }

    /**
     * The sample indices of {@link #random}'s split of {@code n} samples: {@code [train, test]},
     * each ascending.
     */
    public static int[][] indices(int n, double testFraction, long seed) {
        return indices(n, testFraction, seed, n + " samples");
    }

    private static int[][] indices(int n, double testFraction, long seed, String what) {
        if (!(testFraction > 0 && testFraction < 1))
            throw new IllegalArgumentException("the test fraction must be between 0 and 1 (exclusive), got " + testFraction);
        int test = (int) Math.ceil(testFraction * n);
        if (test < 1 || test >= n)
            throw new IllegalArgumentException("holding out " + testFraction + " of " + what + " leaves " + (n - test)
                    + " to train on and " + test + " to test on; each needs at least one");
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        int[] testPart = Arrays.copyOf(p, test), trainPart = Arrays.copyOfRange(p, test, n);
        Arrays.sort(testPart);
        Arrays.sort(trainPart);
        return new int[][]{trainPart, testPart};
    }

    @SuppressWarnings("unchecked") // every Dataset's subset returns its own class (ImageDataset, TensorDataset)
    private static <D extends Dataset> D subset(D dataset, int[] indices, String name) {
        return (D) dataset.subset(indices, name);
    }
}
