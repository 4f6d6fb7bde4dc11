package jgrad.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Measures this machine: its fp32 multiply-add peak, with independent FMA chains held in registers,
 * one per thread, so that nothing but the FMA units limits it (benchmarks report achieved GFLOP/s as
 * a share of it); and how long a cache line takes to go from one core to another and back.
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

    /**
     * The time, in nanoseconds, for one thread to hand a counter to another and get it back, over one
     * shared cache line: the best mean of 30 rounds of 2,000 trips, since other threads only ever
     * slow a round down. On a virtual machine it tells where the host has put the two cores: on one
     * last-level cache (about 70 ns on an AMD EPYC) or on two (about 330 ns), where every activation
     * one thread writes and the other reads crosses between the caches, and a cnn step takes 20-25%
     * longer. The host can move them at any time.
     */
    public static double roundTripNanos() {
        java.util.concurrent.atomic.AtomicLong ball = new java.util.concurrent.atomic.AtomicLong();
        int trips = 2_000, rounds = 31; // the first round warms up
        Thread other = new Thread(() -> {
            for (long v = 1; v < 2L * trips * rounds; v += 2) {
                await(ball, v);
                ball.set(v + 1);
            }
        });
        other.setDaemon(true);
        other.start();
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (long v = 2L * trips * r; v < 2L * trips * (r + 1); v += 2) {
                ball.set(v + 1);
                await(ball, v + 2);
            }
            if (r > 0) best = Math.min(best, (System.nanoTime() - t0) / (double) trips);
        }
        return best;
    }

    /** Spins until the ball holds {@code v}, yielding now and then so that one core can still serve both threads. */
    private static void await(java.util.concurrent.atomic.AtomicLong ball, long v) {
        for (int spins = 1; ball.get() != v; spins++) {
            if (spins % 1024 == 0) Thread.yield();
            else Thread.onSpinWait();
        }
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
