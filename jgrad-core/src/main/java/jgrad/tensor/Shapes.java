package jgrad.tensor;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every op: element counts, broadcasting, and the (outer, n, inner)
 * split that turns a reduction over one dimension of a row-major array into three plain loops.
 */
public final class Shapes {
    private Shapes() {}

    /** Number of elements of {@code shape}; 1 for a scalar (rank 0). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
            // checked at each step: a long product of int sizes could otherwise wrap around (65536⁴ = 2⁶⁴ → 0)
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /**
     * The output size of a sliding window along one dimension, as PyTorch's convolutions and poolings
     * (ceil_mode off) and ONNX's Conv and pools compute it:
     * <pre>  out = ⌊(in + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1</pre>
     * In long, so no size overflows; below 1 when the window (with its padding) does not fit the
     * input. {@code stride} must be positive. For example {@code windowOutput(28, 3, 1, 1, 1) = 28}
     * (a 3×3 "same" convolution) and {@code windowOutput(28, 2, 2, 0, 1) = 14} (2×2 max pooling).
     */
    public static long windowOutput(long in, long kernel, long stride, long pad, long dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    /** PyTorch's spelling of a shape, e.g. {@code [64, 784]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Resolves a possibly negative dimension index against {@code rank}, as PyTorch does. */
    public static int dim(int dim, int rank) {
        if (rank == 0)
            throw new IndexOutOfBoundsException("dimension " + dim + " given for a tensor with no dimensions (a scalar); reshape(1) first");
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank)
            throw new IndexOutOfBoundsException("dimension " + dim + " out of range for a tensor of rank " + rank
                    + " (expected to be in range of [" + (-rank) + ", " + (rank - 1) + "])");
        return d;
    }

    /** Product of the dimensions before {@code dim}. */
    public static int outer(int[] shape, int dim) {
        int n = 1;
        for (int i = 0; i < dim; i++) n *= shape[i];
        return n;
    }

    /** Product of the dimensions after {@code dim}. */
    public static int inner(int[] shape, int dim) {
        int n = 1;
        for (int i = dim + 1; i < shape.length; i++) n *= shape[i];
        return n;
    }

    /** {@code shape} with dimension {@code dim} removed, or set to 1 when {@code keepdim}. */
    public static int[] reduced(int[] shape, int dim, boolean keepdim) {
        if (keepdim) {
            int[] s = shape.clone();
            s[dim] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != dim) s[j++] = shape[i];
        return s;
    }

    /**
     * The shape two operands broadcast to under NumPy/PyTorch rules: align from the right, each pair
     * of sizes equal or one of them 1.
     */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast: size " + da + " vs " + db + " at dimension " + i);
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Copies {@code src} (shape {@code from}) to a new array of the broadcast shape {@code to}. */
    public static float[] expand(float[] src, int[] from, int[] to) {
        float[] out = new float[numel(to)];
        if (src.length == 1) Arrays.fill(out, src[0]);
        else walk(src, out, to, broadcastStrides(from, to), false);
        return out;
    }

    /**
     * The adjoint of {@link #expand}: sums {@code g} (shape {@code from}, the broadcast shape) down to
     * shape {@code to} into {@code out}, assigning or, when {@code accumulate}, adding. This is how a
     * broadcast operand receives its gradient.
     */
    public static void sumTo(float[] g, int[] from, int[] to, float[] out, boolean accumulate) {
        if (Arrays.equals(from, to)) {
            if (!accumulate) System.arraycopy(g, 0, out, 0, g.length);
            else for (int i = 0; i < g.length; i++) out[i] += g[i];
            return;
        }
        if (out.length == 1) {
            double s = 0;
            for (float v : g) s += v;
            out[0] = accumulate ? out[0] + (float) s : (float) s;
            return;
        }
        float[] sum = accumulate ? new float[out.length] : out;
        if (!accumulate) Arrays.fill(out, 0f);
        walk(sum, g, from, broadcastStrides(to, from), true);
        if (accumulate) for (int i = 0; i < out.length; i++) out[i] += sum[i];
    }

    /**
     * Row-major strides of {@code shape} taken in the order {@code perm}: walking the permuted shape
     * with them visits the elements of a permuted tensor.
     */
    public static int[] permutedStrides(int[] shape, int[] perm) {
        int[] stride = new int[shape.length], out = new int[shape.length];
        for (int i = shape.length - 1, s = 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        for (int i = 0; i < perm.length; i++) out[i] = stride[perm[i]];
        return out;
    }

    /**
     * The one strided walk: visits the elements i = 0, 1, … of {@code shape} in row-major order with
     * an offset {@code off} = Σ index[d]·stride[d] into the strided array, and does
     * {@code dense[i] = strided[off]} (a gather), or {@code strided[off] += dense[i]} when
     * {@code scatterAdd} (its adjoint). Broadcasting, permutation and their gradients are all walks.
     */
    public static void walk(float[] strided, float[] dense, int[] shape, int[] stride, boolean scatterAdd) {
        int rank = shape.length, n = numel(shape);
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++) {
            if (scatterAdd) strided[off] += dense[i];
            else dense[i] = strided[off];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += stride[d];
                if (idx[d] < shape[d]) break;
                off -= stride[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** Strides into a row-major array of shape {@code small}, with 0 wherever it broadcasts in {@code big}. */
    private static int[] broadcastStrides(int[] small, int[] big) {
        int rank = big.length;
        int[] stride = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int j = i - (rank - small.length);
            int d = j < 0 ? 1 : small[j];
            stride[i] = d == 1 ? 0 : s;
            s *= d;
        }
        return stride;
    }
}
