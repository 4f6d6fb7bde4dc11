package jgrad.autograd;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

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

    private final Arrays<float[]> floats = new Arrays<>();
    private final Arrays<int[]> ints = new Arrays<>();
    private final Step step = new Step();

    /** One step: {@link #close} hands every array taken since {@link #enter} back to the workspace. */
    public final class Step implements AutoCloseable {
        private Step() {}

        @Override
        public void close() {
            if (CURRENT.get() != Workspace.this) throw new IllegalStateException("the workspace's step was closed on a thread that did not enter it");
            CURRENT.remove();
            floats.giveBack();
            ints.giveBack();
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
        return w == null || n < MIN_LENGTH ? new float[n] : w.floats.take(n, float[]::new);
    }

    /** {@link #floats} for ints (max pooling's indices). */
    public static int[] ints(int n) {
        Workspace w = CURRENT.get();
        return w == null || n < MIN_LENGTH ? new int[n] : w.ints.take(n, int[]::new);
    }

    /** The arrays of one element type: the spare ones by length, and those lent out during the step. */
    private static final class Arrays<T> {
        private final Map<Integer, ArrayDeque<T>> spare = new HashMap<>();
        private final List<T> lent = new ArrayList<>();

        T take(int n, IntFunction<T> make) {
            ArrayDeque<T> s = spare.get(n);
            T a = s == null || s.isEmpty() ? make.apply(n) : s.pop();
            lent.add(a);
            return a;
        }

        void giveBack() {
            for (T a : lent) spare.computeIfAbsent(Array.getLength(a), n -> new ArrayDeque<>()).push(a);
            lent.clear();
        }
    }
}
