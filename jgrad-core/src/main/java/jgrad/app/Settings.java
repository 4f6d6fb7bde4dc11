package jgrad.app;

import jgrad.models.Spec;
import jgrad.optim.Optimizers;
import jgrad.tensor.Parallel;

/**
 * What a {@link Run} trains: a preset's network, or the network of {@code arch} (a {@link Spec}),
 * with these hyper-parameters, seed and thread count. Built by name from the preset's settings:
 * <pre>{@code
 * Settings s = Settings.builder(Preset.SIMPLE).epochs(3).seed(1).build();
 * Settings t = Settings.builder(Preset.CNN).arch("conv 16 3 same, relu, maxpool 2, flatten, linear 10").build();
 * }</pre>
 */
public record Settings(Preset preset, String arch, int epochs, int batchSize, float lr, String optimizer, float weightDecay,
                       float momentum, long seed, int threads) {
    public Settings {
        if (arch != null) Spec.parse(arch, Preset.INPUT); // a bad spec is an error naming the layer, now
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
        return new Builder(new Settings(p, null, p.epochs, p.batchSize, p.lr, p.optimizer, p.weightDecay, 0f, 0L, Parallel.threads()));
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The network as a spec: {@code arch}, or the preset's. */
    public String spec() {
        return arch != null ? arch : preset.spec;
    }

    /** True when this is one of the notebook's networks with its hyper-parameters (epochs, seed and threads aside), so its numbers compare. */
    public boolean hasNotebookHyperparameters() {
        return preset.fromNotebook() && arch == null && batchSize == preset.batchSize && lr == preset.lr
                && optimizer.equals(preset.optimizer) && weightDecay == preset.weightDecay && momentum == 0f;
    }

    /** Settings by name; {@link #build} validates them. */
    public static final class Builder {
        private Preset preset;
        private String arch;
        private int epochs, batchSize, threads;
        private float lr, weightDecay, momentum;
        private String optimizer;
        private long seed;

        private Builder(Settings s) {
            preset = s.preset;
            arch = s.arch;
            epochs = s.epochs;
            batchSize = s.batchSize;
            lr = s.lr;
            optimizer = s.optimizer;
            weightDecay = s.weightDecay;
            momentum = s.momentum;
            seed = s.seed;
            threads = s.threads;
        }

        /** The network as a {@link Spec} instead of the preset's (whose hyper-parameters still apply); null for the preset's. */
        public Builder arch(String v) { arch = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder lr(float v) { lr = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder momentum(float v) { momentum = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder threads(int v) { threads = v; return this; }

        public Settings build() {
            return new Settings(preset, arch, epochs, batchSize, lr, optimizer, weightDecay, momentum, seed, threads);
        }
    }
}
