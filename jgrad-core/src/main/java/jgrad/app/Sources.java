package jgrad.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jgrad.data.DataSource;
import jgrad.data.Dataset;
import jgrad.data.DatasetSpec;
import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;
import jgrad.data.MNIST;
import jgrad.data.TensorDataset;

/**
 * Where {@code jgrad train --data SOURCE} finds its training and test sets, with the data
 * {@link Setting}s that apply to each kind of source:
 * <pre>
 *   fashion-mnist, mnist   IDX files, found or downloaded as {@link DataSource} says; their own test sets
 * </pre>
 * An option that does not apply to the source ({@code --skip-rows} for images, say) is refused
 * rather than ignored.
 */
public final class Sources {
    private Sources() {}

    /**
     * The data of a run.
     *
     * @param kind     what the source is: fashion-mnist, mnist, folder, csv, cifar10 (saved with a model, see {@link Predictor})
     * @param features a table's feature columns, or null
     */
    public record Loaded(Dataset train, Dataset test, String kind, List<String> features) {
        public Loaded {
            Objects.requireNonNull(kind);
        }
    }

    /** The training and test sets of {@code s.data()}, found through {@code where}. */
    public static Loaded load(Settings s, DataSource where) throws IOException {
        String source = s.data();
        return switch (source) {
            case "fashion-mnist" -> idx(s, FashionMNIST.SPEC, where);
            case "mnist" -> idx(s, MNIST.SPEC, where);
            default -> throw new IllegalArgumentException("--data: unknown source '" + source + "': expected fashion-mnist or mnist");
        };
    }

    private static Loaded idx(Settings s, DatasetSpec spec, DataSource where) throws IOException {
        refuse(s, spec.title() + "'s IDX files", Setting.TEST_SPLIT, Setting.CHANNELS, Setting.IMAGE_SIZE, Setting.NO_HEADER, Setting.SKIP_ROWS,
                Setting.DELIMITER, Setting.TARGET, Setting.RESHAPE);
        return new Loaded(ImageDataset.load(spec, where, true), ImageDataset.load(spec, where, false), spec.name(), null);
    }

    /** Refuses each of {@code settings} that is not at its default: it does not apply to {@code what}. */
    static void refuse(Settings s, String what, Setting... settings) {
        List<String> given = new ArrayList<>();
        Settings defaults = Settings.builder(s.preset()).build();
        for (Setting x : settings) if (!Objects.equals(s.get(x), defaults.get(x))) given.add(x.option);
        if (!given.isEmpty())
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " does" : " do") + " not apply to " + what);
    }

    /**
     * The preset a run of {@code data} takes when neither {@code --model} nor {@code --arch} is
     * given: the notebook's {@code simple} on Fashion-MNIST, {@code mlp} on table rows, and the
     * {@code cnn} on other images.
     */
    public static Preset defaultPreset(Loaded data) {
        if (data.kind().equals("fashion-mnist")) return Preset.SIMPLE;
        // the training set may live elsewhere (Spark's Parquet shards): the test set has its shape
        return (data.train() != null ? data.train() : data.test()).sampleShape().length == 1 ? Preset.MLP : Preset.CNN;
    }

    /** For the run's first line: "iris.csv: 120 training and 30 test samples of [4], 3 classes". */
    public static String describe(Loaded d) {
        Dataset t = d.train() != null ? d.train() : d.test();
        String target = t instanceof TensorDataset && t.classNames().isEmpty()
                ? t.targetWidth() + (t.targetWidth() == 1 ? " real target" : " real targets") : t.classNames().size() + " classes";
        String training = d.train() != null ? String.format(java.util.Locale.ROOT, "%,d training", d.train().size()) : "training elsewhere";
        return String.format(java.util.Locale.ROOT, "%s: %s and %,d test samples of %s, %s", t.name(), training,
                d.test() == null ? 0 : d.test().size(), jgrad.tensor.Shapes.str(t.sampleShape()), target);
    }
}
