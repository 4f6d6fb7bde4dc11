package jgrad.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jgrad.tensor.Shapes;

/**
 * The tape: how an op records itself ({@link #record}, PyTorch's {@code Function}), how a backward
 * writes an input's gradient ({@link Tensor#writeGrad}), and the backward pass itself: reverse
 * topological order, in-place-modification checks and the reuse of gradient arrays.
 *
 * <p>A recorded tensor keeps its inputs, the version each input had when it was recorded, and its
 * {@link Backward}. {@link Tensor#backward} walks the graph from the root: each non-leaf's gradient
 * is complete once every tensor that used it has run its backward, so the reverse of a depth-first
 * post-order is a valid schedule.
 */
public final class Tape {
    private Tape() {}

    /**
     * The backward of one op: given dL/d(output), write dL/d(input) into each input with
     * {@link Tensor#writeGrad}. {@code gradOut} is the tape's own array, used by nothing after the
     * call, so the function may overwrite it (a fused activation turns it into the gradient of its
     * input in place); like every gradient array it is valid during the call only.
     */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] gradOut);
    }

    /**
     * One input's gradient, written by a backward into {@code grad}: assigned ({@code =}) when
     * {@code accumulate} is false, since the array may then hold stale values, else added ({@code +=}).
     * The tape chooses: the first contribution after {@link Tensor#zeroGrad} or to a fresh gradient
     * assigns, which saves filling zeros and reading them back.
     */
    @FunctionalInterface
    public interface GradWrite {
        void into(float[] grad, boolean accumulate);
    }

    /**
     * Builds an op's output tensor: when grad mode is on and any input requires grad, the output
     * records {@code backward}, its inputs and their versions. This is the one way to add a primitive.
     *
     * @param gradFn  PyTorch's name for the backward node, e.g. {@code "MulBackward0"}
     * @param data    the output values (owned by the result from now on)
     * @param shape   the output shape
     * @param inputs  the tensors {@code backward} writes gradients into; null entries are allowed
     */
    public static Tensor record(String gradFn, float[] data, int[] shape, Backward backward, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (!GradMode.enabled()) return out;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad) {
                out.requiresGrad = true;
                out.leaf = false;
                out.inputs = inputs;
                out.backward = backward;
                out.gradFn = gradFn;
                out.savedVersions = new int[inputs.length];
                for (int i = 0; i < inputs.length; i++) if (inputs[i] != null) out.savedVersions[i] = inputs[i].version;
                return out;
            }
        }
        return out;
    }

    /** {@code dst = src} or {@code dst += src}: the gradient of an op that passes its gradient through unchanged. */
    public static void copyInto(float[] src, float[] dst, boolean accumulate) {
        if (!accumulate) System.arraycopy(src, 0, dst, 0, src.length);
        else for (int i = 0; i < src.length; i++) dst[i] += src[i];
    }

    /** The {@link Tensor#writeGrad} protocol: a gradient array for {@code t}, and whether to add into it. */
    static void writeGrad(Tensor t, GradWrite w) {
        if (!t.requiresGrad) return;
        boolean assign = t.grad == null || t.gradZeroed;
        if (t.grad == null) t.grad = new Tensor(newGradArray(t), t.shape);
        t.gradZeroed = false;
        w.into(t.grad.data, !assign);
    }

    /** Runs the recorded backward functions from {@code root} in reverse topological order. */
    static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (root.freed) throw freedError();
        if (!root.requiresGrad)
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (!Arrays.equals(gradient.shape, root.shape))
            throw new IllegalArgumentException("backward: gradient has shape " + Shapes.str(gradient.shape)
                    + " but the tensor has shape " + Shapes.str(root.shape));
        List<Tensor> order = topologicalOrder(root);
        root.writeGrad((g, add) -> copyInto(gradient.data, g, add));
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (t.leaf || t.grad == null) continue;
            for (int j = 0; j < t.inputs.length; j++) {
                Tensor in = t.inputs[j];
                if (in != null && in.version != t.savedVersions[j])
                    throw new IllegalStateException("one of the variables needed for gradient computation has been modified "
                            + "in place: a tensor of shape " + Shapes.str(in.shape) + " used by " + t.gradFn + " is at version "
                            + in.version + "; expected version " + t.savedVersions[j] + " (was an optimizer step or "
                            + "loadStateDict run between forward and backward?)");
            }
            // a non-leaf's gradient is this pass's alone; retain_grad() keeps a running sum aside, taken
            // before the backward, which may overwrite the array
            if (t.retainGrad) {
                if (t.retained == null) t.retained = new Tensor(new float[t.data.length], t.shape);
                copyInto(t.grad.data, t.retained.data, true);
            }
            t.backward.apply(t.grad.data);
            recycle(t.grad.data);
            t.grad = null;
            if (!retainGraph) {
                t.backward = null;
                t.inputs = null;
                t.freed = true;
            }
        }
    }

    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        stack.push(root);
        next.push(0);
        seen.put(root, true);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int i = next.pop();
            Tensor[] in = t.inputs;
            if (in != null && i < in.length) {
                next.push(i + 1);
                Tensor c = in[i];
                if (c != null && c.requiresGrad && seen.put(c, true) == null) {
                    if (c.freed) throw freedError();
                    stack.push(c);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    private static IllegalStateException freedError() {
        return new IllegalStateException("Trying to backward through the graph a second time: its saved values were freed "
                + "by the first backward. Call backward(gradient, true) (retainGraph) the first time if you need to.");
    }

    /**
     * Gradient arrays of non-leaf tensors that a backward pass has finished with, by length, for the
     * next pass to reuse: a training step then allocates none, and the arrays it writes are still in
     * cache (fresh ones are not, and zeroing them was a visible part of a step). Nothing outside the
     * tape can hold these arrays: a non-leaf's {@link Tensor#grad()} is a separate copy.
     */
    private static final ThreadLocal<Map<Integer, ArrayDeque<float[]>>> SPARE_GRADS = ThreadLocal.withInitial(HashMap::new);
    /** Arrays kept per length, and the smallest length worth keeping. */
    private static final int SPARES_PER_LENGTH = 8, MIN_SPARE_LENGTH = 1024;

    /** A gradient array for {@code t}, with stale contents; reused when t is a non-leaf. */
    private static float[] newGradArray(Tensor t) {
        int n = t.data.length;
        if (t.leaf || n < MIN_SPARE_LENGTH) return new float[n];
        float[] a = SPARE_GRADS.get().computeIfAbsent(n, k -> new ArrayDeque<>()).poll();
        return a != null ? a : new float[n];
    }

    private static void recycle(float[] a) {
        if (a.length < MIN_SPARE_LENGTH) return;
        ArrayDeque<float[]> spares = SPARE_GRADS.get().computeIfAbsent(a.length, n -> new ArrayDeque<>());
        if (spares.size() < SPARES_PER_LENGTH) spares.push(a);
    }
}
