package jgrad.spark;

import java.io.Serializable;

import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.data.Task;
import jgrad.data.Transform;
import jgrad.optim.Optimizers;

/**
 * What every worker of a {@link ParameterAveraging} run needs to know: the network, the task (and
 * so the loss), the input transform, the optimizer and its hyper-parameters, the per-worker batch
 * size, the seed, the kernel threads each worker uses and {@code syncEvery} (K), the local steps
 * between two averagings.
 *
 * <p>The transform travels as what a {@link jgrad.data.DataLoader} makes of it for uint8 images:
 * {@code transform[c][v]}, the input for value v of channel c (one row for every channel alike),
 * so it needs no serialisable form of its own and gives the same inputs bit for bit.
 *
 * <pre>{@code
 * Run.Data data = Run.prepare(settings, train, test);
 * TrainingSpec spec = TrainingSpec.of(settings, data, 32);   // the settings' network (--model or --arch) for the data
 * }</pre>
 */
public record TrainingSpec(ModelFactory model, Task task, float[][] transform, String optimizer, float lr, float weightDecay, float momentum,
                           int batchSize, int epochs, long seed, int threads, int syncEvery) implements Serializable {
    public TrainingSpec {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (epochs < 0) throw new IllegalArgumentException("epochs must be non-negative, got " + epochs);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (syncEvery < 1) throw new IllegalArgumentException("sync-every must be at least 1 step, got " + syncEvery);
        if (!Optimizers.NAMES.contains(optimizer))
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': expected one of " + Optimizers.NAMES);
        if (task == Task.REGRESS) throw new IllegalArgumentException("Spark trains on images, whose targets are classes, not real values");
        if (transform.length == 0 || java.util.Arrays.stream(transform).anyMatch(row -> row.length != 256))
            throw new IllegalArgumentException("the transform is one row of 256 values per channel");
    }

    /** A classifier trained with the notebook's transform ({@link Run#TRANSFORM}). */
    public TrainingSpec(ModelFactory model, String optimizer, float lr, float weightDecay, float momentum, int batchSize, int epochs, long seed,
                        int threads, int syncEvery) {
        this(model, Task.CLASSIFY, Run.TRANSFORM.lookupTable(1), optimizer, lr, weightDecay, momentum, batchSize, epochs, seed, threads,
                syncEvery);
    }

    /**
     * A run of {@code s} on {@code data} ({@code s.batchSize()} and {@code s.threads()} per worker),
     * averaging every {@code syncEvery} steps: the network {@code s} describes (its preset or
     * {@code --arch}) for the data's input shape and outputs, its task and transform.
     */
    public static TrainingSpec of(Settings s, Run.Data data, int syncEvery) {
        int[] shape = data.inputShape();
        int outputs = data.outputs();
        return new TrainingSpec(() -> Run.model(s, shape, outputs), data.task(), data.transform().lookupTable(shape[0]), s.optimizer(), s.lr(),
                s.weightDecay(), s.momentum(), s.batchSize(), s.epochs(), s.seed(), s.threads(), syncEvery);
    }

    /** The input transform, read from {@link #transform}. */
    public Transform input() {
        return new Table(transform);
    }

    /** A transform given by its table: {@code table[c][v]}, or {@code table[0][v]} for every channel when there is one row. */
    private record Table(float[][] table) implements Transform {
        @Override
        public float apply(int channel, float x) {
            return table[table.length == 1 ? 0 : channel][(int) x];
        }

        @Override
        public int channels() {
            return table.length == 1 ? 0 : table.length;
        }
    }
}
