package jgrad.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jgrad.tensor.Elementwise;
import jgrad.tensor.Format;
import jgrad.tensor.MatMul;
import jgrad.tensor.Rng;
import jgrad.tensor.Shapes;

/**
 * An n-dimensional float32 array that records the ops applied to it, so {@link #backward()} can
 * compute gradients: PyTorch's dynamic tape.
 *
 * <p>Storage is a flat row-major {@code float[]}; {@link #reshape}/{@link #view} share it, other
 * ops produce a new array. Class labels and indices are stored as float32 too (exact below 2²⁴):
 * jgrad has one dtype.
 *
 * <p>Each differentiable op below is a forward followed right under it by its backward, which adds
 * (+=) its contribution into each input's gradient. New primitives can be written the same way from
 * outside this class with {@link #result} and {@link #gradBuffer()}.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
 * Tensor y = x.mul(x).sum();       // y = Σ x²
 * y.backward();
 * x.grad();                         // tensor([2., 4., 6.])
 * }</pre>
 */
public class Tensor {
    /**
     * The backward of one op: given dL/d(output), add dL/d(input) into each input's gradient. The
     * arrays it is given or gets from {@link #gradBuffer()} are valid during the call only: the tape
     * reuses non-leaf gradient arrays once their pass is done. {@code gradOut} is the tape's own
     * array, used by nothing after the call, so the function may overwrite it (a fused activation
     * turns it into the gradient of its input in place).
     */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] gradOut);
    }

    private final float[] data;
    private final int[] shape;
    private boolean requiresGrad;
    private boolean leaf = true;
    private boolean retainGrad;
    /** {@link #zeroGrad} ran since the last write: {@code grad}'s array is kept but logically all zeros. */
    private boolean gradZeroed;
    private Tensor grad;
    private Tensor retained;
    private Tensor[] inputs;
    private Backward backward;
    private String gradFn;
    private boolean freed;
    /** Bumped by in-place changes to {@link #data()} ({@link #bumpVersion()}); see {@link #result}. */
    private int version;
    private int[] savedVersions;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A new leaf sharing {@code source}'s storage; for subclasses such as {@code nn.Parameter}. */
    protected Tensor(Tensor source) {
        this(source.data, source.shape);
    }

    // ---------------------------------------------------------------- creation

    /** Wraps {@code data} (not copied) as a tensor of {@code shape}. */
    public static Tensor of(float[] data, int... shape) {
        int n = Shapes.numel(shape);
        if (n != data.length)
            throw new IllegalArgumentException("shape " + Shapes.str(shape) + " needs " + n + " elements, got " + data.length);
        return new Tensor(data, shape.clone());
    }

    /** A 1-d tensor of the given values: {@code Tensor.of(1, 2, 3)}. */
    public static Tensor of(float... values) {
        return new Tensor(values.clone(), new int[]{values.length});
    }

    /** A 2-d tensor from rows, like {@code torch.tensor([[...], [...]])}. */
    public static Tensor of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] d = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols)
                throw new IllegalArgumentException("ragged rows: row 0 has " + cols + " values, row " + i + " has " + rows[i].length);
            System.arraycopy(rows[i], 0, d, i * cols, cols);
        }
        return new Tensor(d, new int[]{rows.length, cols});
    }

    /** A rank-0 tensor holding {@code v}. */
    public static Tensor scalar(float v) {
        return new Tensor(new float[]{v}, new int[0]);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shapes.numel(shape)], shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape.clone());
    }

    /** {@code [start, start+step, ...)} up to but excluding {@code end}, like {@code torch.arange}. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || (end - start) / step < 0)
            throw new IllegalArgumentException("arange: step " + step + " cannot reach " + end + " from " + start);
        int n = (int) Math.ceil((end - start) / step);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return new Tensor(d, new int[]{n});
    }

    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    /** Uniform on [0, 1) from {@code rng}. */
    public static Tensor rand(Rng rng, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.uniform();
        return new Tensor(d, shape.clone());
    }

    /** Standard normal from {@code rng}. */
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.normal();
        return new Tensor(d, shape.clone());
    }

    // ---------------------------------------------------------------- accessors

    /** The backing row-major array (shared, not a copy). */
    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    /** Size of dimension {@code d}; negative counts from the end. */
    public int size(int d) {
        return shape[Shapes.dim(d, shape.length)];
    }

    public int numel() {
        return data.length;
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (data.length != 1)
            throw new IllegalStateException("a Tensor with " + data.length + " elements cannot be converted to a scalar");
        return data[0];
    }

    /** The element at {@code index} (one index per dimension). */
    public float get(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of shape " + Shapes.str(shape));
        int off = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d])
                throw new IndexOutOfBoundsException("index " + index[d] + " is out of bounds for dimension " + d + " with size " + shape[d]);
            off = off * shape[d] + index[d];
        }
        return data[off];
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as a variable whose gradient {@link #backward()} should compute. */
    public Tensor requiresGrad(boolean value) {
        if (!leaf)
            throw new IllegalStateException("requiresGrad can only be changed on leaf tensors; use detach() for a non-leaf (" + gradFn + ")");
        requiresGrad = value;
        return this;
    }

    /** True for tensors created by the user rather than by a recorded op. */
    public boolean isLeaf() {
        return leaf;
    }

    /** dL/d(this) accumulated by backward passes, or null before the first one. */
    public Tensor grad() {
        if (!leaf) return retained;
        if (gradZeroed) fillZeroedGrad();
        return grad;
    }

    /** Keeps this non-leaf tensor's gradient after backward, like {@code retain_grad()}. */
    public Tensor retainGrad() {
        retainGrad = true;
        return this;
    }

    /**
     * Sets the gradient to zero, keeping its buffer so training steps do not allocate. The zeros are
     * written lazily: a backward that assigns the whole gradient (see {@link #gradIsZero}) skips them.
     */
    public void zeroGrad() {
        if (grad != null) gradZeroed = true;
    }

    /** Drops the gradient buffer, like {@code zero_grad(set_to_none=True)}. */
    public void clearGrad() {
        grad = null;
        gradZeroed = false;
    }

    private void fillZeroedGrad() {
        Arrays.fill(grad.data, 0f);
        gradZeroed = false;
    }

    /**
     * Records that {@link #data()} was changed in place (an optimizer step, a loaded state dict). A
     * backward that needs the old values then fails, as PyTorch's does, instead of silently using
     * the new ones.
     */
    public void bumpVersion() {
        version++;
    }

    /** The name of the op that made this tensor, like PyTorch's {@code grad_fn}, or null for a leaf. */
    public String gradFn() {
        return gradFn;
    }

    /** The same data, cut from the graph. */
    public Tensor detach() {
        return new Tensor(data, shape);
    }

    /** A copy of the data, as a new leaf tensor. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape);
    }

    @Override
    public String toString() {
        String suffix = gradFn != null ? "grad_fn=<" + gradFn + ">" : requiresGrad ? "requires_grad=True" : null;
        return Format.tensor(data, shape, suffix);
    }

    // ---------------------------------------------------------------- the tape

    /**
     * Builds an op's output: when grad mode is on and any input requires grad, the output records
     * {@code backward} and its inputs. This is the extension point for new primitives.
     */
    public static Tensor result(String gradFn, float[] data, int[] shape, Backward backward, Tensor... inputs) {
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

    /**
     * The gradient array to add into (+=), created as zeros on first use; null if this tensor does
     * not require grad, so a backward can skip work for it.
     */
    public float[] gradBuffer() {
        if (!requiresGrad) return null;
        if (grad == null) grad = new Tensor(newGradArray(true), shape);
        else if (gradZeroed) fillZeroedGrad();
        return grad.data;
    }

    /**
     * True when this tensor requires grad and its gradient is still zero (none yet, or
     * {@link #zeroGrad} since): a backward may then assign its contribution with {@code =} into
     * {@link #gradBufferToOverwrite()} rather than add it, saving a fill and a read of zeros.
     */
    public boolean gradIsZero() {
        return requiresGrad && (grad == null || gradZeroed);
    }

    /**
     * The gradient array for a backward that writes every element: when {@link #gradIsZero()} was true
     * it may hold stale values, which the caller must overwrite ({@code =}), else it must add
     * ({@code +=}). Null if this tensor does not require grad.
     */
    public float[] gradBufferToOverwrite() {
        if (!requiresGrad) return null;
        if (grad == null) grad = new Tensor(newGradArray(false), shape);
        gradZeroed = false;
        return grad.data;
    }

    /**
     * Gradient arrays of non-leaf tensors that a backward pass has finished with, by length, for the
     * next pass to reuse: a training step then allocates none, and the arrays it writes are still in
     * cache (fresh ones are not, and zeroing them was a visible part of a step). Nothing outside the
     * tape can hold these arrays: a non-leaf's {@link #grad()} is a separate copy.
     */
    private static final ThreadLocal<Map<Integer, ArrayDeque<float[]>>> SPARE_GRADS = ThreadLocal.withInitial(java.util.HashMap::new);
    /** Arrays kept per length, and the smallest length worth keeping. */
    private static final int SPARES_PER_LENGTH = 8, MIN_SPARE_LENGTH = 1024;

    /** A gradient array for this tensor, zero-filled if {@code zeroed}; reused when this is a non-leaf. */
    private float[] newGradArray(boolean zeroed) {
        if (leaf || data.length < MIN_SPARE_LENGTH) return new float[data.length];
        float[] a = SPARE_GRADS.get().computeIfAbsent(data.length, n -> new ArrayDeque<>()).poll();
        if (a == null) return new float[data.length];
        if (zeroed) Arrays.fill(a, 0f);
        return a;
    }

    private static void recycleGradArray(float[] a) {
        if (a.length < MIN_SPARE_LENGTH) return;
        ArrayDeque<float[]> spares = SPARE_GRADS.get().computeIfAbsent(a.length, n -> new ArrayDeque<>());
        if (spares.size() < SPARES_PER_LENGTH) spares.push(a);
    }

    /** Adds {@code g} (same shape as this tensor) into the gradient. */
    public void accumulateGrad(float[] g) {
        float[] dst = gradBuffer();
        if (dst == null) return;
        for (int i = 0; i < g.length; i++) dst[i] += g[i];
    }

    /** Backward from a one-element tensor, with dL/dL = 1. */
    public void backward() {
        if (data.length != 1)
            throw new IllegalStateException("grad can be implicitly created only for scalar outputs, but this tensor has shape "
                    + Shapes.str(shape) + "; pass the upstream gradient: backward(gradient)");
        backward(Tensor.ones(shape), false);
    }

    /** Backward with an upstream gradient dL/d(this) of this tensor's shape. */
    public void backward(Tensor gradient) {
        backward(gradient, false);
    }

    /**
     * Runs the recorded backward functions in reverse topological order. Unless {@code retainGraph},
     * the graph is freed as it is used, and a second backward through it is an error.
     */
    public void backward(Tensor gradient, boolean retainGraph) {
        if (freed) throw freedError();
        if (!requiresGrad)
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (!Arrays.equals(gradient.shape, shape))
            throw new IllegalArgumentException("backward: gradient has shape " + Shapes.str(gradient.shape)
                    + " but the tensor has shape " + Shapes.str(shape));
        List<Tensor> order = topologicalOrder();
        accumulateGrad(gradient.data);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (t.leaf) continue;
            if (t.grad == null) continue;
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
                for (int j = 0; j < t.data.length; j++) t.retained.data[j] += t.grad.data[j];
            }
            t.backward.apply(t.grad.data);
            recycleGradArray(t.grad.data);
            t.grad = null;
            if (!retainGraph) {
                t.backward = null;
                t.inputs = null;
                t.freed = true;
            }
        }
    }

    private List<Tensor> topologicalOrder() {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        stack.push(this);
        next.push(0);
        seen.put(this, true);
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

    // ---------------------------------------------------------------- element-wise, broadcasting

    private float[] expandTo(int[] s) {
        return Arrays.equals(shape, s) ? data : Shapes.expand(data, shape, s);
    }

    private void accumulateBroadcast(float[] g, int[] from) {
        if (requiresGrad) accumulateGrad(Shapes.sumTo(g, from, shape));
    }

    /** {@code this + other}, broadcasting. */
    public Tensor add(Tensor other) {
        int[] s = Shapes.broadcast(shape, other.shape);
        float[] x = expandTo(s), y = other.expandTo(s), out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = x[i] + y[i];
        return result("AddBackward0", out, s, g -> {
            accumulateBroadcast(g, s);
            other.accumulateBroadcast(g, s);
        }, this, other);
    }

    /** {@code this - other}, broadcasting. */
    public Tensor sub(Tensor other) {
        int[] s = Shapes.broadcast(shape, other.shape);
        float[] x = expandTo(s), y = other.expandTo(s), out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = x[i] - y[i];
        return result("SubBackward0", out, s, g -> {
            accumulateBroadcast(g, s);
            if (other.requiresGrad) {
                float[] n = new float[g.length];
                for (int i = 0; i < g.length; i++) n[i] = -g[i];
                other.accumulateBroadcast(n, s);
            }
        }, this, other);
    }

    /** {@code this * other} element-wise, broadcasting. */
    public Tensor mul(Tensor other) {
        int[] s = Shapes.broadcast(shape, other.shape);
        float[] x = expandTo(s), y = other.expandTo(s), out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = x[i] * y[i];
        return result("MulBackward0", out, s, g -> {
            if (requiresGrad) {
                float[] gx = new float[g.length];
                for (int i = 0; i < g.length; i++) gx[i] = g[i] * y[i];
                accumulateBroadcast(gx, s);
            }
            if (other.requiresGrad) {
                float[] gy = new float[g.length];
                for (int i = 0; i < g.length; i++) gy[i] = g[i] * x[i];
                other.accumulateBroadcast(gy, s);
            }
        }, this, other);
    }

    /** {@code this / other} element-wise, broadcasting. */
    public Tensor div(Tensor other) {
        int[] s = Shapes.broadcast(shape, other.shape);
        float[] x = expandTo(s), y = other.expandTo(s), out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = x[i] / y[i];
        return result("DivBackward0", out, s, g -> {
            if (requiresGrad) {
                float[] gx = new float[g.length];
                for (int i = 0; i < g.length; i++) gx[i] = g[i] / y[i];
                accumulateBroadcast(gx, s);
            }
            if (other.requiresGrad) {
                // d(x/y)/dy = -x/y² = -out/y
                float[] gy = new float[g.length];
                for (int i = 0; i < g.length; i++) gy[i] = -g[i] * x[i] / (y[i] * y[i]);
                other.accumulateBroadcast(gy, s);
            }
        }, this, other);
    }

    /** {@code this + c}. */
    public Tensor add(float c) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] + c;
        return result("AddBackward1", out, shape, this::accumulateGrad, this);
    }

    /** {@code this - c}. */
    public Tensor sub(float c) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] - c;
        return result("SubBackward1", out, shape, this::accumulateGrad, this);
    }

    /** {@code c - this}, PyTorch's {@code rsub}. */
    public Tensor rsub(float c) {
        return neg().add(c);
    }

    /** {@code this * c}. */
    public Tensor mul(float c) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] * c;
        return result("MulBackward1", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] * c;
        }, this);
    }

    /** {@code this / c}. */
    public Tensor div(float c) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] / c;
        return result("DivBackward1", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] / c;
        }, this);
    }

    /** {@code -this}. */
    public Tensor neg() {
        return mul(-1f);
    }

    // ---------------------------------------------------------------- element-wise, unary

    /** {@code eˣ}. */
    public Tensor exp() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) Math.exp(data[i]);
        return result("ExpBackward0", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] * out[i];
        }, this);
    }

    /** Natural logarithm; {@code -inf} at 0 and NaN below, as in PyTorch. */
    public Tensor log() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) Math.log(data[i]);
        return result("LogBackward0", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] / data[i];
        }, this);
    }

    /** {@code xᵖ} for a constant exponent; the gradient is {@code p·xᵖ⁻¹}, and 0 for p = 0. */
    public Tensor pow(float p) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = p == 2f ? data[i] * data[i] : (float) Math.pow(data[i], p);
        return result("PowBackward0", out, shape, g -> {
            if (p == 0f) return;
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++)
                dx[i] += g[i] * (p == 2f ? 2f * data[i] : p * (float) Math.pow(data[i], p - 1));
        }, this);
    }

    /** {@code √x}. */
    public Tensor sqrt() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) Math.sqrt(data[i]);
        return result("SqrtBackward0", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] / (2f * out[i]);
        }, this);
    }

    /** {@code |x|}; the gradient is sign(x), 0 at 0. */
    public Tensor abs() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = Math.abs(data[i]);
        return result("AbsBackward0", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] * Math.signum(data[i]);
        }, this);
    }

    /** {@code min(max(x, lo), hi)}; the gradient passes where lo ≤ x ≤ hi, as in PyTorch. */
    public Tensor clamp(float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: min " + lo + " is greater than max " + hi);
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = Math.min(Math.max(data[i], lo), hi);
        return result("ClampBackward1", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) if (data[i] >= lo && data[i] <= hi) dx[i] += g[i];
        }, this);
    }

    /** {@code max(x, 0)}; the gradient is 1 where the output is positive, 0 elsewhere (0 at x = 0, as in PyTorch). */
    public Tensor relu() {
        float[] out = new float[data.length];
        Elementwise.activation(data, 0f, out, out.length);
        return result("ReluBackward0", out, shape, g -> Elementwise.activationBackward(out, 0f, g, gradBuffer(), g.length, true), this);
    }

    /** {@code x if x > 0 else slope·x}; the gradient is 1 for x > 0 and slope otherwise. */
    public Tensor leakyRelu(float slope) {
        float[] out = new float[data.length];
        Elementwise.activation(data, slope, out, out.length);
        return result("LeakyReluBackward0", out, shape, g -> Elementwise.activationBackward(data, slope, g, gradBuffer(), g.length, true), this);
    }

    /** {@code σ(x) = 1/(1+e⁻ˣ)}; the gradient is σ(x)(1-σ(x)). */
    public Tensor sigmoid() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (1.0 / (1.0 + Math.exp(-data[i])));
        return result("SigmoidBackward0", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] * out[i] * (1f - out[i]);
        }, this);
    }

    /** {@code tanh(x)}; the gradient is 1 - tanh²(x). */
    public Tensor tanh() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) Math.tanh(data[i]);
        return result("TanhBackward0", out, shape, g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] * (1f - out[i] * out[i]);
        }, this);
    }

    /**
     * {@code mask ? a : b} element-wise, broadcasting all three; {@code mask} is true where nonzero and
     * is not differentiated.
     */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] s = Shapes.broadcast(Shapes.broadcast(mask.shape, a.shape), b.shape);
        float[] m = mask.expandTo(s), x = a.expandTo(s), y = b.expandTo(s), out = new float[m.length];
        for (int i = 0; i < out.length; i++) out[i] = m[i] != 0f ? x[i] : y[i];
        return result("WhereBackward0", out, s, g -> {
            if (a.requiresGrad) {
                float[] ga = new float[g.length];
                for (int i = 0; i < g.length; i++) if (m[i] != 0f) ga[i] = g[i];
                a.accumulateBroadcast(ga, s);
            }
            if (b.requiresGrad) {
                float[] gb = new float[g.length];
                for (int i = 0; i < g.length; i++) if (m[i] == 0f) gb[i] = g[i];
                b.accumulateBroadcast(gb, s);
            }
        }, mask, a, b);
    }

    /** 1 where {@code this ≥ c}, else 0: a mask for {@link #where}. Not differentiable. */
    public Tensor ge(float c) {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] >= c ? 1f : 0f;
        return new Tensor(out, shape);
    }

    // ---------------------------------------------------------------- reductions

    /** Σ of all elements, as a rank-0 tensor. */
    public Tensor sum() {
        double s = 0;
        for (float v : data) s += v;
        return result("SumBackward0", new float[]{(float) s}, new int[0], g -> {
            float[] dx = gradBuffer();
            for (int i = 0; i < dx.length; i++) dx[i] += g[0];
        }, this);
    }

    /** Σ over dimension {@code dim}; kept as size 1 when {@code keepdim}. */
    public Tensor sum(int dim, boolean keepdim) {
        int d = Shapes.dim(dim, shape.length);
        int outer = Shapes.outer(shape, d), n = shape[d], inner = Shapes.inner(shape, d);
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < n; k++) {
                int src = (o * n + k) * inner, dst = o * inner;
                for (int i = 0; i < inner; i++) out[dst + i] += data[src + i];
            }
        return result("SumBackward1", out, Shapes.reduced(shape, d, keepdim), g -> {
            float[] dx = gradBuffer();
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < n; k++) {
                    int dst = (o * n + k) * inner, src = o * inner;
                    for (int i = 0; i < inner; i++) dx[dst + i] += g[src + i];
                }
        }, this);
    }

    public Tensor sum(int dim) {
        return sum(dim, false);
    }

    /** Mean of all elements. */
    public Tensor mean() {
        return sum().div(data.length);
    }

    /** Mean over dimension {@code dim}. */
    public Tensor mean(int dim, boolean keepdim) {
        return sum(dim, keepdim).div(shape[Shapes.dim(dim, shape.length)]);
    }

    public Tensor mean(int dim) {
        return mean(dim, false);
    }

    /**
     * Variance over {@code dim}: {@code Σ(x - mean)² / (n - 1)} when {@code unbiased} (Bessel's
     * correction, PyTorch's default), else {@code / n}.
     */
    public Tensor var(int dim, boolean unbiased, boolean keepdim) {
        int n = shape[Shapes.dim(dim, shape.length)];
        Tensor centred = sub(mean(dim, true));
        return centred.mul(centred).sum(dim, keepdim).div(unbiased ? n - 1 : n);
    }

    /** Maximum values along {@code dim} and their indices; the gradient flows to the (first) maximal element. */
    public record ValuesIndices(Tensor values, Tensor indices) {}

    /** Max over {@code dim}, like {@code torch.max(x, dim)}. */
    public ValuesIndices max(int dim, boolean keepdim) {
        int d = Shapes.dim(dim, shape.length);
        int outer = Shapes.outer(shape, d), n = shape[d], inner = Shapes.inner(shape, d);
        if (n == 0) throw new IllegalArgumentException("max(): cannot reduce over a zero-size dimension " + d + " of shape " + Shapes.str(shape));
        float[] out = new float[outer * inner], idx = new float[outer * inner];
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float bv = data[o * n * inner + i];
                for (int k = 1; k < n; k++) {
                    float v = data[(o * n + k) * inner + i];
                    if (v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) {
                        bv = v;
                        best = k;
                    }
                }
                out[o * inner + i] = bv;
                arg[o * inner + i] = best;
                idx[o * inner + i] = best;
            }
        int[] s = Shapes.reduced(shape, d, keepdim);
        Tensor values = result("MaxBackward0", out, s, g -> {
            float[] dx = gradBuffer();
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) dx[(o * n + arg[o * inner + i]) * inner + i] += g[o * inner + i];
        }, this);
        return new ValuesIndices(values, new Tensor(idx, s));
    }

    /** Maximum of all elements; the gradient goes to the first maximal element. */
    public Tensor max() {
        return reshape(-1).max(0, false).values();
    }

    /** Index of the maximum along {@code dim} (first one on ties). */
    public Tensor argmax(int dim) {
        return max(dim, false).indices();
    }

    /** {@code log(softmax(x))} along {@code dim}, computed stably as {@code x - max - log Σ exp(x - max)}. */
    public Tensor logSoftmax(int dim) {
        int d = Shapes.dim(dim, shape.length);
        int outer = Shapes.outer(shape, d), n = shape[d], inner = Shapes.inner(shape, d);
        float[] out = new float[data.length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, data[base + k * inner]);
                double s = 0;
                for (int k = 0; k < n; k++) s += Math.exp(data[base + k * inner] - m);
                // (x - max) - log Σ, in that order: folding max into one float first loses digits when max is large
                float logSum = (float) Math.log(s);
                for (int k = 0; k < n; k++) out[base + k * inner] = (data[base + k * inner] - m) - logSum;
            }
        return result("LogSoftmaxBackward0", out, shape, g -> {
            // in the forward pass this was y = x - lse(x); dx = g - softmax(x)·Σg
            float[] dx = gradBuffer();
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    int base = o * n * inner + i;
                    double gs = 0;
                    for (int k = 0; k < n; k++) gs += g[base + k * inner];
                    for (int k = 0; k < n; k++) {
                        int j = base + k * inner;
                        dx[j] += g[j] - (float) Math.exp(out[j]) * (float) gs;
                    }
                }
        }, this);
    }

    /** {@code eˣ / Σ eˣ} along {@code dim}, composed as {@code exp(logSoftmax(x))}. */
    public Tensor softmax(int dim) {
        return logSoftmax(dim).exp();
    }

    // ---------------------------------------------------------------- shape

    /** The same data with a new shape (one dimension may be -1, inferred). Shares storage. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one dimension can be inferred in shape " + Shapes.str(newShape));
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0) {
            if (known == 0 || data.length % known != 0)
                throw new IllegalArgumentException("shape " + Shapes.str(newShape) + " is invalid for input of size " + data.length);
            s[infer] = data.length / known;
        }
        if (Shapes.numel(s) != data.length)
            throw new IllegalArgumentException("shape " + Shapes.str(newShape) + " is invalid for input of size " + data.length
                    + " (shape " + Shapes.str(shape) + ")");
        return result("ViewBackward0", data, s, this::accumulateGrad, this);
    }

    /** Alias of {@link #reshape}: storage is always contiguous, so every reshape is a view. */
    public Tensor view(int... newShape) {
        return reshape(newShape);
    }

    /** Collapses dimensions from {@code startDim} to the end into one, like {@code torch.flatten(x, startDim)}. */
    public Tensor flatten(int startDim) {
        int d = Shapes.dim(startDim, shape.length);
        int[] s = Arrays.copyOf(shape, d + 1);
        s[d] = Shapes.inner(shape, d) * shape[d];
        return reshape(s);
    }

    /** Swaps dimensions {@code d0} and {@code d1} (copies the data). */
    public Tensor transpose(int d0, int d1) {
        int a = Shapes.dim(d0, shape.length), b = Shapes.dim(d1, shape.length);
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        int[] s = shape.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        float[] out = permute(data, shape, perm);
        return result("TransposeBackward0", out, s, g -> accumulateGrad(permute(g, s, perm)), this);
    }

    /** The transpose of a 2-d tensor, {@code x.T}. */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalArgumentException("t() expects a 2-d tensor, got shape " + Shapes.str(shape));
        return transpose(0, 1);
    }

    private static float[] permute(float[] src, int[] shape, int[] perm) {
        int rank = shape.length;
        float[] out = new float[src.length];
        int[] srcStride = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) {
            srcStride[i] = s;
            s *= shape[i];
        }
        int[] outShape = new int[rank], stride = new int[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = shape[perm[i]];
            stride[i] = srcStride[perm[i]];
        }
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = src[off];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += stride[d];
                if (idx[d] < outShape[d]) break;
                off -= stride[d] * outShape[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** The slices at {@code index} along {@code dim}, like {@code torch.index_select}; the gradient scatters back with +=. */
    public Tensor indexSelect(int dim, int[] index) {
        int d = Shapes.dim(dim, shape.length);
        int outer = Shapes.outer(shape, d), n = shape[d], inner = Shapes.inner(shape, d);
        for (int i : index)
            if (i < 0 || i >= n)
                throw new IndexOutOfBoundsException("index_select: index " + i + " is out of range for dimension " + d
                        + " of size " + n + " (shape " + Shapes.str(shape) + ")");
        int m = index.length;
        float[] out = new float[outer * m * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
                System.arraycopy(data, (o * n + index[k]) * inner, out, (o * m + k) * inner, inner);
        int[] s = shape.clone();
        s[d] = m;
        int[] idx = index.clone();
        return result("IndexSelectBackward0", out, s, g -> {
            float[] dx = gradBuffer();
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < m; k++) {
                    int dst = (o * n + idx[k]) * inner, src = (o * m + k) * inner;
                    for (int i = 0; i < inner; i++) dx[dst + i] += g[src + i];
                }
        }, this);
    }

    // ---------------------------------------------------------------- matmul

    /**
     * Matrix product: [M,K]·[K,N] → [M,N], or batched [B,M,K]·[B,K,N] → [B,M,N] (a 2-d right operand
     * is shared by every batch). Backward: dA = dC·Bᵀ, dB = Aᵀ·dC, without materialising transposes.
     */
    public Tensor matmul(Tensor other) {
        int[] a = shape, b = other.shape;
        boolean ok = (a.length == 2 && b.length == 2 && a[1] == b[0])
                || (a.length == 3 && b.length == 3 && a[0] == b[0] && a[2] == b[1])
                || (a.length == 3 && b.length == 2 && a[2] == b[0]);
        if (!ok) {
            if (a.length == 2 && b.length == 2)
                throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + a[0] + "x" + a[1] + " and " + b[0] + "x" + b[1] + ")");
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a) + " and " + Shapes.str(b) + " cannot be multiplied");
        }
        int batch = a.length == 3 ? a[0] : 1;
        int m = a[a.length - 2], k = a[a.length - 1], n = b[b.length - 1];
        boolean sharedB = b.length == 2;
        float[] out = new float[batch * m * n];
        for (int i = 0; i < batch; i++)
            MatMul.mm(data, i * m * k, false, other.data, sharedB ? 0 : i * k * n, false, out, i * m * n, m, n, k, false);
        int[] s = a.length == 3 ? new int[]{batch, m, n} : new int[]{m, n};
        return result("MmBackward0", out, s, g -> {
            float[] da = gradBuffer(), db = other.gradBuffer();
            for (int i = 0; i < batch; i++) {
                // dA[M,K] += dC[M,N]·B[K,N]ᵀ ; dB[K,N] += A[M,K]ᵀ·dC[M,N]
                if (da != null) MatMul.mm(g, i * m * n, false, other.data, sharedB ? 0 : i * k * n, true, da, i * m * k, m, k, n, true);
                if (db != null) MatMul.mm(data, i * m * k, true, g, i * m * n, false, db, sharedB ? 0 : i * k * n, k, n, m, true);
            }
        }, this, other);
    }
}
