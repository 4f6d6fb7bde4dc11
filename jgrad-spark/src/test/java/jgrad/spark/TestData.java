package jgrad.spark;

import java.util.List;
import java.util.SplittableRandom;

import org.apache.spark.sql.SparkSession;

import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;

/** Small data and Spark sessions for the tests. */
final class TestData {
    private TestData() {}

    /** {@code n} random 28×28 images with labels 0..9, the same for the same seed. */
    static ImageDataset images(int n, long seed) {
        var rnd = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 784], labels = new byte[n];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) rnd.nextInt(256);
        for (int i = 0; i < n; i++) labels[i] = (byte) rnd.nextInt(10);
        return ImageDataset.of("random", FashionMNIST.SPEC.classNames(), 28, 28, pixels, labels);
    }

    /** The classes of {@link #colours}: which channel is brightest. */
    static final List<String> COLOURS = List.of("red", "green", "blue");

    /**
     * {@code n} random 3×{@code rows}×{@code cols} colour images of {@link #COLOURS}, the channel of
     * the class brighter than the other two on average (so a network can learn it), the same for the
     * same seed.
     */
    static ImageDataset colours(int n, int rows, int cols, long seed) {
        return colours(n, rows, cols, seed, 3);
    }

    /** {@link #colours(int, int, int, long)} of the first {@code classes} colours only. */
    static ImageDataset colours(int n, int rows, int cols, long seed, int classes) {
        var rnd = new SplittableRandom(seed);
        int plane = rows * cols;
        byte[] pixels = new byte[n * 3 * plane], labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rnd.nextInt(classes);
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < plane; p++) pixels[(i * 3 + c) * plane + p] = (byte) (rnd.nextInt(160) + (c == labels[i] ? 90 : 0));
        }
        return ImageDataset.of("colours", COLOURS.subList(0, classes), 3, rows, cols, pixels, labels);
    }

    /** A session on {@code local[2]} for one test class, no web UI. */
    static SparkSession local() {
        return SparkSession.builder().master("local[2]").appName("jgrad-spark test").config("spark.ui.enabled", "false").getOrCreate();
    }

    static List<String> classes() {
        return FashionMNIST.SPEC.classNames();
    }
}
