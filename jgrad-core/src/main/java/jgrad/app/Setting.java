package jgrad.app;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.function.Function;

import jgrad.data.Task;
import jgrad.optim.Optimizers;
import jgrad.tensor.Parallel;

/**
 * Every setting of a training run, declared once: its key in checkpoints, its command-line option,
 * its kind of value, its default (which may be the preset's), and what a valid value is. The
 * {@link Settings} builder, the run's description line, checkpoint metadata and the resume check,
 * {@code jgrad train}'s options, the report's header and Spark's per-worker settings all read this
 * table, so a new setting is one entry here (and an accessor in {@link Settings} for Java callers).
 */
public enum Setting {
    // the network and the data
    MODEL("preset", "preset", "--model", "NAME", Kind.PRESET, p -> p,
            "Preset: simple (notebook 1c), complex (1d), cnn, or mlp (the simple MLP with Adam, for tables). Default: simple on "
                    + "Fashion-MNIST, mlp on a table, cnn on other images."),
    ARCH("network spec", "arch", "--arch", "SPEC", Kind.TEXT, p -> null, "The network as a spec (see below) instead of the preset's; the preset's optimizer settings apply."),
    DATA("data", "data", "--data", "SOURCE", Kind.TEXT, p -> "fashion-mnist",
            "What to train on: fashion-mnist (default), mnist, cifar10, a folder of images by class (ROOT/<class>/*.png), or a CSV table (.csv, .csv.gz)."),
    TASK("task", "task", "--task", "TASK", Kind.TASK, p -> null,
            "classify, binary or regress (default: from the target: classes, or real values)."),
    TEST_SPLIT("test split", "testSplit", "--test-split", "F", Kind.FRACTION, p -> 0.2,
            "Without a test set, hold out this seeded fraction of the data for testing (default: 0.2)."),
    CHANNELS("channels", "channels", "--channels", "C", Kind.CHANNELS, p -> 0, "Image folders: read images as 1 (grey) or 3 (RGB) channels (default: 3 if any is in colour)."),
    IMAGE_SIZE("image size", "imageSize", "--image-size", "H[xW]", Kind.TEXT, p -> null, "Image folders: resize every image to H×W by area averaging (default: their own size, which must agree)."),
    NO_HEADER("no header", "noHeader", "--no-header", null, Kind.FLAG, p -> false, "CSV: the first row is data, not column names."),
    SKIP_ROWS("skip rows", "skipRows", "--skip-rows", "N", Kind.COUNT, p -> 0, "CSV: skip N lines at the start of the file (default: 0)."),
    DELIMITER("delimiter", "delimiter", "--delimiter", "C", Kind.TEXT, p -> null, "CSV: the field separator (default: a comma, or whitespace where that is what the file holds)."),
    TARGET("target column", "target", "--target", "COLUMN", Kind.TEXT, p -> null, "CSV: the target column, by name or 0-based index (default: the last)."),
    RESHAPE("reshape", "reshape", "--reshape", "CxHxW", Kind.TEXT, p -> null, "Table rows as samples of this shape, e.g. 1x8x8 for 64 pixel columns."),
    NORMALIZE("normalize", "normalize", "--normalize", "HOW", Kind.TEXT, p -> "default",
            "default (images: Normalize(0.5, 0.5) after ToTensor; tables: standardised columns), auto (images: each channel's mean and std "
                    + "over the training set), or none."),
    AUGMENT("augment", "augment", "--augment", "STEPS", Kind.TEXT, p -> null, "Random augmentation of training images, e.g. crop:4,flip (a 4-pixel-padded random crop, a horizontal flip)."),
    // the optimisation
    EPOCHS("epochs", "epochs", "--epochs", "N", Kind.POSITIVE, p -> p.epochs, "Epochs (default: the preset's, 10 as the notebook)."),
    BATCH_SIZE("batch size", "batchSize", "--batch-size", "N", Kind.POSITIVE, p -> p.batchSize, "Batch size (default: 64)."),
    LR("learning rate", "lr", "--lr", "RATE", Kind.RATE, p -> p.lr, "Learning rate (default: the preset's, 0.01 for simple, 0.001 for the others)."),
    OPTIMIZER("optimizer", "optimizer", "--optimizer", "NAME", Kind.OPTIMIZER, p -> p.optimizer, "sgd, adam or adamw (default: the preset's)."),
    WEIGHT_DECAY("weight decay", "weightDecay", "--weight-decay", "W", Kind.NON_NEGATIVE, p -> p.weightDecay, "Weight decay (default: the preset's, 0 or 1e-5)."),
    MOMENTUM("momentum", "momentum", "--momentum", "M", Kind.NON_NEGATIVE, p -> 0f, "SGD momentum (default: 0)."),
    SEED("seed", "seed", "--seed", "N", Kind.LONG, p -> 0L, "Seed for initial weights, shuffling and splits (default: 0)."),
    THREADS("threads", "threads", "--threads", "N", Kind.POSITIVE, p -> Parallel.threads(), "Threads for the kernels (default: the number of cores).");

    /** What a person calls it, as the report's header lists it. */
    public final String title;
    /** The name in checkpoints and {@link RunCheckpoint#describe}. */
    public final String key;
    /** The command-line option, e.g. {@code --batch-size}. */
    public final String option;
    /** The option's parameter label, or null for a flag. */
    public final String label;
    public final String description;
    final Kind kind;
    final Function<Preset, Object> defaultFor;

    Setting(String title, String key, String option, String label, Kind kind, Function<Preset, Object> defaultFor, String description) {
        this.title = title;
        this.key = key;
        this.option = option;
        this.label = label;
        this.kind = kind;
        this.defaultFor = defaultFor;
        this.description = description;
    }

    /** The value written as {@code text}, read but not yet checked against its range. */
    public Object read(String text) {
        return kind.parse(text);
    }

    /** The value written as {@code text} (as on the command line or in a checkpoint), checked. */
    public Object parse(String text) {
        Object v = kind.parse(text);
        String problem = problem(v);
        if (problem != null) throw new IllegalArgumentException(option + " " + problem);
        return v;
    }

    /** What is wrong with {@code v}, e.g. "must be at least 1, got 0", or null when it is valid. */
    public String problem(Object v) {
        return v == null ? null : kind.problem(v);
    }

    /** {@code v} as text that {@link #parse} reads back to the same value; null for null. */
    public String text(Object v) {
        return v == null ? null : kind.text(v);
    }

    /** {@code v} as a person reads it (1e-05 as 0.00001, a preset by its id). */
    public String shown(Object v) {
        return v == null ? "(none)" : kind.shown(v);
    }

    /** The settings that say how the data is read ({@code --test-split} to {@code --augment}), which matter only where they are set. */
    public static final java.util.Set<Setting> DATA_OPTIONS = java.util.EnumSet.range(TEST_SPLIT, AUGMENT);

    /** The default of this setting for preset {@code p}. */
    public Object defaultFor(Preset p) {
        return defaultFor.apply(p);
    }

    /** True for an option that takes no value ({@code --no-header}). */
    public boolean isFlag() {
        return kind == Kind.FLAG;
    }

    /** The kinds of value, each with how it is read, checked and written. */
    enum Kind {
        TEXT, FLAG, TASK, PRESET, OPTIMIZER, POSITIVE, COUNT, CHANNELS, LONG, RATE, NON_NEGATIVE, FRACTION;

        Object parse(String s) {
            try {
                return switch (this) {
                    case TEXT -> s;
                    case FLAG -> Boolean.parseBoolean(s);
                    case TASK -> Task.byId(s);
                    case PRESET -> {
                        Preset p = Preset.byId(s.toLowerCase(Locale.ROOT));
                        if (p == null) throw new IllegalArgumentException("unknown model '" + s + "': expected simple, complex, cnn or mlp");
                        yield p;
                    }
                    case OPTIMIZER -> s;
                    case POSITIVE, COUNT, CHANNELS -> Integer.parseInt(s);
                    case LONG -> Long.parseLong(s);
                    case RATE, NON_NEGATIVE -> Float.parseFloat(s);
                    // a double, so that 0.2 of 150 rows is 30, not ⌈30.0000004⌉ = 31
                    case FRACTION -> Double.parseDouble(s);
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not " + (this == LONG || this == POSITIVE || this == COUNT || this == CHANNELS
                        ? "a whole number" : "a number"));
            }
        }

        String problem(Object v) {
            return switch (this) {
                case POSITIVE -> (Integer) v >= 1 ? null : "must be at least 1, got " + v;
                case COUNT -> (Integer) v >= 0 ? null : "must not be negative, got " + v;
                case CHANNELS -> (Integer) v == 0 || (Integer) v == 1 || (Integer) v == 3 ? null : "must be 1 or 3, got " + v;
                case RATE -> Float.isFinite((Float) v) && (Float) v > 0 ? null : "must be a finite positive number, got " + v;
                case NON_NEGATIVE -> Float.isFinite((Float) v) && (Float) v >= 0 ? null : "must be a finite number ≥ 0, got " + v;
                case FRACTION -> (Double) v > 0 && (Double) v < 1 ? null : "must be a fraction between 0 and 1, got " + v;
                case OPTIMIZER -> Optimizers.NAMES.contains((String) v) ? null : "must be one of " + Optimizers.NAMES + ", got '" + v + "'";
                default -> null;
            };
        }

        String text(Object v) {
            return switch (this) {
                case PRESET -> ((Preset) v).name();
                case TASK -> ((Task) v).id();
                default -> v.toString();
            };
        }

        String shown(Object v) {
            return switch (this) {
                case PRESET -> ((Preset) v).id();
                case RATE, NON_NEGATIVE -> new BigDecimal(Float.toString((Float) v)).stripTrailingZeros().toPlainString();
                default -> text(v);
            };
        }
    }
}
