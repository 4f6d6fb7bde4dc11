package jgrad.tensor;

import java.util.Arrays;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise and row/column kernels on the training hot path (activations, bias, column
 * sums, the pixel lookup), over flat row-major {@code float[]}. Each has a Vector API body and a scalar tail
 * that is also its scalar twin: with {@code -Djgrad.simd=false} ({@link Simd}) the scalar loop
 * runs over the whole array. Both compute the same values (branch-free selects, no reassociation),
 * so results do not depend on the switch.
 */
public final class Elementwise {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int VL = Simd.VL;

    private Elementwise() {}

    private static int simdEnd(int n) {
        return Simd.loopBound(n);
    }

    /** VL bytes, widened to the ints that index a table; null when no vector is that small (VL < 8). */
    private static final VectorSpecies<Byte> SB = VL >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(VL * 8)) : null;
    private static final VectorSpecies<Integer> SI = VectorSpecies.of(int.class, S.vectorShape());

    /**
     * y[yOff + i] = table[x[xOff + i] & 0xFF] for i < n: uint8 pixels through a 256-entry table. The SIMD
     * body widens VL bytes to ints and gathers their table entries in one instruction.
     */
    public static void lookup(byte[] x, int xOff, float[] table, float[] y, int yOff, int n) {
        if (table.length < 256) throw new IllegalArgumentException("lookup table needs 256 entries, got " + table.length);
        int i = 0;
        if (Simd.ENABLED && SB != null) {
            int[] index = new int[VL];
            for (int e = S.loopBound(n); i < e; i += VL) {
                ((IntVector) ByteVector.fromArray(SB, x, xOff + i).convertShape(VectorOperators.ZERO_EXTEND_B2I, SI, 0)).intoArray(index, 0);
                FloatVector.fromArray(S, table, 0, index, 0).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) y[yOff + i] = table[x[xOff + i] & 0xFF];
    }

    /**
     * {@code act(v) = v > 0 ? v : slope·v}: LeakyReLU, the identity for slope 1, and ReLU for slope 0,
     * computed then as {@code max(v, 0)} so that every v ≤ 0, -∞ and -0 included, gives +0 like
     * PyTorch's relu. NaN stays NaN.
     */
    public static float activate(float v, float slope) {
        if (slope == 0f) return Math.max(v, 0f);
        return v > 0f ? v : v * slope;
    }

    /** {@link #activate} on a vector; small enough to be inlined into each kernel's loop. */
    static FloatVector activate(FloatVector v, float slope) {
        return slope == 0f ? v.max(0f) : v.blend(v.mul(slope), v.compare(VectorOperators.LE, 0f));
    }

    /** y[i] = {@link #activate}(x[i], slope) for i < n; y may be x. */
    public static void activation(float[] x, float slope, float[] y, int n) {
        int i = 0;
        for (int e = simdEnd(n); i < e; i += VL)
            activate(FloatVector.fromArray(S, x, i), slope).intoArray(y, i);
        for (; i < n; i++) y[i] = activate(x[i], slope);
    }

    /**
     * y[r, c] = {@link #activate}(y[r, c] + b[c], slope) in place, for a [rows, cols] matrix: a linear
     * layer's bias and activation in one pass over its output; b null for no bias.
     */
    public static void biasActivation(float[] y, float[] b, float slope, int rows, int cols) {
        if (b == null) {
            activation(y, slope, y, rows * cols);
            return;
        }
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                activate(FloatVector.fromArray(S, y, off + c).add(FloatVector.fromArray(S, b, c)), slope).intoArray(y, off + c);
            for (; c < cols; c++) y[off + c] = activate(y[off + c] + b[c], slope);
        }
    }

    /**
     * dX[i] = d, or dX[i] += d when {@code accumulate}, with d = x[i] ≤ 0 ? slope·dY[i] : dY[i]. For
     * slope 0, d = 0 there (not 0·dY, which is NaN for an infinite dY), and a NaN x passes dY, as
     * PyTorch's relu backward (threshold_backward) does. In the forward pass this was y = act(x); x
     * may be y itself when slope ≥ 0, since y and x then have the same sign.
     */
    public static void activationBackward(float[] x, float slope, float[] dY, float[] dX, int n, boolean accumulate) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int e = simdEnd(n); i < e; i += VL) {
            FloatVector g = FloatVector.fromArray(S, dY, i);
            var off = FloatVector.fromArray(S, x, i).compare(VectorOperators.LE, 0f);
            FloatVector d = g.blend(slope == 0f ? zero : g.mul(slope), off);
            (accumulate ? FloatVector.fromArray(S, dX, i).add(d) : d).intoArray(dX, i);
        }
        for (; i < n; i++) {
            float d = x[i] <= 0f ? (slope == 0f ? 0f : dY[i] * slope) : dY[i];
            dX[i] = accumulate ? dX[i] + d : d;
        }
    }

    /** out[c] = Σ_r x[r, c], or {@code +=} when {@code accumulate}: column sums of a [rows, cols] matrix (a bias gradient). */
    public static void sumRows(float[] x, int rows, int cols, float[] out, boolean accumulate) {
        if (!accumulate) Arrays.fill(out, 0, cols, 0f);
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                FloatVector.fromArray(S, out, c).add(FloatVector.fromArray(S, x, off + c)).intoArray(out, c);
            for (; c < cols; c++) out[c] += x[off + c];
        }
    }
}
