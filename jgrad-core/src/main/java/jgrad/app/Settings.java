package jgrad.app;

import jgrad.optim.Optimizers;
import jgrad.tensor.Parallel;

/**
 * What a {@link Run} trains: a preset's network with these hyper-parameters, seed and thread
 * count. Built by name from the preset's notebook settings:
 * <pre>{@code
 * Settings s = Settings.builder(Preset.SIMPLE).epochs(3).seed(1).build();
 * }</pre>
 */
public record Settings(Preset preset, int epochs, int batchSize, float lr, String optimizer, float weightDecay,
                       float momentum, long seed, int threads) {
    public Settings {
        if (epochs < 0) throw new IllegalArgumentException("epochs must be non-negative, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (!Optimizers.NAMES.contains(optimizer))
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': expected one of " + Optimizers.NAMES);
    }

    /** The notebook's settings for {@code p}, seed 0, on every core. */
    public static Settings of(Preset p) {
        return builder(p).build();
    }

    /** A builder starting from the notebook's settings for {@code p}, seed 0, on every core. */
    public static Builder builder(Preset p) {
        return new Builder(new Settings(p, p.epochs, p.batchSize, p.lr, p.optimizer, p.weightDecay, 0f, 0L, Parallel.threads()));
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when the hyper-parameters are the notebook's (epochs, seed and threads aside), so its numbers compare. */
    public boolean hasNotebookHyperparameters() {
        return batchSize == preset.batchSize && lr == preset.lr && optimizer.equals(preset.optimizer)
                && weightDecay == preset.weightDecay && momentum == 0f;
    }

    /** Settings by name; {@link #build} validates them. */
    public static final class Builder {
        private Preset preset;
        private int epochs, batchSize, threads;
        private float lr, weightDecay, momentum;
        private String optimizer;
        private long seed;

        private Builder(Settings s) {
            preset = s.preset;
            epochs = s.epochs;
            batchSize = s.batchSize;
            lr = s.lr;
            optimizer = s.optimizer;
            weightDecay = s.weightDecay;
            momentum = s.momentum;
            seed = s.seed;
            threads = s.threads;
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder lr(float v) { lr = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder momentum(float v) { momentum = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder threads(int v) { threads = v; return this; }

        public Settings build() {
            return new Settings(preset, epochs, batchSize, lr, optimizer, weightDecay, momentum, seed, threads);
        }
    }
}
