package jgrad.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The fixed thread pool that kernels split their work across. Its size is the number of cores
 * unless the system property {@code jgrad.threads} or {@link #setThreads} says otherwise.
 *
 * <p>Kernels give each task a fixed, disjoint block of the output and do the same arithmetic in
 * the same order whatever thread runs it, so results with the same thread count are bit-identical
 * run to run.
 */
public final class Parallel {
    private static volatile int threads = Integer.getInteger("jgrad.threads", Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool;

    private Parallel() {}

    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels use (at least 1). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) old.shutdown();
        }
    }

    /**
     * Runs {@code body} for each task index in {@code [0, tasks)}. The calling thread runs task 0 itself
     * while the pool runs the others, so a two-way split costs one hand-off, not two.
     */
    public static void run(int tasks, IntConsumer body) {
        if (tasks <= 1 || threads == 1 || ForkJoinTask.getPool() != null) { // no nested splitting inside a task
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) pool = new ForkJoinPool(Math.max(1, threads - 1));
                p = pool;
            }
        }
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[tasks - 1];
        for (int t = 1; t < tasks; t++) {
            int task = t;
            others[t - 1] = p.submit(() -> body.accept(task));
        }
        Throwable failure = null;
        try {
            body.accept(0);
        } catch (Throwable e) {
            failure = e;
        }
        for (ForkJoinTask<?> f : others) {
            try {
                f.join();
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new RuntimeException(failure);
    }

    /** A body over a half-open index range. */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    /**
     * Splits [0, n) into one contiguous range per thread when n is at least {@code grain}, else runs it
     * on the calling thread; for element-wise updates whose elements are independent.
     */
    public static void forRange(int n, int grain, Range body) {
        int tasks = n < grain ? 1 : threads;
        if (tasks == 1) {
            body.run(0, n);
            return;
        }
        int per = (n + tasks - 1) / tasks;
        run(tasks, t -> body.run(Math.min(n, t * per), Math.min(n, (t + 1) * per)));
    }
}
