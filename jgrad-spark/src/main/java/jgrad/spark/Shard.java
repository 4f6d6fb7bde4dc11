package jgrad.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import jgrad.data.Batch;
import jgrad.data.BatchIterator;
import jgrad.data.DataLoader;
import jgrad.data.ImageDataset;
import jgrad.nn.Module;
import jgrad.optim.Optimizer;
import jgrad.optim.Optimizers;
import jgrad.app.Run;
import jgrad.data.Transform;
import jgrad.tensor.Parallel;
import jgrad.train.TaskLoss;
import jgrad.train.Trainer;

/**
 * One worker's training samples: images {@code worker, worker + W, worker + 2W, ...} of the
 * training set, as PyTorch's {@code DistributedSampler} assigns them (with {@code drop_last}, so
 * every worker has the same count). Built by {@link Shards}; one per partition of a cached RDD.
 *
 * <p>A worker keeps its model, optimizer and place in the epoch from one round to the next in a
 * transient {@link Cursor} on the cached shard, so a round only loads the averaged state; if Spark
 * moves the shard to another executor, the cursor is rebuilt there from the round's epoch and step
 * and the same batches follow.
 */
public final class Shard implements Serializable {
    final int worker;
    private final int channels, rows, cols;
    private final ArrayList<String> classNames;
    private final byte[] pixels, labels;
    private transient Cursor cursor;

    /** Shard {@code worker} of images {@code [labels.length, channels, rows, cols]}, which it takes over. */
    Shard(int worker, int channels, int rows, int cols, List<String> classNames, byte[] pixels, byte[] labels) {
        this.worker = worker;
        this.channels = channels;
        this.rows = rows;
        this.cols = cols;
        this.classNames = new ArrayList<>(classNames);
        this.pixels = pixels;
        this.labels = labels;
        dataset(); // checks sizes and labels now, on the machine that built it
    }

    /** The shard's samples as a dataset named {@code shard-<worker>}. */
    public ImageDataset dataset() {
        return ImageDataset.of("shard-" + worker, classNames, channels, rows, cols, pixels, labels);
    }

    /** Shard {@code w} of {@code workers} of this one's samples: {@code w, w + workers, ...}, {@code size() / workers} of them. */
    Shard deal(int w, int workers) {
        int per = size() / workers, n = channels * rows * cols;
        byte[] px = new byte[per * n], lb = new byte[per];
        for (int j = 0; j < per; j++) {
            int i = j * workers + w;
            System.arraycopy(pixels, i * n, px, j * n, n);
            lb[j] = labels[i];
        }
        return new Shard(w, channels, rows, cols, classNames, px, lb);
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }

    /** {@link #loader(ImageDataset, int, long, int, Transform)} with the notebook's transform ({@link Run#TRANSFORM}). */
    public static DataLoader loader(ImageDataset d, int batchSize, long seed, int worker) {
        return loader(d, batchSize, seed, worker, Run.TRANSFORM);
    }

    /**
     * The loader worker {@code worker} trains with: batches of {@code batchSize} from {@code d}, shuffled
     * each epoch from its own seed (the run's seed mixed with the worker index), inputs through
     * {@code transform}, made on the calling thread (the worker's cores already run its kernels).
     */
    public static DataLoader loader(ImageDataset d, int batchSize, long seed, int worker, Transform transform) {
        long own = seed ^ (0x9E3779B97F4A7C15L * (worker + 1));
        return DataLoader.builder(d).batchSize(batchSize).shuffle(own).transform(transform).prefetch(false).build();
    }

    /**
     * Steps {@code [step, step + count)} of {@code epoch} (from 1) of run {@code run}, starting from the
     * averaged {@code state}: the worker's part of a round.
     */
    RoundSum.Part train(long run, TrainingSpec spec, Map<String, float[]> state, double fetchSeconds, int epoch, int step, int count) {
        Parallel.setThreads(spec.threads());
        if (cursor == null || cursor.run != run) cursor = new Cursor(run, spec);
        Cursor c = cursor;
        c.seek(epoch, step);
        ModelState.load(state, c.model, c.opt);
        int[] taken = {0};
        Iterable<Batch> round = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return taken[0] < count && c.batches.hasNext();
            }

            @Override
            public Batch next() {
                taken[0]++;
                return c.batches.next();
            }
        };
        Trainer.Epoch r = c.trainer.trainEpoch(round, epoch, Trainer.Listener.NONE);
        if (taken[0] != count)
            throw new IllegalStateException("worker " + worker + " has " + (step + taken[0]) + " batches in epoch " + epoch
                    + ", the round asked for " + (step + count));
        c.step += count;
        return new RoundSum.Part(worker, 1, ModelState.capture(c.model, c.opt), r.meanLoss() * count, count, r.samples(),
                r.seconds(), fetchSeconds);
    }

    /** A worker's model, optimizer and position in its loader's epochs. */
    private final class Cursor {
        final Module model;
        final Optimizer opt;
        final Trainer trainer;
        final DataLoader loader;
        final long run;
        BatchIterator batches;
        int epoch, step;

        Cursor(long run, TrainingSpec spec) {
            this.run = run;
            model = spec.model().create();
            opt = Optimizers.create(spec.optimizer(), model.parameters(), spec.lr(), spec.weightDecay(), spec.momentum());
            trainer = new Trainer(model, TaskLoss.of(spec.task()), opt);
            loader = loader(dataset(), spec.batchSize(), spec.seed(), worker, spec.input());
        }

        /** Positions the loader before step {@code s} (from 0) of {@code e}, replaying the epoch's batches if needed. */
        void seek(int e, int s) {
            if (batches != null && epoch == e && step == s) return;
            if (batches != null) batches.close();
            loader.setEpoch(e - 1);
            batches = loader.iterator();
            for (int i = 0; i < s; i++) batches.next();
            epoch = e;
            step = s;
        }
    }
}
