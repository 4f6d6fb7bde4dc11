package jgrad.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.*;

import jgrad.app.Preset;
import jgrad.tensor.Parallel;

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
    @Param({"SIMPLE", "COMPLEX", "CNN"})
    public Preset preset;

    @Param({"2"})
    public int threads;

    private TrainingStep step;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        step = new TrainingStep(preset, false);
    }

    @Benchmark
    public float step() {
        return step.step();
    }
}
