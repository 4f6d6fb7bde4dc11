import java.util.function.LongUnaryOperator;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.Module;
import jgrad.notebook.Preset;
import jgrad.optim.Optimizer;
import jgrad.tensor.Rng;

/**
 * One build's side of {@code bench/ab/run}: the training step of StepBenchmark (zeroGrad, forward,
 * cross-entropy, backward, optimizer step on a fixed random batch of 64), or only the forward pass
 * without grad when {@code -Dab.forward=true}. Compiled against each jar and loaded in its own class
 * loader, so two builds run in one JVM.
 */
public class Stepper implements LongUnaryOperator {
    private final Module model;
    private final Optimizer optimizer;
    private final Tensor x, y;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private final boolean forwardOnly = Boolean.getBoolean("ab.forward");

    public Stepper() {
        Preset preset = Preset.valueOf(System.getProperty("ab.preset", "COMPLEX"));
        Rng.manualSeed(0);
        model = preset.model();
        optimizer = Preset.optimizer(preset.optimizer, model.parameters(), preset.lr, preset.weightDecay, 0f);
        Rng rng = new Rng(1);
        x = Tensor.randn(rng, 64, 784);
        float[] labels = new float[64];
        for (int i = 0; i < 64; i++) labels[i] = i % 10;
        y = Tensor.of(labels, 64);
    }

    /** Runs {@code steps} steps and returns the nanoseconds they took. */
    @Override
    public long applyAsLong(long steps) {
        long t0 = System.nanoTime();
        if (forwardOnly) {
            try (var g = GradMode.noGrad()) {
                for (long i = 0; i < steps; i++) model.forward(x);
            }
        } else {
            for (long i = 0; i < steps; i++) {
                optimizer.zeroGrad();
                Tensor l = loss.forward(model.forward(x), y);
                l.backward();
                optimizer.step();
            }
        }
        return System.nanoTime() - t0;
    }
}
