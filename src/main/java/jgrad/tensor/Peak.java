package jgrad.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Measures this machine's fp32 multiply-add peak: independent FMA chains held in registers, one per
 * thread, so nothing but the FMA units limits it. Benchmarks report achieved GFLOP/s as a share of it.
 */
public final class Peak {
    private Peak() {}

    /** GFLOP/s of {@code threads} threads each running a register-only FMA loop for about 0.3 s. */
    public static double measureGflops(int threads) {
        long iters = 20_000_000L;
        chain(iters / 10); // warm up the JIT
        double[] rate = new double[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                long t0 = System.nanoTime();
                float sink = chain(iters);
                double s = (System.nanoTime() - t0) / 1e9;
                rate[id] = (sink == 42f ? 1 : 0) + iters * 8.0 * MatMul.VL * 2 / s / 1e9;
            });
            ts[t].start();
        }
        double total = 0;
        for (int t = 0; t < threads; t++) {
            try {
                ts[t].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            total += rate[t];
        }
        return total;
    }

    private static float chain(long iters) {
        var s = MatMul.S;
        FloatVector a = FloatVector.broadcast(s, 0.999f), b = FloatVector.broadcast(s, 1e-7f);
        FloatVector c0 = FloatVector.zero(s), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
