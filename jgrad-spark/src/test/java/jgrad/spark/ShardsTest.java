package jgrad.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.data.ImageDataset;
import scala.Tuple2;

class ShardsTest {
    private static SparkSession spark;
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        spark = TestData.local();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static void assertSameShards(List<Shard> expected, List<Shard> actual) {
        assertEquals(expected.size(), actual.size());
        for (int w = 0; w < expected.size(); w++) {
            ImageDataset a = expected.get(w).dataset(), b = actual.get(w).dataset();
            assertEquals(w, actual.get(w).worker);
            assertEquals(a.pixels(), b.pixels(), "pixels of shard " + w);
            assertEquals(a.labels(), b.labels(), "labels of shard " + w);
        }
    }

    @Test
    void everyWayInDealsTheSameShards(@TempDir Path tmp) throws IOException {
        ImageDataset d = TestData.images(301, 9);
        List<Shard> direct = Shards.fromDataset(sc, d, 3).collect();
        // sample i to worker i mod 3; the 301st is left out so all have 100
        assertEquals(100, direct.get(1).size());
        assertEquals(d.label(3 * 7 + 1), direct.get(1).dataset().label(7));
        assertEquals(d.pixel(3 * 99 + 2, 5, 6), direct.get(2).dataset().pixel(99, 5, 6));

        Dataset<Row> df = Shards.toDataFrame(spark, d).repartition(4);
        assertSameShards(direct, Shards.fromDataFrame(Shards.toDataFrame(spark, d), 3).collect());

        Path dir = tmp.resolve("train.parquet");
        Shards.writeParquet(Shards.toDataFrame(spark, d), dir);
        assertTrue(Files.exists(dir.resolve("_SUCCESS")));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList(), "no temporary directory is left beside it");
        }
        Dataset<Row> back = Shards.readParquet(spark, dir);
        assertSameShards(direct, Shards.fromDataFrame(back, 3).collect());
        assertEquals(d.pixels(), Shards.collect(back, "back").pixels());

        JavaRDD<Tuple2<byte[], Integer>> rdd = df.javaRDD().map(r -> new Tuple2<>((byte[]) r.get(0), r.getInt(1)));
        assertEquals(3, Shards.fromSamples(rdd, 28, 28, TestData.classes(), 3, "rdd").collect().size());
    }

    @Test
    void writingOverAnExistingDirectoryIsRefused(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("t.parquet"));
        var e = assertThrows(IOException.class, () -> Shards.writeParquet(Shards.toDataFrame(spark, TestData.images(4, 1)), dir));
        assertTrue(e.getMessage().contains("t.parquet already exists"), e.getMessage());
        var missing = assertThrows(IOException.class, () -> Shards.readParquet(spark, tmp.resolve("none.parquet")));
        assertTrue(missing.getMessage().contains("none.parquet: no such Parquet directory"), missing.getMessage());
    }

    @Test
    void badTablesNameTheirSourceAndTheProblem(@TempDir Path tmp) throws IOException {
        StructType wrong = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.IntegerType);
        Path dir = tmp.resolve("wrong.parquet");
        spark.createDataFrame(List.of(RowFactory.create(new byte[784], 1)), wrong).write().parquet(dir.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> Shards.readParquet(spark, dir));
        assertTrue(e.getMessage().startsWith(dir + ": expected columns pixels (binary) and label (int), found struct<image:binary"),
                e.getMessage());

        Path shortRow = tmp.resolve("short.parquet");
        spark.createDataFrame(List.of(RowFactory.create(new byte[784], 1), RowFactory.create(new byte[780], 2)), Shards.SCHEMA)
                .coalesce(1).write().parquet(shortRow.toString());
        Exception bad = assertThrows(Exception.class, () -> Shards.fromDataFrame(Shards.readParquet(spark, shortRow), 1).count());
        String msg = rootMessage(bad);
        assertTrue(msg.contains(shortRow + ": row 1 has 780 pixel bytes, expected 784 (28×28)"), msg);

        Path badLabel = tmp.resolve("label.parquet");
        spark.createDataFrame(List.of(RowFactory.create(new byte[784], 10)), Shards.SCHEMA).write().parquet(badLabel.toString());
        var l = assertThrows(IllegalArgumentException.class, () -> Shards.collect(Shards.readParquet(spark, badLabel), "x"));
        assertTrue(l.getMessage().contains("row 0 has label 10, expected a class index 0..9"), l.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shards.fromDataset(sc, TestData.images(2, 1), 3));
    }

    @Test
    void aColourDatasetRoundTripsThroughParquetWithItsShapeAndClasses(@TempDir Path tmp) throws IOException {
        ImageDataset d = TestData.colours(41, 5, 7, 4);
        Path dir = tmp.resolve("colours.parquet");
        Shards.writeParquet(Shards.toDataFrame(spark, d, "folder"), dir);
        Dataset<Row> back = Shards.readParquet(spark, dir);
        assertEquals(new Shards.Layout(3, 5, 7, TestData.COLOURS, "folder"), Shards.layout(back));
        ImageDataset again = Shards.collect(back, "again");
        assertArrayEquals(new int[]{3, 5, 7}, again.sampleShape());
        assertEquals(TestData.COLOURS, again.classNames());
        assertEquals(d.pixels(), again.pixels());
        assertEquals(d.labels(), again.labels());
        assertEquals(d.pixel(40, 2, 4, 6), again.pixel(40, 2, 4, 6));
        // dealt from the table as from the dataset: 41 images to 2 workers of 20, in colour
        List<Shard> direct = Shards.fromDataset(sc, d, 2).collect();
        assertSameShards(direct, Shards.fromDataFrame(back, 2).collect());
        assertArrayEquals(new int[]{3, 5, 7}, direct.get(1).dataset().sampleShape());
        assertEquals(d.pixel(2 * 19 + 1, 1, 3, 2), direct.get(1).dataset().pixel(19, 1, 3, 2));

        // a row of another size is named with the layout's shape
        Path shortRow = tmp.resolve("short.parquet");
        spark.createDataFrame(List.of(RowFactory.create(new byte[105], 1), RowFactory.create(new byte[100], 2)), Shards.Layout.of(d, "folder").schema())
                .coalesce(1).write().parquet(shortRow.toString());
        Exception bad = assertThrows(Exception.class, () -> Shards.collect(Shards.readParquet(spark, shortRow), "x"));
        assertTrue(rootMessage(bad).contains(shortRow + ": row 1 has 100 pixel bytes, expected 105 (3×5×7)"), rootMessage(bad));
    }

    @Test
    void metadataThatIsNotALayoutNamesTheTable(@TempDir Path tmp) throws IOException {
        var m = new org.apache.spark.sql.types.MetadataBuilder().putLongArray("jgrad.shape", new long[]{3, 5})
                .putStringArray("jgrad.classes", new String[]{"a"}).putString("jgrad.source", "x").build();
        StructType schema = new StructType().add("pixels", DataTypes.BinaryType, false, m).add("label", DataTypes.IntegerType, false);
        Path dir = tmp.resolve("odd.parquet");
        spark.createDataFrame(List.of(RowFactory.create(new byte[15], 0)), schema).write().parquet(dir.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> Shards.readParquet(spark, dir));
        assertTrue(e.getMessage().startsWith(dir + ": the pixels column's metadata") && e.getMessage().contains("not three positive sizes [C, H, W]"),
                e.getMessage());
    }

    /** The task's exception, which Spark delivers wrapped. */
    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && !(t instanceof IllegalArgumentException)) t = t.getCause();
        return t.getMessage();
    }
}
