package jgrad.data;

import java.lang.ref.Cleaner;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.IntFunction;

/**
 * Produces batches 0..count-1 on a daemon thread, at most {@value #AHEAD} ahead of the consumer.
 *
 * <p>The thread stops when all batches are made, on {@link #close()}, or when this iterator
 * becomes unreachable (a {@link Cleaner} interrupts it), so breaking out of a for-each loop leaks
 * neither a blocked thread nor the batches it holds for longer than it takes the GC to notice.
 * For that the thread must not reference this object: it sees only the queue and the producer.
 */
final class Prefetcher implements BatchIterator {
    private static final int AHEAD = 2;
    private static final Cleaner CLEANER = Cleaner.create();

    /** Put in the queue in place of the batch whose production threw. */
    private record Failure(Throwable error) {}

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
    private final int count;
    private final Thread thread;
    private final Cleaner.Cleanable stopper;
    private int taken;
    private boolean closed;

    Prefetcher(int count, IntFunction<Batch> producer) {
        this.count = count;
        BlockingQueue<Object> q = queue;
        thread = Thread.ofPlatform().daemon().name("jgrad-dataloader").unstarted(() -> produce(q, count, producer));
        stopper = CLEANER.register(this, thread::interrupt);
        thread.start();
    }

    private static void produce(BlockingQueue<Object> queue, int count, IntFunction<Batch> producer) {
        try {
            for (int i = 0; i < count; i++) {
                Object item;
                try {
                    item = producer.apply(i);
                } catch (Throwable t) {
                    item = new Failure(t);
                }
                queue.put(item);
                if (item instanceof Failure) return;
            }
        } catch (InterruptedException e) {
            // closed or abandoned: nobody will take what is left
        }
    }

    @Override
    public boolean hasNext() {
        return !closed && taken < count;
    }

    /**
     * The next batch, waiting for the prefetch thread if it is not ready yet.
     *
     * @throws RuntimeException or Error: whatever making this batch threw, rethrown here
     */
    @Override
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
        if (item instanceof Failure(Throwable error)) {
            close();
            if (error instanceof RuntimeException r) throw r;
            if (error instanceof Error err) throw err;
            throw new IllegalStateException("making a batch failed", error);
        }
        taken++;
        return (Batch) item;
    }

    /** Stops the prefetch thread and drops prefetched batches; the iterator then has no next. */
    @Override
    public void close() {
        closed = true;
        stopper.clean();
        queue.clear();
    }

    /** For tests: the prefetch thread. */
    Thread thread() {
        return thread;
    }
}
