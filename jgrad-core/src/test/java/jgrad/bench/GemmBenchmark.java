package jgrad.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.*;

import jgrad.autograd.Tensor;
import jgrad.tensor.MatMul;
import jgrad.tensor.Parallel;
import jgrad.tensor.Rng;

/**
 * {@link MatMul#mm} on every GEMM of one training step of the notebook's networks at batch 64:
 * the forward {@code x·Wᵀ} (NT), the input gradient {@code dY·W} (NN) and the weight gradient
 * {@code dYᵀ·X} (TN). A shape reads {@code MxNxK:ops}; one call is 2·M·N·K flop, so GFLOP/s =
 * 2·M·N·K / (µs per op · 1000).
 *
 * <p>The shapes come three per layer (NT, NN, TN): the simple network's 784→256 and 256→128, the
 * complex network's 784→512 and 512→256, then 128→10 (the complex network's 256→128 and 128→10
 * are the simple one's). A first layer's {@code dY·W} (64x784xK:NN) is listed for completeness,
 * but training never runs it: the images do not require grad. The last three are the cnn's second
 * convolution (32→64 channels, 3×3, on 14×14): one sample's forward and input gradient, and the
 * weight gradient over a chunk of 18 samples (see {@link jgrad.tensor.Conv2dKernels}). Pick shapes with
 * {@code -p shape=64x256x784:NT,64x512x784:NT} and threads with {@code -p threads=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"64x256x784:NT", "64x784x256:NN", "256x784x64:TN",
            "64x128x256:NT", "64x256x128:NN", "128x256x64:TN",
            "64x512x784:NT", "64x784x512:NN", "512x784x64:TN", "64x256x512:NT", "64x512x256:NN", "256x512x64:TN",
            "64x10x128:NT", "64x128x10:NN", "10x128x64:TN",
            "64x196x288:NN", "288x196x64:TN", "64x288x3528:NT"})
    public String shape;

    @Param({"2", "1"})
    public int threads;

    private float[] a, b, c;
    private int m, n, k;
    private boolean transA, transB;

    @Setup
    public void setUp() {
        String[] parts = shape.split("[x:]");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        transA = parts[3].charAt(0) == 'T';
        transB = parts[3].charAt(1) == 'T';
        Rng rng = new Rng(1);
        a = Tensor.randn(rng, m * k).data();
        b = Tensor.randn(rng, k * n).data();
        c = new float[m * n];
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] mm() {
        MatMul.mm(a, 0, transA, b, 0, transB, c, 0, m, n, k, false);
        return c;
    }
}
