package jgrad.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Measures this machine's fp32 multiply-add peak: independent FMA chains held in registers, one per
 * thread, so nothing but the FMA units limits it. Benchmarks report achieved GFLOP/s as a share of it.
 */
public final class Peak {
    private Peak() {}

    /**
     * GFLOP/s of {@code threads} threads each running a register-only FMA loop: the loop is compiled
     * first (JIT warm-up), then each thread's best of five rounds of about 0.1 s is summed.
     */
    public static double measureGflops(int threads) {
        long iters = 4_000_000L;
        float sink = 0;
        for (int i = 0; i < 30; i++) sink += chain(iters / 20); // compile chain() fully before timing it
        double[] rate = new double[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                for (int round = 0; round < 5; round++) {
                    long t0 = System.nanoTime();
                    float s = chain(iters);
                    double sec = (System.nanoTime() - t0) / 1e9;
                    rate[id] = Math.max(rate[id], iters * 8.0 * Simd.VL * 2 / sec / 1e9 + (s == 42f ? 1e-9 : 0));
                }
            });
            ts[t].start();
        }
        double total = sink == 42f ? 1e-9 : 0;
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
        var s = Simd.S;
        FloatVector a = FloatVector.broadcast(s, 0.999f), b = FloatVector.broadcast(s, 1e-7f);
        FloatVector c0 = FloatVector.zero(s), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
