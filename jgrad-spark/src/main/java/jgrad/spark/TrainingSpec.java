package jgrad.spark;

import java.io.Serializable;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.models.Spec;
import jgrad.tensor.Rng;
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

    /**
     * A run's settings ({@code s.batchSize()} per worker, {@code s.threads()} per worker), averaging
     * every {@code syncEvery} steps; the network is the one {@link Run#model} builds for {@code s}:
     * the preset's, or {@code s.arch()}'s.
     */
    public static TrainingSpec of(Settings s, int syncEvery) {
        // the factory ships to the executors: it captures the spec's text (serialisable), not the Settings
        String arch = s.arch();
        var preset = s.preset();
        ModelFactory model = arch == null ? preset::model : () -> Spec.parse(arch, jgrad.data.FashionMNIST.SHAPE).build(Rng.global());
        return new TrainingSpec(model, s.optimizer(), s.lr(), s.weightDecay(), s.momentum(), s.batchSize(), s.epochs(),
                s.seed(), s.threads(), syncEvery);
    }
}
