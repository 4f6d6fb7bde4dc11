package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The pool runs every task of every job exactly once, and returns only when all of them have finished. */
class ParallelTest {
    @Test
    void everyTaskOfEveryJobRunsOnceAndIsDoneWhenRunReturns() {
        int before = Parallel.threads();
        try {
            // 2 threads: one worker; 3 and 4: workers also take from each other's blocks
            for (int threads = 2; threads <= 4; threads++) {
                Parallel.setThreads(threads);
                // task counts below, at and above the number of blocks, where some blocks are empty or uneven
                for (int tasks : new int[]{2, 3, 4, 5, 7, 64}) {
                    int jobs = 200_000 / tasks / threads;
                    java.util.concurrent.atomic.AtomicIntegerArray ran = new java.util.concurrent.atomic.AtomicIntegerArray(tasks);
                    for (int j = 0; j < jobs; j++) {
                        for (int t = 0; t < tasks; t++) ran.set(t, 0);
                        // tiny tasks back to back: the pattern in which a worker still leaving one job meets the next
                        Parallel.run(tasks, t -> {
                            ran.incrementAndGet(t);
                            if (t % 2 == 1) Thread.onSpinWait();
                        });
                        for (int t = 0; t < tasks; t++)
                            assertEquals(1, ran.get(t), threads + " threads, " + tasks + " tasks, job " + j + " task " + t);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aTasksExceptionReachesTheCaller() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            var e = assertThrows(IllegalStateException.class, () -> Parallel.run(4, t -> {
                if (t == 2) throw new IllegalStateException("task 2");
            }));
            assertEquals("task 2", e.getMessage());
        } finally {
            Parallel.setThreads(before);
        }
    }
}
