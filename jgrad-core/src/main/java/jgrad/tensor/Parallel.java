package jgrad.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
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
    /** {@link #forRange}'s most ranges per thread. */
    private static final int RANGES_PER_THREAD = 4;
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

    /**
     * Whether the calling thread is running one of {@link #run}'s tasks (as a worker, or as the
     * caller taking part). Work it splits there runs on this thread alone, so kernels called from a
     * task can skip their splitting.
     */
    static boolean inTask() {
        Pool p = pool;
        return Thread.currentThread() instanceof Worker || p != null && p.lock.isHeldByCurrentThread();
    }

    /** A body over a half-open index range. */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    /**
     * Splits [0, n) into contiguous ranges when n is at least {@code grain}, else runs it on the
     * calling thread; for element-wise updates whose elements are independent. There are up to
     * {@value #RANGES_PER_THREAD} ranges per thread, each of at least {@code grain} elements where n
     * allows. Each thread starts on its own consecutive ranges and then takes what is left of the
     * others' ({@link #run}): the cores of a shared machine often run tens of percent apart in speed
     * for a while, and with one range each the faster waited for the slower.
     */
    public static void forRange(int n, int grain, Range body) {
        int tasks = n < grain ? 1 : (int) Math.max(threads, Math.min((long) RANGES_PER_THREAD * threads, n / Math.max(1, grain)));
        if (tasks == 1) {
            body.run(0, n);
            return;
        }
        int per = (n + tasks - 1) / tasks;
        run(tasks, t -> body.run(Math.min(n, t * per), Math.min(n, (t + 1) * per)));
    }

    private static final class Worker extends Thread {
        /** Its block in every job: 1 .. threads - 1 (the caller's is 0). */
        final int index;

        Worker(Runnable r, int i) {
            super(r, "jgrad-kernel-" + i);
            index = i;
            setDaemon(true);
        }
    }

    /**
     * One job at a time. Each job carries its own claims and completion count, and workers hold the
     * job they took tasks from: a worker still finishing an old job can only ever claim that job's
     * (exhausted) tasks, never run the next job's body or count towards its completion. (Counters
     * shared across jobs let a worker that was preempted between reading the claim and claiming run
     * a task of the next job twice, and the caller return before it finished.)
     *
     * <p>The tasks are dealt in contiguous blocks, one per thread, the caller's first. A thread
     * takes its own block from the front, then the others' from the back. Kernels number their
     * tasks in the order of the data (samples, then channels), so consecutive ops over the same
     * tensors give each thread the same part of them, which is still in its core's cache: when the
     * two cores of a virtual machine sit on different last-level caches, taking tasks in any order
     * moved half of every activation between them, and a cnn step took 21 ms instead of 18. The
     * stealing keeps a core that runs slower for a while from holding the other up.
     */
    private static final class Job {
        /** Longs between two blocks' claims, so that each is on a cache line of its own. */
        private static final int SPREAD = 16;
        final IntConsumer body;
        final int tasks;
        /** Block b's next task in the low 32 bits of element b·SPREAD, its end in the high 32. */
        private final AtomicLongArray blocks;
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(IntConsumer body, int tasks, int threads) {
            this.body = body;
            this.tasks = tasks;
            blocks = new AtomicLongArray(threads * SPREAD);
            for (int b = 0; b < threads; b++)
                blocks.set(b * SPREAD, (long) tasks * (b + 1) / threads << 32 | (long) tasks * b / threads);
        }

        /** The next task for thread {@code self}: its own block's first, else another block's last; -1 when none is left. */
        private int claim(int self) {
            int threads = blocks.length() / SPREAD;
            for (int k = 0; k < threads; k++) {
                int i = (self + k) % threads * SPREAD;
                for (long v = blocks.get(i); ; v = blocks.get(i)) {
                    int next = (int) v, end = (int) (v >>> 32);
                    if (next >= end) break;
                    if (k == 0 ? blocks.compareAndSet(i, v, v + 1) : blocks.compareAndSet(i, v, (long) (end - 1) << 32 | next))
                        return k == 0 ? next : end - 1;
                }
            }
            return -1;
        }

        void work(int self) {
            int ran = 0;
            for (int t; (t = claim(self)) >= 0; ran++) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }
            // one count per thread and job, not per task: the counter's cache line is shared by all threads
            if (ran > 0) done.addAndGet(ran);
        }
    }

    private static final class Pool {
        final ReentrantLock lock = new ReentrantLock();
        private final Worker[] workers;
        /** The latest job; workers compare it with the one they last worked on. */
        private volatile Job job;
        private volatile boolean stopped;

        Pool(int n) {
            workers = new Worker[n];
            for (int i = 0; i < n; i++) {
                workers[i] = new Worker(this::loop, i + 1);
                workers[i].start();
            }
        }

        void run(int tasks, IntConsumer body) {
            Job j = new Job(body, tasks, workers.length + 1);
            job = j;
            for (Worker w : workers) LockSupport.unpark(w);
            j.work(0);
            while (j.done.get() < tasks) Thread.onSpinWait();
            Throwable f = j.failure.get();
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new RuntimeException(f);
        }

        private void loop() {
            Job seen = null;
            while (!stopped) {
                Job j = job;
                if (j != seen) {
                    seen = j;
                    j.work(((Worker) Thread.currentThread()).index);
                    continue;
                }
                // spin, then yield (so the data loader's thread can have this core), then park
                long start = System.nanoTime(), now = start;
                while (job == seen && !stopped && now - start < SPIN_NANOS) {
                    if (now - start < SPIN_NANOS / 10) Thread.onSpinWait();
                    else Thread.yield();
                    now = System.nanoTime();
                }
                if (job == seen && !stopped) LockSupport.park(this);
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }
}
