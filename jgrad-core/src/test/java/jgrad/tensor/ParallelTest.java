package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The pool runs every task of every job exactly once, and returns only when all of them have finished. */
class ParallelTest {
    @Test
    void everyTaskOfEveryJobRunsOnceAndIsDoneWhenRunReturns() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            int jobs = 200_000, tasks = 3;
            int[] ran = new int[tasks];
            for (int j = 0; j < jobs; j++) {
                java.util.Arrays.fill(ran, 0);
                // tiny tasks back to back: the pattern in which a worker still leaving one job meets the next
                Parallel.run(tasks, t -> {
                    ran[t]++;
                    if (t == 1) Thread.onSpinWait();
                });
                for (int t = 0; t < tasks; t++) assertEquals(1, ran[t], "job " + j + " task " + t);
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
