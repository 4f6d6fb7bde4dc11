package jgrad.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;

import jgrad.app.Preset;
import jgrad.app.Settings;
import jgrad.app.Sources;
import jgrad.data.DataSource;
import jgrad.data.ImageDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad spark-parquet OUT_DIR}: an image dataset as Parquet tables, for {@code jgrad train --spark ... --parquet OUT_DIR}. */
@Command(name = "spark-parquet", mixinStandardHelpOptions = true,
        description = {"Writes an image dataset's train and test splits as Parquet, with Spark: OUT_DIR/train.parquet and",
                "OUT_DIR/test.parquet, columns pixels (binary, C·H·W bytes, row-major [C, H, W]) and label (int); the pixels",
                "column's metadata holds the shape, the class names and the source."})
final class ParquetCommand implements Callable<Integer> {
    @Parameters(paramLabel = "OUT_DIR", description = "Directory to write into; train.parquet and test.parquet must not exist yet.")
    Path out;
    @Option(names = "--spark", paramLabel = "MASTER", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master;
    @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "fashion-mnist",
            description = "The images to write, as jgrad train --data names them, read with that source's default options (default: ${DEFAULT-VALUE}).")
    String data;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the dataset's files (searched first).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String split : new String[]{"train.parquet", "test.parquet"})
            if (Files.exists(out.resolve(split))) throw new java.io.IOException(out.resolve(split) + " already exists: remove it or choose another directory");
        DataSource src = dataDir != null ? DataSource.defaults().withDirectory(dataDir) : DataSource.defaults();
        Sources.Loaded loaded;
        try {
            loaded = Sources.load(Settings.builder(Preset.SIMPLE).data(data).build(), src);
        } catch (IllegalArgumentException e) { // an unknown source
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!(loaded.train() instanceof ImageDataset train) || !(loaded.test() instanceof ImageDataset test))
            throw new ParameterException(spec.commandLine(), "spark-parquet writes images, but " + loaded.train().name() + " holds table rows");
        SparkSession spark = Sessions.start(master, "jgrad spark-parquet");
        try {
            for (ImageDataset d : new ImageDataset[]{train, test}) {
                Path dir = out.resolve(d == train ? "train.parquet" : "test.parquet");
                Shards.writeParquet(Shards.toDataFrame(spark, d, loaded.kind()), dir);
                spec.commandLine().getOut().println("Wrote " + d.size() + " images to " + dir);
            }
        } finally {
            spark.stop();
        }
        return 0;
    }
}
