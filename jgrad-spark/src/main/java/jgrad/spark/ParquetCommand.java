package jgrad.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;

import jgrad.data.DataSource;
import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad spark-parquet OUT_DIR}: Fashion-MNIST as Parquet tables, for {@code jgrad train --spark ... --parquet OUT_DIR}. */
@Command(name = "spark-parquet", mixinStandardHelpOptions = true,
        description = {"Writes Fashion-MNIST's train and test splits as Parquet, with Spark: OUT_DIR/train.parquet and",
                "OUT_DIR/test.parquet, columns pixels (binary, 784 bytes, row-major 28×28) and label (int)."})
final class ParquetCommand implements Callable<Integer> {
    @Parameters(paramLabel = "OUT_DIR", description = "Directory to write into; train.parquet and test.parquet must not exist yet.")
    Path out;
    @Option(names = "--spark", paramLabel = "MASTER", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (searched first).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String split : new String[]{"train.parquet", "test.parquet"})
            if (Files.exists(out.resolve(split))) throw new java.io.IOException(out.resolve(split) + " already exists: remove it or choose another directory");
        DataSource src = dataDir != null ? DataSource.defaults().withDirectory(dataDir) : DataSource.defaults();
        SparkSession spark = Sessions.start(master, "jgrad spark-parquet");
        try {
            for (boolean train : new boolean[]{true, false}) {
                ImageDataset d = FashionMNIST.load(src, train);
                Path dir = out.resolve(train ? "train.parquet" : "test.parquet");
                Shards.writeParquet(Shards.toDataFrame(spark, d), dir);
                spec.commandLine().getOut().println("Wrote " + d.size() + " images to " + dir);
            }
        } finally {
            spark.stop();
        }
        return 0;
    }
}
