package jgrad.tensor;

import java.util.Arrays;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise and row/column kernels on the training hot path (activations, bias, batch-norm
 * statistics), over flat row-major {@code float[]}. Each has a Vector API body and a scalar tail
 * that is also its scalar twin: with {@code -Djgrad.simd=false} ({@link MatMul#SIMD}) the scalar loop
 * runs over the whole array. Both compute the same values (branch-free selects, no reassociation),
 * so results do not depend on the switch.
 */
public final class Elementwise {
    private static final VectorSpecies<Float> S = MatMul.S;
    private static final int VL = S.length();

    private Elementwise() {}

    private static int simdEnd(int n) {
        return MatMul.SIMD ? S.loopBound(n) : 0;
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
        if (MatMul.SIMD && SB != null) {
            int[] index = new int[VL];
            for (int e = S.loopBound(n); i < e; i += VL) {
                ((IntVector) ByteVector.fromArray(SB, x, xOff + i).convertShape(VectorOperators.ZERO_EXTEND_B2I, SI, 0)).intoArray(index, 0);
                FloatVector.fromArray(S, table, 0, index, 0).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) y[yOff + i] = table[x[xOff + i] & 0xFF];
    }

    /** y[i] = max(x[i], 0) for i < n. */
    public static void relu(float[] x, float[] y, int n) {
        int i = 0;
        for (int e = simdEnd(n); i < e; i += VL)
            FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        for (; i < n; i++) y[i] = Math.max(x[i], 0f);
    }

    /** dX[i] += y[i] > 0 ? dY[i] : 0, where y was relu's output. */
    public static void reluBackward(float[] y, float[] dY, float[] dX, int n) {
        int i = 0;
        for (int e = simdEnd(n); i < e; i += VL) {
            FloatVector g = FloatVector.fromArray(S, dY, i);
            var on = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(S, dX, i).add(g, on).intoArray(dX, i);
        }
        for (; i < n; i++) if (y[i] > 0f) dX[i] += dY[i];
    }

    /** y[i] = x[i] > 0 ? x[i] : slope·x[i]. */
    public static void leakyRelu(float[] x, float slope, float[] y, int n) {
        int i = 0;
        for (int e = simdEnd(n); i < e; i += VL) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.blend(v.mul(slope), v.compare(VectorOperators.LE, 0f)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = x[i] > 0f ? x[i] : x[i] * slope;
    }

    /** dX[i] += x[i] > 0 ? dY[i] : slope·dY[i], where x was leaky_relu's input. */
    public static void leakyReluBackward(float[] x, float slope, float[] dY, float[] dX, int n) {
        int i = 0;
        for (int e = simdEnd(n); i < e; i += VL) {
            FloatVector g = FloatVector.fromArray(S, dY, i);
            g = g.blend(g.mul(slope), FloatVector.fromArray(S, x, i).compare(VectorOperators.LE, 0f));
            FloatVector.fromArray(S, dX, i).add(g).intoArray(dX, i);
        }
        for (; i < n; i++) dX[i] += x[i] > 0f ? dY[i] : dY[i] * slope;
    }

    /** y[r, c] += b[c] for a [rows, cols] matrix: the bias of a linear layer. */
    public static void addRow(float[] y, float[] b, int rows, int cols) {
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                FloatVector.fromArray(S, y, off + c).add(FloatVector.fromArray(S, b, c)).intoArray(y, off + c);
            for (; c < cols; c++) y[off + c] += b[c];
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

    /** out[c] += Σ_r x[r, c]·y[r, c]. */
    public static void sumRowsOfProduct(float[] x, float[] y, int rows, int cols, float[] out) {
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                FloatVector.fromArray(S, x, off + c).fma(FloatVector.fromArray(S, y, off + c), FloatVector.fromArray(S, out, c))
                        .intoArray(out, c);
            for (; c < cols; c++) out[c] = Math.fma(x[off + c], y[off + c], out[c]);
        }
    }

    /** out[c] += Σ_r (x[r, c] - mean[c])²: the centred sum of squares per column. */
    public static void sumSquaredDeviations(float[] x, float[] mean, int rows, int cols, float[] out) {
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL) {
                FloatVector d = FloatVector.fromArray(S, x, off + c).sub(FloatVector.fromArray(S, mean, c));
                d.fma(d, FloatVector.fromArray(S, out, c)).intoArray(out, c);
            }
            for (; c < cols; c++) {
                float d = x[off + c] - mean[c];
                out[c] = Math.fma(d, d, out[c]);
            }
        }
    }

    /** y[r, c] = (x[r, c] - shift[c])·scale[c]: normalisation with per-column statistics. */
    public static void shiftScale(float[] x, float[] shift, float[] scale, int rows, int cols, float[] y) {
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                FloatVector.fromArray(S, x, off + c).sub(FloatVector.fromArray(S, shift, c)).mul(FloatVector.fromArray(S, scale, c))
                        .intoArray(y, off + c);
            for (; c < cols; c++) y[off + c] = (x[off + c] - shift[c]) * scale[c];
        }
    }

    /** y[r, c] = x[r, c]·a[c] + b[c]. */
    public static void scaleShift(float[] x, float[] a, float[] b, int rows, int cols, float[] y) {
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                FloatVector.fromArray(S, x, off + c).fma(FloatVector.fromArray(S, a, c), FloatVector.fromArray(S, b, c))
                        .intoArray(y, off + c);
            for (; c < cols; c++) y[off + c] = Math.fma(x[off + c], a[c], b[c]);
        }
    }

    /**
     * dX[r, c] += g[c]·(dY[r, c] - a[c] - xhat[r, c]·b[c]): batch norm's input gradient, with
     * g = γ·invStd, a = mean(dY), b = mean(dY·xhat) per column.
     */
    public static void batchNormBackward(float[] dY, float[] xhat, float[] g, float[] a, float[] b, int rows, int cols, float[] dX) {
        int e = simdEnd(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL) {
                FloatVector t = FloatVector.fromArray(S, dY, off + c).sub(FloatVector.fromArray(S, a, c))
                        .sub(FloatVector.fromArray(S, xhat, off + c).mul(FloatVector.fromArray(S, b, c)));
                t.fma(FloatVector.fromArray(S, g, c), FloatVector.fromArray(S, dX, off + c)).intoArray(dX, off + c);
            }
            for (; c < cols; c++)
                dX[off + c] = Math.fma(dY[off + c] - a[c] - xhat[off + c] * b[c], g[c], dX[off + c]);
        }
    }
}
