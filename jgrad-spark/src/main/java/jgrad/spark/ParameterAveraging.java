package jgrad.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import jgrad.app.Run;
import jgrad.data.DataLoader;
import jgrad.data.ImageDataset;
import jgrad.data.Task;
import jgrad.nn.Module;
import jgrad.tensor.Parallel;
import jgrad.tensor.Rng;
import jgrad.train.Evaluation;
import jgrad.train.Trainer;

/**
 * Data-parallel training on Spark by parameter averaging, as DL4J's
 * {@code ParameterAveragingTrainingMaster} does it. With W workers, each holding a {@link Shard}, a
 * round is
 * <pre>
 *   broadcast θ̄;   every worker w: θ_w ← θ̄, then K steps of its optimizer on its own batches;
 *   θ̄ ← (1/W) · Σ_w θ_w                                    (treeAggregate, summed in a fixed order)
 * </pre>
 * where θ is the whole training state ({@link ModelState}): parameters, BatchNorm's running
 * statistics and {@code num_batches_tracked}, and the optimizer's state (SGD's momentum, Adam's
 * {@code exp_avg}, {@code exp_avg_sq} and {@code step}). The driver draws the initial weights with
 * {@code Rng.manualSeed(seed)}, as single-machine training does.
 *
 * <ul>
 *   <li><b>Epochs:</b> an epoch is every worker passing once over its shard, {@code ceil(n/W / b)}
 *       steps of batch b; a round never spans two epochs, so an epoch's last round may be shorter.</li>
 *   <li><b>What K trades:</b> each round costs about {@code 2 × |θ| × 4 bytes × W} of network traffic
 *       and a Spark job (tens of milliseconds of scheduling), so a larger K spends less time
 *       communicating; but between averagings the workers' models drift apart on their own data
 *       (staleness), and the average of diverged models is not a model trained on all the data: too
 *       large a K slows or spoils convergence. With K = 1 and plain SGD (no momentum, no BatchNorm)
 *       a round is exactly one step on the global batch of W·b samples, since
 *       {@code (1/W) Σ (θ − lr·g_w) = θ − lr · (1/W) Σ g_w} and the mean of equal-sized batch means
 *       is the mean over their union.</li>
 *   <li><b>Determinism:</b> the same seed, spec and shards give bit-identical results, whatever the
 *       order Spark's tasks finish in ({@link RoundSum}). A model that draws random numbers in its
 *       forward pass (dropout) draws them from the JVM's global generator, which workers sharing a
 *       JVM share, so its results would depend on scheduling: of the presets, {@code simple},
 *       {@code complex} and {@code mlp} draw none, the {@code cnn}'s dropout does.</li>
 *   <li><b>Global batch:</b> W·b per step; the learning rate is the spec's, not scaled with W.</li>
 * </ul>
 *
 * <pre>{@code
 * ImageDataset train = FashionMNIST.load(true), test = FashionMNIST.load(false);
 * JavaRDD<Shard> shards = Shards.fromDataset(sc, train, 2);
 * Settings s = Settings.builder(Preset.SIMPLE).threads(1).build();
 * var r = ParameterAveraging.fit(shards, TrainingSpec.of(s, Run.prepare(s, train, test), 32), Trainer.Listener.NONE);
 * }</pre>
 */
public final class ParameterAveraging {
    /** A finished run: the averaged model, each epoch's mean batch loss over all workers, and what synchronising cost. */
    public record Result(Module model, List<Trainer.Epoch> epochs, SyncCost cost) {}

    /**
     * Totals over a run's rounds, in seconds: the driver's {@code broadcast} call, the slowest
     * worker's fetch of the broadcast value and training, and whole rounds; {@code stateBytes} is the
     * serialised size of θ, {@code serialiseSeconds} one serialisation and deserialisation of it.
     */
    public record SyncCost(int rounds, long stateBytes, double serialiseSeconds, double broadcastSeconds,
                           double fetchSeconds, double trainSeconds, double roundSeconds) {
        /** What a round spends beyond the slowest worker's training: the cost of synchronising. */
        public double syncSeconds() {
            return roundSeconds - trainSeconds;
        }

        /** One line of per-round means in milliseconds. */
        public String describe() {
            double r = Math.max(rounds, 1) / 1e3;
            return String.format(Locale.ROOT, "Synchronisation: %d rounds, state %.2f MB; per round %.1f ms training (slowest worker), "
                            + "%.1f ms synchronising = broadcast %.1f + fetch %.1f + aggregate and scheduling %.1f; serialising the state once %.1f ms",
                    rounds, stateBytes / 1e6, trainSeconds / r, syncSeconds() / r, broadcastSeconds / r, fetchSeconds / r,
                    (syncSeconds() - broadcastSeconds - fetchSeconds) / r, serialiseSeconds * 1e3);
        }
    }

    private ParameterAveraging() {}

    /**
     * Trains {@code spec.model()} on {@code shards} (one per partition, one partition per worker) for
     * {@code spec.epochs()} epochs, averaging every {@code spec.syncEvery()} steps. The listener sees
     * each round as a step ({@code step} = steps of the epoch done, {@code loss} = the round's mean
     * batch loss) and each epoch.
     */
    public static Result fit(JavaRDD<Shard> shards, TrainingSpec spec, Trainer.Listener listener) {
        return fit(shards, spec, listener, null);
    }

    /** Something to do with the averaged model after each epoch (score it), given the epoch's number from 1. */
    @FunctionalInterface
    public interface AfterEpoch {
        void accept(int epoch, Module model);
    }

    /**
     * {@link #fit(JavaRDD, TrainingSpec, Trainer.Listener)}, calling {@code afterEpoch} (unless null)
     * with the averaged model after each epoch, once the listener has seen the epoch; it must not
     * change the model.
     */
    public static Result fit(JavaRDD<Shard> shards, TrainingSpec spec, Trainer.Listener listener, AfterEpoch afterEpoch) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(shards.context());
        int workers = shards.getNumPartitions();
        List<Integer> sizes = shards.map(Shard::size).collect();
        if (sizes.size() != workers || sizes.stream().distinct().count() != 1)
            throw new IllegalArgumentException("expected one shard per partition, all of one size; got sizes " + sizes);
        int steps = (sizes.get(0) + spec.batchSize() - 1) / spec.batchSize(), k = spec.syncEvery();
        long run = ThreadLocalRandom.current().nextLong();

        Parallel.setThreads(spec.threads());
        Rng.manualSeed(spec.seed());
        Module model = spec.model().create();
        LinkedHashMap<String, float[]> state = ModelState.capture(model, null);
        List<Trainer.Epoch> history = new ArrayList<>();
        int rounds = 0;
        double broadcast = 0, fetch = 0, train = 0, total = 0;
        for (int e = 1; e <= spec.epochs(); e++) {
            long t0 = System.nanoTime(), samples = 0;
            double lossSum = 0;
            for (int s0 = 0; s0 < steps; s0 += k) {
                int epoch = e, from = s0, count = Math.min(k, steps - s0);
                long r0 = System.nanoTime();
                Broadcast<LinkedHashMap<String, float[]>> b = sc.broadcast(state);
                broadcast += (System.nanoTime() - r0) / 1e9;
                RoundSum sum = shards.treeAggregate(new RoundSum(workers), (acc, shard) -> {
                    long f0 = System.nanoTime();
                    var avg = b.value();
                    return acc.add(shard.train(run, spec, avg, (System.nanoTime() - f0) / 1e9, epoch, from, count));
                }, RoundSum::merge, 2);
                b.destroy();
                RoundSum.Part p = sum.total();
                state = sum.mean();
                rounds++;
                fetch += p.fetchSeconds();
                train += p.trainSeconds();
                total += (System.nanoTime() - r0) / 1e9;
                lossSum += p.lossSum();
                samples += p.samples();
                listener.onStep(e, from + count, steps, (float) (p.lossSum() / p.steps()));
            }
            Trainer.Epoch done = new Trainer.Epoch(e, lossSum / ((double) steps * workers), (System.nanoTime() - t0) / 1e9, samples);
            history.add(done);
            listener.onEpoch(done);
            if (afterEpoch != null) {
                // the driver's copy of the model only receives the state; the workers train from the broadcast state
                ModelState.load(state, model, null);
                afterEpoch.accept(e, model);
            }
        }
        ModelState.load(state, model, null);
        double[] ser = serialise(state);
        return new Result(model, history, new SyncCost(rounds, (long) ser[0], ser[1], broadcast, fetch, train, total));
    }

    /**
     * The scores of {@code model} in eval mode over every shard, for the spec's task and with its
     * transform, computed by the workers and summed: accuracy, mean loss and the confusion matrix,
     * and for a binary task every sample's logit and label, and their ROC AUC.
     */
    public static Evaluation evaluate(JavaRDD<Shard> shards, TrainingSpec spec, Module model) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(shards.context());
        Broadcast<LinkedHashMap<String, float[]>> b = sc.broadcast(ModelState.capture(model, null));
        try {
            List<Counts> parts = shards.map(shard -> {
                Parallel.setThreads(spec.threads());
                Module m = spec.model().create();
                ModelState.load(b.value(), m, null);
                ImageDataset d = shard.dataset();
                Evaluation ev = Evaluation.evaluate(m, DataLoader.builder(d).batchSize(Run.EVAL_BATCH).transform(spec.input()).prefetch(false).build(),
                        spec.task(), d.classNames(), null, null, true);
                return new Counts(ev.samples(), ev.correct(), ev.meanLoss() * ev.samples(), ev.confusion(), ev.classNames(), ev.scores(), ev.truth());
            }).collect();
            Counts all = parts.getFirst();
            for (Counts c : parts.subList(1, parts.size())) all = all.plus(c);
            double auc = spec.task() == Task.BINARY ? Evaluation.auc(all.scores, all.truth) : Double.NaN;
            return new Evaluation(spec.task(), all.samples, all.correct, all.lossSum / all.samples, all.confusion, all.classNames, auc,
                    Double.NaN, Double.NaN, all.scores, all.truth);
        } finally {
            b.destroy();
        }
    }

    /** One shard's evaluation, summed over shards; a binary task's scores and labels are concatenated in shard order. */
    private record Counts(long samples, long correct, double lossSum, long[][] confusion, List<String> classNames, float[] scores,
                          float[] truth) implements Serializable {
        Counts plus(Counts o) {
            long[][] c = new long[confusion.length][];
            for (int i = 0; i < c.length; i++) {
                c[i] = confusion[i].clone();
                for (int j = 0; j < c[i].length; j++) c[i][j] += o.confusion[i][j];
            }
            return new Counts(samples + o.samples, correct + o.correct, lossSum + o.lossSum, c, classNames, concat(scores, o.scores),
                    concat(truth, o.truth));
        }

        private static float[] concat(float[] a, float[] b) {
            if (a == null) return null;
            float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }

    /** The serialised size of {@code state} in bytes and the seconds one Java serialisation and deserialisation take (Spark's default serialiser). */
    private static double[] serialise(LinkedHashMap<String, float[]> state) {
        try {
            long t0 = System.nanoTime();
            var bytes = new ByteArrayOutputStream();
            try (var out = new ObjectOutputStream(bytes)) {
                out.writeObject(state);
            }
            try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                in.readObject();
            }
            return new double[]{bytes.size(), (System.nanoTime() - t0) / 1e9};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
