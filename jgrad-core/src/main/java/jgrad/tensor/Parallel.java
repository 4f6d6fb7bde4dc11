package jgrad.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The fixed set of threads that kernels split their work across: the calling thread plus
 * {@code threads - 1} daemon workers. Its size is the number of cores unless the system property
 * {@code jgrad.threads} or {@link #setThreads} says otherwise.
 *
 * <p>A training step hands work to the pool a few dozen times, each for tens of microseconds, so
 * the hand-off itself matters: a parked thread takes 10-50 µs to wake. Workers therefore wait
 * actively for {@value #SPIN_NANOS} ns after each job (spinning, then yielding the core to any
 * other runnable thread such as the data loader's) before they park, and the caller takes tasks
 * too instead of waiting idle. Measured here: a two-way hand-off fell from 10-50 µs to about 1 µs.
 *
 * <p>Kernels give each task a fixed, disjoint block of the output and do the same arithmetic in
 * the same order whatever thread runs it, so results with the same thread count are bit-identical
 * run to run.
 */
public final class Parallel {
    private static final long SPIN_NANOS = 200_000;
    private static volatile int threads = checked(Integer.getInteger("jgrad.threads", Runtime.getRuntime().availableProcessors()));
    private static volatile Pool pool;

    private Parallel() {}

    public static int threads() {
        return threads;
    }

    private static int checked(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n + " (-Djgrad.threads or --threads)");
        return n;
    }

    /** Sets the number of threads kernels use (at least 1). */
    public static synchronized void setThreads(int n) {
        checked(n);
        if (n != threads) {
            Pool old = pool;
            pool = null;
            threads = n;
            if (old != null) old.shutdown();
        }
    }

    /**
     * Runs {@code body} for each task index in {@code [0, tasks)}, the calling thread taking part.
     * Runs serially when there is one thread or one task, inside a worker (no nested splitting), or
     * while another thread is using the pool.
     */
    public static void run(int tasks, IntConsumer body) {
        Pool p = pool;
        if (p == null && tasks > 1 && threads > 1) {
            synchronized (Parallel.class) {
                if (pool == null && threads > 1) pool = new Pool(threads - 1);
                p = pool;
            }
        }
        if (tasks <= 1 || p == null || Thread.currentThread() instanceof Worker || p.lock.isHeldByCurrentThread() || !p.lock.tryLock()) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        try {
            p.run(tasks, body);
        } finally {
            p.lock.unlock();
        }
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

    private static final class Worker extends Thread {
        Worker(Runnable r, int i) {
            super(r, "jgrad-kernel-" + i);
            setDaemon(true);
        }
    }

    /**
     * One job at a time: a body and a task count, published by bumping {@code generation}. Tasks are
     * claimed from {@code claim} = generation·2³² + next index, so a worker still finishing an old
     * job can never take a task of the next one.
     */
    private static final class Pool {
        final ReentrantLock lock = new ReentrantLock();
        private final Worker[] workers;
        private final AtomicLong claim = new AtomicLong();
        private final AtomicInteger done = new AtomicInteger();
        private volatile IntConsumer body;
        private volatile int tasks;
        private volatile long generation;
        private volatile boolean stopped;
        private volatile Throwable failure;

        Pool(int n) {
            workers = new Worker[n];
            for (int i = 0; i < n; i++) {
                workers[i] = new Worker(this::loop, i + 1);
                workers[i].start();
            }
        }

        void run(int tasks, IntConsumer body) {
            this.body = body;
            this.tasks = tasks;
            failure = null;
            done.set(0);
            long g = generation + 1;
            claim.set(g << 32);
            generation = g;
            for (Worker w : workers) LockSupport.unpark(w);
            work(g);
            while (done.get() < tasks) Thread.onSpinWait();
            this.body = null;
            Throwable f = failure;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new RuntimeException(f);
        }

        private void work(long g) {
            for (long c = claim.get(); c >>> 32 == g && (int) c < tasks; c = claim.get()) {
                if (!claim.compareAndSet(c, c + 1)) continue;
                int t = (int) c;
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        private void loop() {
            long seen = 0;
            while (!stopped) {
                if (generation != seen) {
                    seen = generation;
                    work(seen);
                    continue;
                }
                // spin, then yield (so the data loader's thread can have this core), then park
                long start = System.nanoTime(), now = start;
                while (generation == seen && !stopped && now - start < SPIN_NANOS) {
                    if (now - start < SPIN_NANOS / 10) Thread.onSpinWait();
                    else Thread.yield();
                    now = System.nanoTime();
                }
                if (generation == seen && !stopped) LockSupport.park(this);
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }
}
