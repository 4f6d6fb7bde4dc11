package jgrad.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import jgrad.data.CIFAR10;
import jgrad.data.CsvTable;
import jgrad.data.DataSource;
import jgrad.data.ImageFolder;
import jgrad.data.Split;
import jgrad.data.Task;
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
 *   fashion-mnist, mnist  IDX files, found or downloaded as {@link DataSource} says; their own test sets
 *   cifar10               CIFAR-10's binary archive, found or downloaded the same way; its own test set
 *   a directory           an {@link ImageFolder}: ROOT/train and ROOT/test when present, else ROOT split by --test-split;
 *                         --channels, --image-size
 *   a .csv or .csv.gz     a {@link CsvTable}, split by --test-split; --no-header, --skip-rows, --delimiter,
 *                         --target, --task, --reshape
 * </pre>
 * A held-out test set is {@link Split#random}'s, drawn with the run's seed. An option that does not
 * apply to the source ({@code --skip-rows} for images, say) is refused rather than ignored.
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
        Loaded d = switch (source) {
            case "fashion-mnist" -> idx(s, FashionMNIST.SPEC, where);
            case "mnist" -> idx(s, MNIST.SPEC, where);
            case "cifar10" -> {
                refuse(s, "CIFAR-10", FOLDER_AND_TABLE);
                yield new Loaded(CIFAR10.load(where, true), CIFAR10.load(where, false), "cifar10", null);
            }
            default -> {
                Path path = Path.of(source);
                if (Files.isDirectory(path)) yield folder(s, path);
                String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".txt") || name.endsWith(".txt.gz")) yield table(s, path);
                if (!Files.exists(path))
                    throw new java.nio.file.NoSuchFileException(source, null, "no such file or directory (--data takes fashion-mnist, mnist, "
                            + "cifar10, a folder of images by class, or a .csv or .csv.gz table)");
                throw new IllegalArgumentException("--data " + source + ": not a folder and not a table (.csv, .csv.gz); --data takes "
                        + "fashion-mnist, mnist, cifar10, a folder of images by class, or a table");
            }
        };
        if (s.task() != null && d.train() instanceof ImageDataset && s.task() == Task.REGRESS)
            throw new IllegalArgumentException("--task regress needs real-valued targets, but " + d.train().name() + " has classes");
        return d;
    }

    /** The settings that only tables read, and those that only folders read. */
    private static final Setting[] TABLE = {Setting.NO_HEADER, Setting.SKIP_ROWS, Setting.DELIMITER, Setting.TARGET, Setting.RESHAPE},
            FOLDER = {Setting.CHANNELS, Setting.IMAGE_SIZE},
            FOLDER_AND_TABLE = {Setting.TEST_SPLIT, Setting.CHANNELS, Setting.IMAGE_SIZE, Setting.NO_HEADER, Setting.SKIP_ROWS,
                    Setting.DELIMITER, Setting.TARGET, Setting.RESHAPE};

    private static Loaded idx(Settings s, DatasetSpec spec, DataSource where) throws IOException {
        refuse(s, spec.title() + "'s IDX files", FOLDER_AND_TABLE);
        return new Loaded(ImageDataset.load(spec, where, true), ImageDataset.load(spec, where, false), spec.name(), null);
    }

    private static Loaded folder(Settings s, Path root) throws IOException {
        refuse(s, "a folder of images", TABLE);
        ImageFolder.Options o = ImageFolder.Options.defaults();
        int channels = (Integer) s.get(Setting.CHANNELS);
        if (channels != 0) o = o.withChannels(channels);
        String size = (String) s.get(Setting.IMAGE_SIZE);
        if (size != null) o = o.withSize(size);
        if (ImageFolder.hasTrainTest(root)) {
            refuse(s, root + ", which has its own train and test folders", Setting.TEST_SPLIT);
            ImageFolder.TrainTest t = ImageFolder.loadTrainTest(root, o);
            return new Loaded(t.train(), t.test(), "folder", null);
        }
        return split(s, ImageFolder.load(root, o), "folder", null);
    }

    private static Loaded table(Settings s, Path file) throws IOException {
        refuse(s, "a table", FOLDER);
        CsvTable.Options o = csvOptions(s);
        TensorDataset t = CsvTable.read(file, o);
        String shape = (String) s.get(Setting.RESHAPE);
        if (shape != null) t = t.reshape(shape(shape));
        return split(s, t, "csv", CsvTable.featureNames(file, o));
    }

    /** The options {@link CsvTable} reads a table with, as {@code s} gives them (also for the rows {@code jgrad predict} reads). */
    public static CsvTable.Options csvOptions(Settings s) {
        CsvTable.Options o = CsvTable.Options.DEFAULT.skipRows((Integer) s.get(Setting.SKIP_ROWS)).delimiter((String) s.get(Setting.DELIMITER))
                .task(s.task());
        if ((Boolean) s.get(Setting.NO_HEADER)) o = o.noHeader();
        String target = (String) s.get(Setting.TARGET);
        return target != null ? o.target(target) : o;
    }

    private static <D extends Dataset> Loaded split(Settings s, D all, String kind, List<String> features) {
        Split<D> parts = Split.random(all, (Double) s.get(Setting.TEST_SPLIT), s.seed());
        return new Loaded(parts.train(), parts.test(), kind, features);
    }

    /** "1x8x8" as {1, 8, 8}. */
    static int[] shape(String text) {
        if (!text.matches("[1-9][0-9]{0,8}(x[1-9][0-9]{0,8})*"))
            throw new IllegalArgumentException("--reshape: '" + text + "' is not a shape such as 1x8x8 (sizes separated by x)");
        return java.util.Arrays.stream(text.split("x")).mapToInt(Integer::parseInt).toArray();
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
