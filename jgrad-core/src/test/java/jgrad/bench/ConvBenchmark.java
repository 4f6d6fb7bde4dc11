package jgrad.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.*;

import jgrad.autograd.Tensor;
import jgrad.tensor.Conv2dKernels;
import jgrad.tensor.Parallel;
import jgrad.tensor.PoolKernels;
import jgrad.tensor.Rng;

/**
 * {@link Conv2dKernels} and {@link PoolKernels} on the layers of a small Fashion-MNIST CNN at batch 64:
 * conv 1→32 3×3 padding 1 on 28×28, max pool 2×2, conv 32→64 3×3 padding 1 on 14×14, max pool 2×2.
 * A conv layer reads {@code N x Cin x H x W > Cout}; each of its passes is 2·N·Cout·Ho·Wo·Cin·9 flop
 * (28.9 MFLOP for the first layer, 462 MFLOP for the second), so GFLOP/s = flop / (µs per op · 1000).
 * The first layer's input gradient is listed for completeness; training never needs it. A pool
 * reads {@code N x C x H x W}. Pick layers with {@code -p layer=64x32x14x14>64} and threads with
 * {@code -p threads=1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    @State(Scope.Benchmark)
    public static class Conv {
        @Param({"64x1x28x28>32", "64x32x14x14>64"})
        public String layer;

        @Param({"2", "1"})
        public int threads;

        Conv2dKernels.Geometry g;
        float[] x, w, b, y, dY, dX, dW, dB;

        @Setup
        public void setUp() {
            int[] s = java.util.Arrays.stream(layer.split("[x>]")).mapToInt(Integer::parseInt).toArray();
            g = new Conv2dKernels.Geometry(s[0], s[1], s[2], s[3], s[4], 3, 3, 1, 1, 1, 1, 1, 1, 1);
            Rng rng = new Rng(1);
            x = Tensor.randn(rng, g.inputSize()).data();
            w = Tensor.randn(rng, g.weightSize()).data();
            b = Tensor.randn(rng, g.cout()).data();
            dY = Tensor.randn(rng, g.outputSize()).data();
            y = new float[g.outputSize()];
            dX = new float[g.inputSize()];
            dW = new float[g.weightSize()];
            dB = new float[g.cout()];
            Parallel.setThreads(threads);
        }
    }

    @State(Scope.Benchmark)
    public static class Pool {
        @Param({"64x32x28x28", "64x64x14x14"})
        public String input;

        @Param({"2", "1"})
        public int threads;

        PoolKernels.Geometry g;
        float[] x, y, dY, dX;
        int[] indices;

        @Setup
        public void setUp() {
            int[] s = java.util.Arrays.stream(input.split("x")).mapToInt(Integer::parseInt).toArray();
            g = new PoolKernels.Geometry(s[0], s[1], s[2], s[3], 2, 2, 2, 2, 0, 0, 1, 1);
            Rng rng = new Rng(1);
            x = Tensor.randn(rng, g.inputSize()).data();
            dY = Tensor.randn(rng, g.outputSize()).data();
            y = new float[g.outputSize()];
            dX = new float[g.inputSize()];
            indices = new int[g.outputSize()];
            PoolKernels.maxPool2dForward(x, y, indices, g);   // the backward's indices
            Parallel.setThreads(threads);
        }
    }

    @Benchmark
    public float[] convForward(Conv s) {
        Conv2dKernels.conv2dForward(s.x, s.w, s.b, s.y, s.g);
        return s.y;
    }

    @Benchmark
    public float[] convBackwardInput(Conv s) {
        Conv2dKernels.conv2dBackwardInput(s.dY, s.w, s.dX, s.g, false);
        return s.dX;
    }

    @Benchmark
    public float[] convBackwardWeight(Conv s) {
        Conv2dKernels.conv2dBackwardWeight(s.dY, s.x, s.dW, s.dB, s.g, false);
        return s.dW;
    }

    @Benchmark
    public float[] maxPoolForward(Pool s) {
        PoolKernels.maxPool2dForward(s.x, s.y, s.indices, s.g);
        return s.y;
    }

    @Benchmark
    public float[] maxPoolBackward(Pool s) {
        PoolKernels.maxPool2dBackward(s.dY, s.indices, s.dX, s.g, false);
        return s.dX;
    }
}
