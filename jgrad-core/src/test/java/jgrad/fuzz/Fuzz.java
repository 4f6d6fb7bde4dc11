package jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;

import org.opentest4j.AssertionFailedError;

/**
 * The mutation fuzz driver: feeds a reader seeded, mutated inputs and checks that each one ends in
 * the reader's documented exception (an {@link IOException} of the expected class whose message
 * starts with the file's path) or in a result that its {@link Target#check} finds consistent with
 * the bytes. Every input also has a time limit, so a hang fails, and an allocation limit
 * ({@link #ALLOCATION_SLACK} plus {@link #ALLOCATION_FACTOR} × the bytes the input really holds),
 * so a reader that trusts a size field and allocates before the bytes exist fails even when the
 * heap is large enough to survive it.
 *
 * <p>{@code -Djgrad.fuzz.inputs=N} sets the inputs per target (default {@value #DEFAULT_INPUTS},
 * a few seconds in all); {@code -Djgrad.fuzz.seed=S} the seed (default 1). Input {@code i} of a
 * target depends only on the seed, the target and {@code i}, so a failure is reproduced by the same
 * properties; failing inputs are also written to {@code target/fuzz-failures/<target>/}.
 */
final class Fuzz {
    static final int DEFAULT_INPUTS = 500;
    static final int INPUTS = Integer.getInteger("jgrad.fuzz.inputs", DEFAULT_INPUTS);
    static final long SEED = Long.getLong("jgrad.fuzz.seed", 1);
    static final Duration LIMIT = Duration.ofSeconds(10);
    static final long ALLOCATION_SLACK = 1 << 20;
    static final long ALLOCATION_FACTOR = 8;

    private Fuzz() {}

    /** What an input must end in: a refusal, a loaded result, or either (then a refusal or a consistent result). */
    enum Expect { REFUSE, LOAD, EITHER }

    /** One generated input: how it was made, what it must end in, and the bytes of each of the target's files. */
    record Input(String how, Expect expect, byte[]... files) {}

    /** A reader under test. */
    interface Target<R> {
        /** File names, one per {@link Input#files} entry. */
        List<String> names();

        /** The exception class the reader documents for a bad file. */
        Class<? extends IOException> refusal();

        R read(List<Path> files) throws IOException;

        /** Throws an AssertionError when an accepted result disagrees with the input's bytes. */
        void check(Input in, R result) throws IOException;

        /** How many bytes the input really holds (decompressed where it is gzip), for the allocation limit. */
        default long present(Input in) {
            return Arrays.stream(in.files()).mapToLong(f -> f.length).sum();
        }
    }

    /** The outcome of one input: its kind ("valid", "refused: <kind of message>", "FAILED: …"), a refusal's message after the path, a failure's description. */
    record Outcome(String kind, String problem, String failure) {}

    /** Runs {@code inputs} inputs made by {@code generate} against {@code target}, prints a summary, and fails on any failure. */
    static <R> void campaign(String name, Target<R> target, int inputs, Function<SplittableRandom, Input> generate, Path dir)
            throws IOException {
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        run(target, generate.apply(new SplittableRandom(SEED)), dir); // loads and initialises the reader's classes outside the allocation count
        for (int i = 0; i < inputs; i++) {
            Input in = generate.apply(new SplittableRandom(SEED * 0x9E3779B97F4A7C15L + name.hashCode() * 1_000_003L + i));
            Outcome o = run(target, in, dir);
            kinds.merge(o.kind(), 1, Integer::sum);
            if (o.failure() != null) {
                failures.add("input " + i + " (" + in.how() + "): " + o.failure());
                save(name, i, target, in);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        var s = new StringBuilder(String.format("fuzz %s: %d inputs, seed %d, %d ms, %d failures%n", name, inputs, SEED, ms, failures.size()));
        kinds.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> s.append(String.format("  %6d  %s%n", e.getValue(), e.getKey())));
        System.out.print(s);
        if (!failures.isEmpty())
            fail(failures.size() + " of " + inputs + " inputs failed (inputs in target/fuzz-failures/" + name + "):\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(20, failures.size()))));
    }

    /** Runs one input and judges it. */
    static <R> Outcome run(Target<R> target, Input in, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int f = 0; f < in.files().length; f++) files.add(Files.write(dir.resolve(target.names().get(f)), in.files()[f]));
        Object[] box = new Object[3]; // result, thrown, allocated bytes
        try {
            // preemptive: a plain assertTimeout waits for the read to end, which a hang never does
            assertTimeoutPreemptively(LIMIT, () -> {
                long before = allocated();
                try {
                    box[0] = target.read(files);
                } catch (Throwable e) {
                    box[1] = e;
                }
                box[2] = allocated() - before;
            });
        } catch (AssertionFailedError e) {
            return new Outcome("FAILED: hang", null, "no answer within " + LIMIT.toSeconds() + " s");
        }
        long limit = ALLOCATION_SLACK + ALLOCATION_FACTOR * target.present(in);
        if ((long) box[2] > limit)
            return new Outcome("FAILED: allocation", null, "allocated " + box[2] + " bytes for an input that holds "
                    + target.present(in) + (box[1] != null ? " (then " + box[1] + ")" : ""));
        if (box[1] instanceof Throwable e) {
            String problem = problem(e, target.refusal(), files);
            if (problem == null) return new Outcome("FAILED: " + e.getClass().getSimpleName(), null, e.toString());
            if (in.expect() == Expect.LOAD) return new Outcome("FAILED: refused", problem, "a valid input was refused: " + problem);
            return new Outcome("refused: " + kind(problem), problem, null);
        }
        if (in.expect() == Expect.REFUSE) return new Outcome("FAILED: accepted", null, "an invalid input was accepted");
        try {
            @SuppressWarnings("unchecked") R r = (R) box[0];
            target.check(in, r);
        } catch (AssertionError | RuntimeException e) {
            return new Outcome("FAILED: inconsistent", null, "accepted with an inconsistent result: " + e);
        }
        return new Outcome("valid", null, null);
    }

    /** The problem text of a documented refusal (after "path: "), or null when {@code e} is not one. */
    private static String problem(Throwable e, Class<? extends IOException> refusal, List<Path> files) {
        if (!refusal.isInstance(e)) return null;
        for (Path f : files)
            if (e.getMessage() != null && e.getMessage().startsWith(f + ": ")) return e.getMessage().substring(f.toString().length() + 2);
        return null;
    }

    /** A message reduced to its kind: numbers, paths, quoted text, tensor names and parenthesised detail removed. */
    static String kind(String problem) {
        String k = problem.replaceFirst("^not a valid safetensors file: ", "")
                .replaceAll(" \\(.*", "")
                .replaceAll("/\\S*", "FILE")
                .replaceAll("'[^']*'", "'…'")
                .replaceAll("tensor \\S+", "tensor T")
                .replaceAll("0x[0-9a-f]+", "0x…")
                .replaceAll("(?<![A-Za-z0-9])-?\\d+", "N");
        return k.length() > 90 ? k.substring(0, 90) + "…" : k;
    }

    private static final MethodHandle ALLOCATED = allocatedBytes();

    /** The JVM's count of bytes this thread has allocated; java.management is reached reflectively, as the tests compile inside the library's module. */
    private static MethodHandle allocatedBytes() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            var m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            return MethodHandles.lookup().unreflect(m).bindTo(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the fuzz harness needs the JDK's per-thread allocation counter", e);
        }
    }

    private static long allocated() {
        try {
            return (long) ALLOCATED.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static void save(String name, int i, Target<?> target, Input in) throws IOException {
        Path out = Files.createDirectories(Path.of("target", "fuzz-failures", name));
        for (int f = 0; f < in.files().length; f++)
            Files.write(out.resolve(SEED + "-" + i + "-" + target.names().get(f)), in.files()[f]);
        Files.writeString(out.resolve(SEED + "-" + i + ".txt"), in.how() + "\n");
    }
}
