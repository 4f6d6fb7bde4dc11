import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * Two builds of jgrad in one JVM, each in its own class loader with its own copy of
 * {@code jgrad.bench.TrainingStep} (src/test) compiled against it, timed in alternating rounds (the
 * order flips every round), so that the machine's drift, which here reaches ±30% within minutes,
 * hits both alike. Prints each build's median µs per step and the median and quartiles of the
 * per-round ratio B/A. Usage: {@code AB classesA jarA classesB jarB rounds steps}; with
 * {@code -Dab.cpu=true} the kernels run on one thread and each round is timed by its CPU time.
 */
public class AB {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[4]), steps = Integer.parseInt(args[5]);
        // -Dab.cpu=true: one kernel thread, timed by its CPU time, which other processes on a
        // shared machine disturb far less than the wall clock
        boolean cpu = Boolean.getBoolean("ab.cpu");
        if (cpu) System.setProperty("jgrad.threads", "1");
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        LongUnaryOperator[] build = new LongUnaryOperator[2];
        for (int v = 0; v < 2; v++) {
            URL[] path = {Path.of(args[2 * v]).toUri().toURL(), Path.of(args[2 * v + 1]).toUri().toURL()};
            build[v] = (LongUnaryOperator) new URLClassLoader(path, ClassLoader.getPlatformClassLoader())
                    .loadClass("jgrad.bench.TrainingStep").getConstructor().newInstance();
        }
        for (int w = 0; w < 3; w++) for (LongUnaryOperator b : build) b.applyAsLong(steps);   // JIT warm-up
        double[][] us = new double[2][rounds];
        for (int r = 0; r < rounds; r++)
            for (int q = 0, v = r & 1; q < 2; q++, v ^= 1) {
                long t0 = bean.getCurrentThreadCpuTime(), wall = build[v].applyAsLong(steps);
                us[v][r] = (cpu ? bean.getCurrentThreadCpuTime() - t0 : wall) / 1e3 / steps;
            }
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) ratio[r] = us[1][r] / us[0][r];
        Arrays.sort(ratio);
        for (int v = 0; v < 2; v++) {
            double[] s = us[v].clone();
            Arrays.sort(s);
            System.out.printf("%s: median %.1f µs/step (min %.1f, max %.1f)%n", v == 0 ? "A" : "B", s[rounds / 2], s[0], s[rounds - 1]);
        }
        System.out.printf("B/A per round: median %.3f, quartiles %.3f .. %.3f%n", ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        System.exit(0);
    }
}
