package jgrad.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;
import jgrad.io.AtomicFile;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Training data as Spark holds it, dealt into one {@link Shard} per worker. Sample {@code i} (in the
 * source's order) goes to worker {@code i mod W}, as PyTorch's {@code DistributedSampler} deals
 * indices, and the last {@code N mod W} samples are left out ({@code drop_last}) so every worker
 * takes the same number of steps; the same source and W give the same shards whichever way they
 * are built. The shard RDD is cached: workers keep their samples in memory for the whole run.
 *
 * <p>Images are rows of {@link #SCHEMA}: {@code pixels}, binary, {@code C × H × W} uint8 values
 * row-major ({@code [C, H, W]}, channel-major as {@link ImageDataset} holds them), and {@code label},
 * int, the class index. What the bytes are is in the {@code pixels} column's metadata
 * ({@link Layout}): the shape, the class names and the source, so a table read back is the same
 * dataset. Spark keeps column metadata in the Parquet files' schema, so it survives a round trip:
 * <pre>{@code
 * ImageDataset train = ImageDataset.load(MNIST.SPEC, DataSource.defaults(), true);
 * Shards.writeParquet(Shards.toDataFrame(spark, train, "mnist"), Path.of("mnist/train.parquet"));
 * Dataset<Row> back = Shards.readParquet(spark, Path.of("mnist/train.parquet"));
 * Shards.layout(back);                                      // train's channels, rows, cols and class names; "mnist"
 * JavaRDD<Shard> shards = Shards.fromDataFrame(back, 2);
 * }</pre>
 */
public final class Shards {
    /** The columns of an image table, without the metadata that {@link Layout#schema()} adds. */
    public static final StructType SCHEMA = new StructType()
            .add("pixels", DataTypes.BinaryType, false)
            .add("label", DataTypes.IntegerType, false);
    private static final String SHAPE = "jgrad.shape", CLASSES = "jgrad.classes", SOURCE = "jgrad.source";

    private Shards() {}

    /**
     * What the rows of an image table are: images of {@code [channels, rows, cols]} in
     * {@code classNames.size()} classes, from the source {@code source} (as {@code jgrad train --data}
     * names it, e.g. {@code fashion-mnist}), kept as the {@code pixels} column's metadata
     * {@code jgrad.shape} (three longs), {@code jgrad.classes} (strings) and {@code jgrad.source}.
     * A table without that metadata is one written before it existed, when {@code spark-parquet}
     * wrote only Fashion-MNIST, and is read as Fashion-MNIST's.
     */
    public record Layout(int channels, int rows, int cols, List<String> classNames, String source) implements Serializable {
        public Layout {
            if (channels < 1 || rows < 1 || cols < 1)
                throw new IllegalArgumentException("image shape must be positive: " + channels + "×" + rows + "×" + cols);
            classNames = List.copyOf(classNames);
            if (classNames.isEmpty() || classNames.size() > 256)
                throw new IllegalArgumentException("an image table has 1 to 256 classes, got " + classNames.size());
            Objects.requireNonNull(source);
        }

        /** The shape and classes of {@code d}, from {@code source}. */
        public static Layout of(ImageDataset d, String source) {
            return new Layout(d.channels(), d.rows(), d.cols(), d.classNames(), source);
        }

        /** The bytes of one image. */
        public int imageBytes() {
            return channels * rows * cols;
        }

        /** {@code C×H×W}, or {@code H×W} for one channel. */
        public String shape() {
            return (channels == 1 ? "" : channels + "×") + rows + "×" + cols;
        }

        /** {@link #SCHEMA} with this layout as the pixels column's metadata. */
        public StructType schema() {
            Metadata m = new MetadataBuilder().putLongArray(SHAPE, new long[]{channels, rows, cols})
                    .putStringArray(CLASSES, classNames.toArray(String[]::new)).putString(SOURCE, source).build();
            return new StructType().add("pixels", DataTypes.BinaryType, false, m).add("label", DataTypes.IntegerType, false);
        }
    }

    /**
     * The layout of an image table, from its schema; {@code source} names the table in errors.
     *
     * @throws IllegalArgumentException if the columns are not {@link #SCHEMA}'s or the metadata is not a layout
     */
    static Layout layout(StructType schema, String source) {
        checkSchema(schema, source);
        Metadata m = schema.apply("pixels").metadata();
        if (!m.contains(SHAPE) && !m.contains(CLASSES) && !m.contains(SOURCE))
            return new Layout(FashionMNIST.SHAPE[0], FashionMNIST.SHAPE[1], FashionMNIST.SHAPE[2], FashionMNIST.SPEC.classNames(),
                    FashionMNIST.SPEC.name());
        try {
            long[] shape = m.getLongArray(SHAPE);
            if (shape.length != 3 || Arrays.stream(shape).anyMatch(v -> v < 1 || v > Integer.MAX_VALUE))
                throw new IllegalArgumentException(SHAPE + " is " + Arrays.toString(shape) + ", not three positive sizes [C, H, W]");
            if ((long) shape[0] * shape[1] * shape[2] > Integer.MAX_VALUE)
                throw new IllegalArgumentException(SHAPE + " " + Arrays.toString(shape) + " is too large for one image");
            return new Layout((int) shape[0], (int) shape[1], (int) shape[2], List.of(m.getStringArray(CLASSES)), m.getString(SOURCE));
        } catch (RuntimeException e) { // a missing key, a value of another type, a shape out of range
            throw new IllegalArgumentException(source + ": the pixels column's metadata " + m.json() + " is not an image layout: "
                    + e.getMessage(), e);
        }
    }

    /** The layout of the image table {@code df} (see {@link Layout}). */
    public static Layout layout(Dataset<Row> df) {
        return layout(df.schema(), source(df));
    }

    /**
     * {@code workers} shards of a dataset the driver holds. The dataset travels once to each executor
     * as a broadcast, from which its shard is dealt (and dealt again should a cached shard be lost);
     * parallelising the shards themselves would put their bytes into every task of every round.
     */
    public static JavaRDD<Shard> fromDataset(JavaSparkContext sc, ImageDataset d, int workers) {
        checkWorkers(workers, d.size());
        byte[] pixels = new byte[d.size() * d.channels() * d.rows() * d.cols()], labels = new byte[d.size()];
        d.pixels().get(pixels);
        d.labels().get(labels);
        Broadcast<Shard> all = sc.broadcast(new Shard(0, d.channels(), d.rows(), d.cols(), d.classNames(), pixels, labels));
        List<Integer> ids = IntStream.range(0, workers).boxed().toList();
        return sc.parallelize(ids, workers).map(w -> all.value().deal(w, workers)).persist(StorageLevel.MEMORY_ONLY());
    }

    /** {@code workers} shards of an image table (shape and classes from its {@link Layout}), in its row order. */
    public static JavaRDD<Shard> fromDataFrame(Dataset<Row> df, int workers) {
        String src = source(df);
        Layout l = layout(df.schema(), src);
        JavaRDD<Tuple2<byte[], Integer>> samples = df.select("pixels", "label").javaRDD().map(r -> {
            if (r.isNullAt(0) || r.isNullAt(1)) throw new IllegalArgumentException(src + ": a row has no pixels or no label");
            return new Tuple2<>((byte[]) r.get(0), r.getInt(1));
        });
        return fromSamples(samples, l.channels(), l.rows(), l.cols(), l.classNames(), workers, src);
    }

    /** {@link #fromSamples(JavaRDD, int, int, int, List, int, String)} of single-channel images. */
    public static JavaRDD<Shard> fromSamples(JavaRDD<Tuple2<byte[], Integer>> samples, int rows, int cols,
                                             List<String> classNames, int workers, String source) {
        return fromSamples(samples, 1, rows, cols, classNames, workers, source);
    }

    /**
     * {@code workers} shards of (pixels, label) samples in the RDD's order, each image
     * {@code [channels, rows, cols]} uint8; {@code source} names the data in errors (e.g. a bad row's
     * pixel count or label).
     */
    public static JavaRDD<Shard> fromSamples(JavaRDD<Tuple2<byte[], Integer>> samples, int channels, int rows, int cols,
                                             List<String> classNames, int workers, String source) {
        long total = samples.count();
        checkWorkers(workers, total);
        long per = total / workers, kept = per * workers;
        String shape = new Layout(channels, rows, cols, classNames, source).shape();
        int n = channels * rows * cols;
        List<String> classes = List.copyOf(classNames);
        return samples.zipWithIndex()
                .filter(t -> t._2() < kept)
                .mapToPair(t -> new Tuple2<>((int) (t._2() % workers), new Tuple3<>(t._2(), t._1()._1(), t._1()._2())))
                .partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex((w, it) -> {
                    List<Tuple3<Long, byte[], Integer>> mine = new ArrayList<>();
                    it.forEachRemaining(t -> mine.add(t._2()));
                    // the shuffle delivers in no fixed order: the source's order decides
                    mine.sort(Comparator.comparing(Tuple3::_1));
                    byte[] pixels = new byte[(int) per * n], labels = new byte[(int) per];
                    for (int j = 0; j < mine.size(); j++) {
                        var s = mine.get(j);
                        if (s._2().length != n)
                            throw new IllegalArgumentException(source + ": row " + s._1() + " has " + s._2().length
                                    + " pixel bytes, expected " + n + " (" + shape + ")");
                        if (s._3() < 0 || s._3() >= classes.size())
                            throw new IllegalArgumentException(source + ": row " + s._1() + " has label " + s._3()
                                    + ", expected a class index 0.." + (classes.size() - 1));
                        System.arraycopy(s._2(), 0, pixels, j * n, n);
                        labels[j] = (byte) (int) s._3();
                    }
                    return List.of(new Shard(w, channels, rows, cols, classes, pixels, labels)).iterator();
                }, true)
                .persist(StorageLevel.MEMORY_ONLY());
    }

    /** {@code d} as a table of its {@link Layout}, in dataset order, its source the part of its name before a slash ({@code fashion-mnist/train}). */
    public static Dataset<Row> toDataFrame(SparkSession spark, ImageDataset d) {
        return toDataFrame(spark, d, d.name().contains("/") ? d.name().substring(0, d.name().indexOf('/')) : d.name());
    }

    /** {@code d} as a table of its {@link Layout} from {@code source}, in dataset order. */
    public static Dataset<Row> toDataFrame(SparkSession spark, ImageDataset d, String source) {
        Layout l = Layout.of(d, source);
        int n = l.imageBytes();
        var pixels = d.pixels();
        List<Row> rows = new ArrayList<>(d.size());
        for (int i = 0; i < d.size(); i++) {
            byte[] px = new byte[n];
            pixels.get(i * n, px);
            rows.add(RowFactory.create(px, d.label(i)));
        }
        return spark.createDataFrame(rows, l.schema());
    }

    /** An image table collected on the driver as a dataset named {@code name} (for evaluation), in row order. */
    public static ImageDataset collect(Dataset<Row> df, String name) {
        String src = source(df);
        Layout l = layout(df.schema(), src);
        List<Row> rows = df.select("pixels", "label").collectAsList();
        int n = l.imageBytes();
        byte[] pixels = new byte[rows.size() * n], labels = new byte[rows.size()];
        int classes = l.classNames().size();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            byte[] px = r.isNullAt(0) ? new byte[0] : (byte[]) r.get(0);
            int label = r.isNullAt(1) ? -1 : r.getInt(1);
            if (px.length != n)
                throw new IllegalArgumentException(src + ": row " + i + " has " + px.length + " pixel bytes, expected " + n + " (" + l.shape() + ")");
            if (label < 0 || label >= classes)
                throw new IllegalArgumentException(src + ": row " + i + " has label " + label + ", expected a class index 0.." + (classes - 1));
            System.arraycopy(px, 0, pixels, i * n, n);
            labels[i] = (byte) label;
        }
        return ImageDataset.of(name, l.classNames(), l.channels(), l.rows(), l.cols(), pixels, labels);
    }

    /**
     * Reads the image table written by {@link #writeParquet}; an error names the directory if it is
     * missing, has other columns, or its metadata is not a {@link Layout}.
     */
    public static Dataset<Row> readParquet(SparkSession spark, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such Parquet directory");
        Dataset<Row> df = spark.read().parquet(dir.toString());
        layout(df.schema(), dir.toString());
        return df;
    }

    /**
     * Writes {@code df} as Parquet to directory {@code dir}, atomically: into a fresh directory beside
     * it, each file forced to disk, then renamed. {@code dir} must not exist yet.
     */
    public static void writeParquet(Dataset<Row> df, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs)) throw new IOException(dir + " already exists: remove it or choose another directory");
        AtomicFile.stageDirectory(abs, tmp -> df.coalesce(1).write().mode("overwrite").parquet(tmp.toString()));
    }

    private static void checkSchema(StructType schema, String source) {
        boolean ok = List.of(schema.fieldNames()).containsAll(List.of("pixels", "label"))
                && schema.apply("pixels").dataType().equals(DataTypes.BinaryType)
                && schema.apply("label").dataType().equals(DataTypes.IntegerType);
        if (!ok) throw new IllegalArgumentException(source + ": expected columns pixels (binary) and label (int), found "
                + schema.simpleString());
    }

    private static void checkWorkers(int workers, long samples) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        if (samples < workers) throw new IllegalArgumentException(samples + " samples cannot be dealt to " + workers + " workers");
    }

    /** The files behind {@code df}, for error messages. */
    private static String source(Dataset<Row> df) {
        String[] files = df.inputFiles();
        if (files.length == 0) return "the table";
        String dir = files[0].substring(0, files[0].lastIndexOf('/'));
        return dir.startsWith("file:") ? Path.of(java.net.URI.create(dir)).toString() : dir;
    }
}
