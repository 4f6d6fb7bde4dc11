package jgrad.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.*;

import jgrad.autograd.Tensor;
import jgrad.nn.Functional;
import jgrad.tensor.BatchNormKernels;
import jgrad.tensor.Elementwise;
import jgrad.tensor.Rng;

/**
 * The element-wise kernels of a training step on the widest activation of {@code ComplexNet}, a
 * [64, 512] batch (32768 floats): {@link Elementwise#activation} (LeakyReLU, slope 0.2), {@link
 * Elementwise#activationBackward} (ReLU's), {@link Functional#batchNorm}'s training forward (batch statistics,
 * running-statistics update, affine; no tape, since no input requires grad) and the batch-norm input
 * gradient kernel {@link Elementwise#batchNormBackward}. These kernels are single-threaded, so there
 * is no thread count parameter. Memory-bound: GB/s ≈ bytes touched / (µs per op · 1000), with
 * leaky_relu reading and writing 128 KiB each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {
    private static final int ROWS = 64, COLS = 512, N = ROWS * COLS;

    private float[] x, y, dY, dX, xhat, g, a, b;
    private Tensor input, runningMean, runningVar, weight, bias;

    @Setup
    public void setUp() {
        Rng rng = new Rng(1);
        x = Tensor.randn(rng, N).data();
        dY = Tensor.randn(rng, N).data();
        xhat = Tensor.randn(rng, N).data();
        y = new float[N];
        dX = new float[N];
        g = Tensor.randn(rng, COLS).data();
        a = Tensor.randn(rng, COLS).data();
        b = Tensor.randn(rng, COLS).data();
        Elementwise.activation(x, 0f, y, N); // a ReLU output, about half zeros, for the backward's mask
        input = Tensor.of(x.clone(), ROWS, COLS);
        runningMean = Tensor.zeros(COLS);
        runningVar = Tensor.ones(COLS);
        weight = Tensor.ones(COLS);
        bias = Tensor.zeros(COLS);
    }

    @Benchmark
    public float[] leakyRelu() {
        Elementwise.activation(x, 0.2f, y, N);
        return y;
    }

    @Benchmark
    public float[] reluBackward() {
        // accumulates into dX; the values drift but the work per call is the same
        Elementwise.activationBackward(y, 0f, dY, dX, N, true);
        return dX;
    }

    @Benchmark
    public Tensor batchNormForward() {
        return Functional.batchNorm(input, runningMean, runningVar, weight, bias, true, 0.1f, 1e-5f);
    }

    @Benchmark
    public float[] batchNormBackward() {
        BatchNormKernels.batchNormBackward(dY, xhat, g, a, b, ROWS, COLS, dX, true);
        return dX;
    }
}
