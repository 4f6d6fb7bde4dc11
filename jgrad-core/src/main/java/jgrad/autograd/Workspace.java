package jgrad.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Arrays for the outputs of a training loop's ops, handed back after each step so that the next
 * step reuses them instead of allocating new ones: the role of PyTorch's caching allocator, for a
 * loop that knows its step's tensors die with the step. A new Java array is zeroed before it is
 * written, and a cnn step's activations are tens of MB, so reuse saves a pass over memory per
 * activation and keeps the collector idle.
 * <pre>{@code
 * Workspace ws = new Workspace();
 * for (Batch b : loader)
 *     try (var step = ws.enter()) {
 *         optimizer.zeroGrad();
 *         loss.forward(model.forward(b.inputs()), b.labels()).backward();
 *         optimizer.step();
 *     }
 * }</pre>
 * Between {@link #enter} and {@link Step#close} on the entering thread, the ops that make large
 * outputs (convolution, batch norm, max pooling, linear, matmul) take their arrays from
 * {@link #floats}/{@link #ints}; closing the step returns them all. Such an array holds a previous
 * step's values until its op overwrites every element, which each of those ops does. Outside a
 * step, or on other threads, {@link #floats} is {@code new float[n]}.
 *
 * <p>Only a loop that keeps no tensor made in a step past its end may enter: the trainer and the
 * evaluation do, for models whose modules keep no tensors between calls
 * ({@code Module.holdsNoActivations}). A tensor kept longer would see its values overwritten by a
 * later step.
 */
public final class Workspace {
    private static final ThreadLocal<Workspace> CURRENT = new ThreadLocal<>();
    /** Smaller arrays are cheap to allocate and not worth the bookkeeping. */
    private static final int MIN_LENGTH = 1024;

    private final Map<Integer, ArrayDeque<float[]>> spareFloats = new HashMap<>();
    private final Map<Integer, ArrayDeque<int[]>> spareInts = new HashMap<>();
    private final List<float[]> lentFloats = new ArrayList<>();
    private final List<int[]> lentInts = new ArrayList<>();
    private final Step step = new Step();

    /** One step: {@link #close} hands every array taken since {@link #enter} back to the workspace. */
    public final class Step implements AutoCloseable {
        private Step() {}

        @Override
        public void close() {
            if (CURRENT.get() != Workspace.this) throw new IllegalStateException("the workspace's step was closed on a thread that did not enter it");
            CURRENT.remove();
            for (float[] a : lentFloats) spareFloats.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
            for (int[] a : lentInts) spareInts.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
            lentFloats.clear();
            lentInts.clear();
        }
    }

    /** Starts a step on this thread: until it is closed, {@link #floats} and {@link #ints} take arrays from this workspace. */
    public Step enter() {
        if (CURRENT.get() != null) throw new IllegalStateException("a workspace step is already open on this thread");
        CURRENT.set(this);
        return step;
    }

    /** An array of n floats for an op's output: with stale values inside a step (the op writes them all), else new. */
    public static float[] floats(int n) {
        Workspace w = CURRENT.get();
        if (w == null || n < MIN_LENGTH) return new float[n];
        ArrayDeque<float[]> spares = w.spareFloats.get(n);
        float[] a = spares == null || spares.isEmpty() ? new float[n] : spares.pop();
        w.lentFloats.add(a);
        return a;
    }

    /** {@link #floats} for ints (max pooling's indices). */
    public static int[] ints(int n) {
        Workspace w = CURRENT.get();
        if (w == null || n < MIN_LENGTH) return new int[n];
        ArrayDeque<int[]> spares = w.spareInts.get(n);
        int[] a = spares == null || spares.isEmpty() ? new int[n] : spares.pop();
        w.lentInts.add(a);
        return a;
    }
}
