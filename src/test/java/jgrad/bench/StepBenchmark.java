package jgrad.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.*;

import jgrad.autograd.Tensor;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.Module;
import jgrad.notebook.Preset;
import jgrad.optim.Optimizer;
import jgrad.tensor.Parallel;
import jgrad.tensor.Rng;

/**
 * One whole training step of the notebook's networks at batch 64 — zeroGrad, forward,
 * cross-entropy, backward, optimizer step — on fixed random inputs: the per-step cost that
 * {@code jgrad bench} multiplies by 938 steps an epoch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class StepBenchmark {
    @Param({"SIMPLE", "COMPLEX"})
    public Preset preset;

    @Param({"2"})
    public int threads;

    private Module model;
    private Optimizer optimizer;
    private Tensor x, y;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        Rng.manualSeed(0);
        model = preset.model();
        optimizer = Preset.optimizer(preset.optimizer, model.parameters(), preset.lr, preset.weightDecay, 0f);
        Rng rng = new Rng(1);
        x = Tensor.randn(rng, 64, 784);
        float[] labels = new float[64];
        for (int i = 0; i < 64; i++) labels[i] = i % 10;
        y = Tensor.of(labels, 64);
    }

    @Benchmark
    public float step() {
        optimizer.zeroGrad();
        Tensor l = loss.forward(model.forward(x), y);
        l.backward();
        optimizer.step();
        return l.item();
    }
}
