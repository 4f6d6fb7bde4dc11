package jgrad.spark;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;
import scala.Tuple2;
import scala.Tuple3;

/**
 * Training data as Spark holds it, dealt into one {@link Shard} per worker. Sample {@code i} (in the
 * source's order) goes to worker {@code i mod W}, as PyTorch's {@code DistributedSampler} deals
 * indices, and the last {@code N mod W} samples are left out ({@code drop_last}) so every worker
 * takes the same number of steps; the same source and W give the same shards whichever way they
 * are built. The shard RDD is cached: workers keep their samples in memory for the whole run.
 *
 * <p>Images are rows of {@link #SCHEMA}: {@code pixels}, binary, {@code rows × cols} uint8 values
 * row-major, and {@code label}, int, the class index. Fashion-MNIST is 28×28 with 10 classes:
 * <pre>{@code
 * Dataset<Row> df = Shards.toDataFrame(spark, FashionMNIST.load(true));
 * Shards.writeParquet(df, Path.of("fmnist/train.parquet"));
 * JavaRDD<Shard> shards = Shards.fromDataFrame(Shards.readParquet(spark, Path.of("fmnist/train.parquet")), 2);
 * }</pre>
 */
public final class Shards {
    /** The columns of an image table. */
    public static final StructType SCHEMA = new StructType()
            .add("pixels", DataTypes.BinaryType, false)
            .add("label", DataTypes.IntegerType, false);
    private static final int SIDE = 28;

    private Shards() {}

    /**
     * {@code workers} shards of a dataset the driver holds. The dataset travels once to each executor
     * as a broadcast, from which its shard is dealt (and dealt again should a cached shard be lost);
     * parallelising the shards themselves would put their bytes into every task of every round.
     */
    public static JavaRDD<Shard> fromDataset(JavaSparkContext sc, ImageDataset d, int workers) {
        checkWorkers(workers, d.size());
        byte[] pixels = new byte[d.size() * d.rows() * d.cols()], labels = new byte[d.size()];
        d.pixels().get(pixels);
        d.labels().get(labels);
        Broadcast<Shard> all = sc.broadcast(new Shard(0, d.rows(), d.cols(), d.classNames(), pixels, labels));
        List<Integer> ids = IntStream.range(0, workers).boxed().toList();
        return sc.parallelize(ids, workers).map(w -> all.value().deal(w, workers)).persist(StorageLevel.MEMORY_ONLY());
    }

    /** {@code workers} shards of a Fashion-MNIST table ({@link #SCHEMA}, 28×28, 10 classes), in its row order. */
    public static JavaRDD<Shard> fromDataFrame(Dataset<Row> df, int workers) {
        String src = source(df);
        checkSchema(df.schema(), src);
        JavaRDD<Tuple2<byte[], Integer>> samples = df.select("pixels", "label").javaRDD().map(r -> {
            if (r.isNullAt(0) || r.isNullAt(1)) throw new IllegalArgumentException(src + ": a row has no pixels or no label");
            return new Tuple2<>((byte[]) r.get(0), r.getInt(1));
        });
        return fromSamples(samples, SIDE, SIDE, FashionMNIST.SPEC.classNames(), workers, src);
    }

    /**
     * {@code workers} shards of (pixels, label) samples in the RDD's order; {@code source} names the
     * data in errors (e.g. a bad row's pixel count or label).
     */
    public static JavaRDD<Shard> fromSamples(JavaRDD<Tuple2<byte[], Integer>> samples, int rows, int cols,
                                             List<String> classNames, int workers, String source) {
        long total = samples.count();
        checkWorkers(workers, total);
        long per = total / workers, kept = per * workers;
        int n = rows * cols;
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
                                    + " pixel bytes, expected " + n + " (" + rows + "×" + cols + ")");
                        if (s._3() < 0 || s._3() >= classes.size())
                            throw new IllegalArgumentException(source + ": row " + s._1() + " has label " + s._3()
                                    + ", expected a class index 0.." + (classes.size() - 1));
                        System.arraycopy(s._2(), 0, pixels, j * n, n);
                        labels[j] = (byte) (int) s._3();
                    }
                    return List.of(new Shard(w, rows, cols, classes, pixels, labels)).iterator();
                }, true)
                .persist(StorageLevel.MEMORY_ONLY());
    }

    /** {@code d} as a table of {@link #SCHEMA}, in dataset order. */
    public static Dataset<Row> toDataFrame(SparkSession spark, ImageDataset d) {
        int n = d.rows() * d.cols();
        var pixels = d.pixels();
        List<Row> rows = new ArrayList<>(d.size());
        for (int i = 0; i < d.size(); i++) {
            byte[] px = new byte[n];
            pixels.get(i * n, px);
            rows.add(RowFactory.create(px, d.label(i)));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** A Fashion-MNIST table collected on the driver as a dataset named {@code name} (for evaluation), in row order. */
    public static ImageDataset collect(Dataset<Row> df, String name) {
        String src = source(df);
        checkSchema(df.schema(), src);
        List<Row> rows = df.select("pixels", "label").collectAsList();
        int n = SIDE * SIDE;
        byte[] pixels = new byte[rows.size() * n], labels = new byte[rows.size()];
        int classes = FashionMNIST.SPEC.classNames().size();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            byte[] px = r.isNullAt(0) ? new byte[0] : (byte[]) r.get(0);
            int label = r.isNullAt(1) ? -1 : r.getInt(1);
            if (px.length != n) throw new IllegalArgumentException(src + ": row " + i + " has " + px.length + " pixel bytes, expected " + n);
            if (label < 0 || label >= classes)
                throw new IllegalArgumentException(src + ": row " + i + " has label " + label + ", expected a class index 0.." + (classes - 1));
            System.arraycopy(px, 0, pixels, i * n, n);
            labels[i] = (byte) label;
        }
        return ImageDataset.of(name, FashionMNIST.SPEC.classNames(), SIDE, SIDE, pixels, labels);
    }

    /** Reads the image table written by {@link #writeParquet}; an error names the directory if it is missing or has other columns. */
    public static Dataset<Row> readParquet(SparkSession spark, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such Parquet directory");
        Dataset<Row> df = spark.read().parquet(dir.toString());
        checkSchema(df.schema(), dir.toString());
        return df;
    }

    /**
     * Writes {@code df} as Parquet to directory {@code dir}, atomically: into a fresh directory beside
     * it, each file forced to disk, then renamed. {@code dir} must not exist yet.
     */
    public static void writeParquet(Dataset<Row> df, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs)) throw new IOException(dir + " already exists: remove it or choose another directory");
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp");
        try {
            df.coalesce(1).write().mode("overwrite").parquet(tmp.toString());
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.filter(Files::isRegularFile).toList())
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
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
