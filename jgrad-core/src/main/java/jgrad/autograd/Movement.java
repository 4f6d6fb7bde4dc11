package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.Shapes;

/**
 * The ops that move data without arithmetic: reshape (a view: storage is always contiguous, so it
 * shares the array), flatten, transpose and permute (copies), and index_select. Each forward is
 * followed by its backward, which moves the gradient back the same way.
 */
public final class Movement {
    private Movement() {}

    /** The same data with a new shape (one dimension may be -1, inferred). Shares storage. */
    public static Tensor reshape(Tensor x, int... newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1, size = x.data.length;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one dimension can be inferred in shape " + Shapes.str(newShape));
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0)
                throw new IllegalArgumentException("shape " + Shapes.str(newShape) + " is invalid for input of size " + size);
            s[infer] = size / known;
        }
        if (Shapes.numel(s) != size)
            throw new IllegalArgumentException("shape " + Shapes.str(newShape) + " is invalid for input of size " + size
                    + " (shape " + Shapes.str(x.shape) + ")");
        return Tape.record("ViewBackward0", x.data, s, g -> x.writeGrad((dx, add) -> Tape.copyInto(g, dx, add)), x);
    }

    /** Collapses dimensions from {@code startDim} to the end into one, like {@code torch.flatten(x, startDim)}. */
    public static Tensor flatten(Tensor x, int startDim) {
        int d = Shapes.dim(startDim, x.shape.length);
        int[] s = Arrays.copyOf(x.shape, d + 1);
        s[d] = Shapes.inner(x.shape, d) * x.shape[d];
        return reshape(x, s);
    }

    /** Swaps dimensions {@code d0} and {@code d1} (copies the data). */
    public static Tensor transpose(Tensor x, int d0, int d1) {
        int a = Shapes.dim(d0, x.shape.length), b = Shapes.dim(d1, x.shape.length);
        int[] perm = new int[x.shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permute("TransposeBackward0", x, perm);
    }

    /** The transpose of a 2-d tensor, {@code x.T}. */
    public static Tensor t(Tensor x) {
        if (x.shape.length != 2) throw new IllegalArgumentException("t() expects a 2-d tensor, got shape " + Shapes.str(x.shape));
        return transpose(x, 0, 1);
    }

    /** Reorders the dimensions, {@code out.shape[i] = x.shape[dims[i]]}, like {@code torch.permute} (copies the data). */
    public static Tensor permute(Tensor x, int... dims) {
        int rank = x.shape.length;
        if (dims.length != rank)
            throw new IllegalArgumentException("permute: " + dims.length + " dimensions " + Arrays.toString(dims)
                    + " given for a tensor of shape " + Shapes.str(x.shape));
        int[] perm = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = Shapes.dim(dims[i], rank);
            if (seen[perm[i]]) throw new IllegalArgumentException("permute: repeated dimension in " + Arrays.toString(dims));
            seen[perm[i]] = true;
        }
        return permute("PermuteBackward0", x, perm);
    }

    private static Tensor permute(String gradFn, Tensor x, int[] perm) {
        int[] s = new int[perm.length], stride = Shapes.permutedStrides(x.shape, perm);
        for (int i = 0; i < perm.length; i++) s[i] = x.shape[perm[i]];
        float[] out = new float[x.data.length];
        Shapes.walk(x.data, out, s, stride, false);
        return Tape.record(gradFn, out, s, g -> x.writeGrad((dx, add) -> {
            // the same walk backwards: each element of g returns to where it came from
            if (!add) Arrays.fill(dx, 0f);
            Shapes.walk(dx, g, s, stride, true);
        }), x);
    }

    /** The slices at {@code index} along {@code dim}, like {@code torch.index_select}; the gradient scatters back with +=. */
    public static Tensor indexSelect(Tensor x, int dim, int[] index) {
        int d = Shapes.dim(dim, x.shape.length);
        int outer = Shapes.outer(x.shape, d), n = x.shape[d], inner = Shapes.inner(x.shape, d);
        for (int i : index)
            if (i < 0 || i >= n)
                throw new IndexOutOfBoundsException("index_select: index " + i + " is out of range for dimension " + d
                        + " of size " + n + " (shape " + Shapes.str(x.shape) + ")");
        int m = index.length;
        float[] out = new float[outer * m * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
                System.arraycopy(x.data, (o * n + index[k]) * inner, out, (o * m + k) * inner, inner);
        int[] s = x.shape.clone();
        s[d] = m;
        int[] idx = index.clone();
        return Tape.record("IndexSelectBackward0", out, s, g -> x.writeGrad((dx, add) -> {
            if (!add) Arrays.fill(dx, 0f); // unselected slices get no gradient, repeated ones add up
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < m; k++) {
                    int dst = (o * n + idx[k]) * inner, src = (o * m + k) * inner;
                    for (int i = 0; i < inner; i++) dx[dst + i] += g[src + i];
                }
        }), x);
    }
}
