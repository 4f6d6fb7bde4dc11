package jgrad.spark;

import java.io.Serializable;

import jgrad.app.Settings;
import jgrad.optim.Optimizers;

/**
 * What every worker of a {@link ParameterAveraging} run needs to know: the network, the optimizer
 * and its hyper-parameters, the per-worker batch size, the seed, the kernel threads each worker uses
 * and {@code syncEvery} (K), the local steps between two averagings.
 *
 * <pre>{@code
 * TrainingSpec spec = TrainingSpec.of(Settings.builder(Preset.SIMPLE).epochs(10).threads(1).build(), 32);
 * }</pre>
 */
public record TrainingSpec(ModelFactory model, String optimizer, float lr, float weightDecay, float momentum,
                           int batchSize, int epochs, long seed, int threads, int syncEvery) implements Serializable {
    public TrainingSpec {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (epochs < 0) throw new IllegalArgumentException("epochs must be non-negative, got " + epochs);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (syncEvery < 1) throw new IllegalArgumentException("sync-every must be at least 1 step, got " + syncEvery);
        if (!Optimizers.NAMES.contains(optimizer))
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': expected one of " + Optimizers.NAMES);
    }

    /** A preset run's settings ({@code s.batchSize()} per worker, {@code s.threads()} per worker), averaging every {@code syncEvery} steps. */
    public static TrainingSpec of(Settings s, int syncEvery) {
        var preset = s.preset();
        return new TrainingSpec(preset::model, s.optimizer(), s.lr(), s.weightDecay(), s.momentum(), s.batchSize(), s.epochs(),
                s.seed(), s.threads(), syncEvery);
    }
}
