package jgrad.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import jgrad.app.Run;
import jgrad.app.Setting;
import jgrad.app.Sources;
import jgrad.app.Settings;
import jgrad.cli.TrainCommand;
import jgrad.data.ImageDataset;
import jgrad.train.Evaluation;
import jgrad.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code jgrad train --spark MASTER}: the CLI's training, data-parallel on Spark by
 * {@link ParameterAveraging}, with the same options and output plus the cost of synchronising.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a network (a preset or --arch) on images, data-parallel on Apache Spark:",
                "W workers train on their own shards (batch b each, global batch W·b) and average parameters,",
                "optimizer state and BatchNorm statistics every K steps."})
public final class SparkTrainCommand extends TrainCommand {
    /**
     * 64 steps between averagings. A round costs a Spark job and the state's traffic, 20-70 ms on
     * local[2] here, while a step of the presets takes 1.5-4 ms on one core: at K = 32 synchronising
     * took a third of the time of the small preset, at 64 about a fifth. Drifting 64 steps apart
     * (7% of a 2-worker epoch) cost neither preset accuracy in 10 epochs: 85.5% and 88.8% against
     * 85.6% and 88.5% at K = 32.
     */
    static final int DEFAULT_SYNC_EVERY = 64;

    @Option(names = "--spark", required = true, paramLabel = "MASTER", description = "Spark master: local[N] or spark://host:port.")
    String master;
    @Option(names = "--workers", description = "Workers, one data shard each (default: the master's parallelism, N for local[N]; give it on a cluster, whose executors may still be registering).")
    Integer workers;
    @Option(names = "--sync-every", paramLabel = "K", description = "Local steps between averagings (default: " + DEFAULT_SYNC_EVERY + ").")
    int syncEvery = DEFAULT_SYNC_EVERY;
    @Option(names = "--parquet", paramLabel = "DIR", description = "Read train.parquet and test.parquet from DIR (written by jgrad spark-parquet) instead of --data.")
    Path parquet;

    private SparkSession spark;
    /** How the learning rate was scaled, for the header; empty if it was not. */
    private String lrNote = "";

    @Override
    public Integer call() throws Exception {
        try {
            return super.call();
        } finally {
            if (spark != null) spark.stop();
        }
    }

    /**
     * The CLI's settings, but threads are per worker ({@code --threads}, else Spark's cores per task,
     * {@code spark.task.cpus}, default 1), and SGD's default learning rate is the preset's times the
     * workers: averaging W workers' steps moves the weights as far as one step does, so without it an
     * epoch makes 1/W of the progress (the linear scaling rule of Goyal et al., 2017). Adam's steps do
     * not shrink so, and keep the preset's rate.
     */
    @Override
    protected Settings settings(jgrad.app.Preset preset) {
        if (syncEvery < 1) throw new ParameterException(spec.commandLine(), "--sync-every must be at least 1, got " + syncEvery);
        if (workers != null && workers < 1) throw new ParameterException(spec.commandLine(), "--workers must be at least 1, got " + workers);
        if (parquet != null)
            for (String split : new String[]{"train.parquet", "test.parquet"})
                if (!java.nio.file.Files.isDirectory(parquet.resolve(split)))
                    throw new IllegalArgumentException(parquet.resolve(split) + ": no such Parquet directory (jgrad spark-parquet "
                            + parquet + " writes it)");
        Settings s = super.settings(preset);
        var parsed = spec.commandLine().getParseResult();
        Settings.Builder b = s.toBuilder();
        if (!parsed.hasMatchedOption("--threads")) b.threads(new SparkConf().getInt("spark.task.cpus", 1));
        if (!parsed.hasMatchedOption("--lr") && s.optimizer().equals("sgd")) {
            b.lr(s.lr() * workers());
            lrNote = ", lr " + s.lr() + " × " + workers() + " workers";
        }
        return b.build();
    }

    /**
     * The data as {@code --data} says, or with {@code --parquet} only the test split, its shape,
     * classes and source from the table's {@link Shards.Layout}: the training split stays in Spark.
     */
    @Override
    protected Sources.Loaded load(Settings s) throws IOException {
        if (parquet == null) return super.load(s);
        var test = Shards.readParquet(session(), parquet.resolve("test.parquet"));
        String source = Shards.layout(test).source();
        return new Sources.Loaded(null, Shards.collect(test, source + "/test"), source, null);
    }

    @Override
    protected Run.Result train(Settings s, Sources.Loaded data, Trainer.Listener progress, Run.Checkpoints checkpoints, PrintWriter out) {
        if (checkpoints.dir() != null)
            throw new ParameterException(spec.commandLine(), "--checkpoint and --resume are not supported with --spark yet");
        if (s.get(Setting.AUGMENT) != null)
            throw new ParameterException(spec.commandLine(), "--augment is not supported with --spark yet");
        SparkSession session = session();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
        int w = workers();
        JavaRDD<Shard> shards;
        Run.Data prepared;
        if (parquet == null) {
            if (!(data.train() instanceof ImageDataset images))
                throw new ParameterException(spec.commandLine(), "--spark trains on images; " + data.train().name() + " holds table rows");
            prepared = Run.prepare(s, images, data.test());
            shards = Shards.fromDataset(sc, images, w);
        } else {
            // the training split is not on the driver: its layout must be the test split's, from which the transform comes
            if ("auto".equals(s.get(Setting.NORMALIZE)))
                throw new ParameterException(spec.commandLine(), "--normalize auto fits each channel's mean and std on the training set, "
                        + "which --parquet leaves in Spark: use --normalize default or none");
            var train = readParquet(session, parquet.resolve("train.parquet"));
            Shards.Layout own = Shards.layout(train), test = Shards.Layout.of((ImageDataset) data.test(), own.source());
            if (!own.equals(test))
                throw new IllegalArgumentException(parquet.resolve("train.parquet") + " holds " + own.shape() + " images of classes " + own.classNames()
                        + " but " + parquet.resolve("test.parquet") + " holds " + test.shape() + " images of classes " + test.classNames());
            prepared = Run.prepare(s, data.test(), data.test());
            shards = Shards.fromDataFrame(train, w);
        }
        TrainingSpec ts = TrainingSpec.of(s, prepared, syncEvery);
        out.printf(Locale.ROOT, "On Spark %s: %d workers × batch %d (global batch %d), averaging every %d steps%s%s%n", master, w,
                s.batchSize(), w * s.batchSize(), syncEvery, lrNote, parquet != null ? ", data from " + parquet : "");
        // a listener that wants every epoch's scores (the report's) gets them: the training set's from the workers
        ParameterAveraging.AfterEpoch score = progress instanceof Run.EpochScores scores ? (epoch, model) -> scores.scored(epoch,
                ParameterAveraging.evaluate(shards, ts, model), prepared.evaluate(model, data.test(), true)) : null;
        ParameterAveraging.Result r = ParameterAveraging.fit(shards, ts, progress, score);
        out.println(r.cost().describe());
        Evaluation train = ParameterAveraging.evaluate(shards, ts, r.model());
        shards.unpersist();
        return new Run.Result(s, r.epochs(), prepared.evaluate(r.model(), data.test(), true), train, r.model(), prepared);
    }

    private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> readParquet(SparkSession session, Path dir) {
        try {
            return Shards.readParquet(session, dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code --workers}, else the master's parallelism: N for local[N], on a cluster the cores of the executors registered so far. */
    private int workers() {
        return workers != null ? workers : session().sparkContext().defaultParallelism();
    }

    private SparkSession session() {
        if (spark == null) spark = Sessions.start(master, "jgrad train");
        return spark;
    }
}
