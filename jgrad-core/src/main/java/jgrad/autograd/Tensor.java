package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.Format;
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
 * <p>This class holds the data, the shape and the gradient state, and its methods are the fluent,
 * PyTorch-like spelling of the ops ({@code x.relu()}). The ops themselves live in their families,
 * each forward with its backward right below it: {@link Pointwise}, {@link Reductions},
 * {@link Movement}, {@link LinearAlgebra}, {@link Normalization} and {@link LossOps}. The
 * {@link Tape} records them and runs the backward pass. The package description says how to add an op.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
 * Tensor y = x.mul(x).sum();       // y = Σ x²
 * y.backward();
 * x.grad();                         // tensor([2., 4., 6.])
 * }</pre>
 */
public class Tensor {
    final float[] data;
    final int[] shape;
    boolean requiresGrad;
    boolean leaf = true;
    boolean retainGrad;
    /** {@link #zeroGrad} ran since the last write: {@code grad}'s array is kept but logically all zeros. */
    boolean gradZeroed;
    Tensor grad;
    Tensor retained;
    Tensor[] inputs;
    Tape.Backward backward;
    String gradFn;
    boolean freed;
    /** Bumped by in-place changes to {@link #data()} ({@link #bumpVersion()}); see {@link Tape#record}. */
    int version;
    int[] savedVersions;

    Tensor(float[] data, int[] shape) {
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
     * written lazily: the next backward assigns its gradient instead of adding it ({@link Tape.GradWrite}).
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

    // ---------------------------------------------------------------- gradients

    /**
     * Writes this tensor's share of a backward pass into its gradient, as {@link Tape.GradWrite}
     * says (assign or add); nothing happens when it does not require grad. Every backward writes
     * its inputs' gradients this way.
     */
    public void writeGrad(Tape.GradWrite w) {
        Tape.writeGrad(this, w);
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
        Tape.backward(this, gradient, retainGraph);
    }

    // ---------------------------------------------------------------- ops: pointwise (Pointwise)

    /** {@code this + other}, broadcasting. */
    public Tensor add(Tensor other) { return Pointwise.add(this, other); }
    /** {@code this - other}, broadcasting. */
    public Tensor sub(Tensor other) { return Pointwise.sub(this, other); }
    /** {@code this * other} element-wise, broadcasting. */
    public Tensor mul(Tensor other) { return Pointwise.mul(this, other); }
    /** {@code this / other} element-wise, broadcasting. */
    public Tensor div(Tensor other) { return Pointwise.div(this, other); }
    public Tensor add(float c) { return Pointwise.add(this, c); }
    public Tensor sub(float c) { return Pointwise.sub(this, c); }
    /** {@code c - this}, PyTorch's {@code rsub}. */
    public Tensor rsub(float c) { return neg().add(c); }
    public Tensor mul(float c) { return Pointwise.mul(this, c); }
    public Tensor div(float c) { return Pointwise.div(this, c); }
    public Tensor neg() { return mul(-1f); }
    public Tensor exp() { return Pointwise.exp(this); }
    public Tensor log() { return Pointwise.log(this); }
    public Tensor pow(float p) { return Pointwise.pow(this, p); }
    public Tensor sqrt() { return Pointwise.sqrt(this); }
    public Tensor abs() { return Pointwise.abs(this); }
    public Tensor clamp(float lo, float hi) { return Pointwise.clamp(this, lo, hi); }
    public Tensor relu() { return Pointwise.relu(this); }
    public Tensor leakyRelu(float negativeSlope) { return Pointwise.leakyRelu(this, negativeSlope); }
    public Tensor sigmoid() { return Pointwise.sigmoid(this); }
    public Tensor tanh() { return Pointwise.tanh(this); }
    /** {@code mask ? a : b} element-wise, broadcasting all three; the mask is not differentiated. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) { return Pointwise.where(mask, a, b); }
    /** 1 where {@code this ≥ c}, else 0: a mask for {@link #where}. Not differentiable. */
    public Tensor ge(float c) { return Pointwise.ge(this, c); }

    // ---------------------------------------------------------------- ops: reductions (Reductions)

    /** Σ of all elements, as a rank-0 tensor. */
    public Tensor sum() { return Reductions.sum(this); }
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, dim, keepdim); }
    public Tensor sum(int dim) { return sum(dim, false); }
    public Tensor mean() { return sum().div(data.length); }
    public Tensor mean(int dim, boolean keepdim) { return sum(dim, keepdim).div(shape[Shapes.dim(dim, shape.length)]); }
    public Tensor mean(int dim) { return mean(dim, false); }
    /** Variance over {@code dim}, {@code ÷(n-1)} when {@code unbiased} (PyTorch's default), else {@code ÷n}. */
    public Tensor var(int dim, boolean unbiased, boolean keepdim) { return Reductions.var(this, dim, unbiased, keepdim); }
    /** Max over {@code dim} and its indices, like {@code torch.max(x, dim)}. */
    public Reductions.ValuesIndices max(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim); }
    /** Maximum of all elements; the gradient goes to the first maximal element. */
    public Tensor max() { return reshape(-1).max(0, false).values(); }
    /** Index of the maximum along {@code dim} (first one on ties). */
    public Tensor argmax(int dim) { return max(dim, false).indices(); }
    public Tensor logSoftmax(int dim) { return Reductions.logSoftmax(this, dim); }
    /** {@code eˣ / Σ eˣ} along {@code dim}, composed as {@code exp(logSoftmax(x))}. */
    public Tensor softmax(int dim) { return logSoftmax(dim).exp(); }

    // ---------------------------------------------------------------- ops: movement (Movement)

    /** The same data with a new shape (one dimension may be -1, inferred). Shares storage. */
    public Tensor reshape(int... newShape) { return Movement.reshape(this, newShape); }
    /** Alias of {@link #reshape}: storage is always contiguous, so every reshape is a view. */
    public Tensor view(int... newShape) { return reshape(newShape); }
    public Tensor flatten(int startDim) { return Movement.flatten(this, startDim); }
    public Tensor transpose(int d0, int d1) { return Movement.transpose(this, d0, d1); }
    public Tensor permute(int... dims) { return Movement.permute(this, dims); }
    /** The transpose of a 2-d tensor, {@code x.T}. */
    public Tensor t() { return Movement.t(this); }
    public Tensor indexSelect(int dim, int[] index) { return Movement.indexSelect(this, dim, index); }

    // ---------------------------------------------------------------- ops: linear algebra (LinearAlgebra)

    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }
}
