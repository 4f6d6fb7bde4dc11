package jgrad.bench;

import java.util.function.LongUnaryOperator;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.autograd.Workspace;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.Module;
import jgrad.app.Preset;
import jgrad.optim.Optimizer;
import jgrad.optim.Optimizers;
import jgrad.tensor.Rng;

/**
 * One training step of a notebook network at batch 64 on a fixed random batch: zeroGrad, forward,
 * cross-entropy, backward, optimizer step ({@link #step}), or the forward pass alone without grad,
 * each in a {@link Workspace} step as the trainer and the evaluation run them.
 * {@link StepBenchmark} times it with JMH; {@code bench/ab/run} compiles this file against two jars
 * and times both builds in one JVM (for a build without some API used here, give it a copy of this
 * file written against that build's API: {@code AB_STEP_A}).
 */
public final class TrainingStep implements LongUnaryOperator {
    private final Module model;
    private final Optimizer optimizer;
    private final Tensor x, y;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private final boolean forwardOnly;
    private final Workspace workspace = new Workspace();

    /** The preset and mode that {@code bench/ab/run} passes as {@code -Dab.preset} and {@code -Dab.forward}. */
    public TrainingStep() {
        this(Preset.valueOf(System.getProperty("ab.preset", "COMPLEX")), Boolean.getBoolean("ab.forward"));
    }

    public TrainingStep(Preset preset, boolean forwardOnly) {
        this.forwardOnly = forwardOnly;
        Rng.manualSeed(0);
        model = preset.model();
        optimizer = Optimizers.create(preset.optimizer, model.parameters(), preset.lr, preset.weightDecay, 0f);
        Rng rng = new Rng(1);
        x = Tensor.randn(rng, 64, 1, 28, 28);
        float[] labels = new float[64];
        for (int i = 0; i < 64; i++) labels[i] = i % 10;
        y = Tensor.of(labels, 64);
    }

    /** One step; returns the loss (NaN when only the forward pass runs). */
    public float step() {
        try (var s = workspace.enter()) {
            if (forwardOnly) {
                try (var g = GradMode.noGrad()) {
                    model.forward(x);
                    return Float.NaN;
                }
            }
            optimizer.zeroGrad();
            Tensor l = loss.forward(model.forward(x), y);
            l.backward();
            optimizer.step();
            return l.item();
        }
    }

    /** Runs {@code steps} steps and returns the nanoseconds they took. */
    @Override
    public long applyAsLong(long steps) {
        long t0 = System.nanoTime();
        for (long i = 0; i < steps; i++) step();
        return System.nanoTime() - t0;
    }
}
