package jgrad.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation's kernels. For a {@code [N, C]} input (BatchNorm1d's usual case) they work on
 * the row-major matrix whose columns are the channels: statistics per column, the normalise and
 * affine passes, and the input gradient, vectorised across the columns. For {@code [N, C, L]} with
 * L > 1 (BatchNorm1d on sequences, BatchNorm2d with L = H·W) the {@code plane…} kernels work per
 * channel over its N planes of L contiguous values, vectorised along the planes and split across
 * the threads by channel.
 * {@code Normalization.batchNorm} (in {@code jgrad.autograd}) composes them:
 * <pre>
 *   forward:  μ, σ² per column ({@link #statistics});  xhat = (x - μ)·invStd ({@link #shiftScale});
 *             y = act(xhat·γ + β) ({@link #scaleShiftActivation})
 *   backward: dγ = Σ dY·xhat ({@link #sumRowsOfProduct}), dβ = Σ dY, dX ({@link #batchNormBackward})
 * </pre>
 * Each has a Vector API body across the columns and a scalar tail that is also its scalar twin
 * ({@link Simd}); both compute the same values.
 */
public final class BatchNormKernels {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int VL = Simd.VL;

    private BatchNormKernels() {}

    /**
     * The batch's statistics per column: {@code mean[c] = Σ_r x[r, c] / rows} and
     * {@code sq[c] = Σ_r (x[r, c] - mean[c])²}; the biased variance is sq/rows, the unbiased sq/(rows-1).
     */
    public static void statistics(float[] x, int rows, int cols, float[] mean, float[] sq) {
        Elementwise.sumRows(x, rows, cols, mean, false);
        for (int c = 0; c < cols; c++) mean[c] /= rows;
        java.util.Arrays.fill(sq, 0, cols, 0f);
        sumSquaredDeviations(x, mean, rows, cols, sq);
    }

    /** out[c] += Σ_r x[r, c]·y[r, c]. */
    public static void sumRowsOfProduct(float[] x, float[] y, int rows, int cols, float[] out) {
        int e = Simd.loopBound(cols);
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
        int e = Simd.loopBound(cols);
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
        int e = Simd.loopBound(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                FloatVector.fromArray(S, x, off + c).sub(FloatVector.fromArray(S, shift, c)).mul(FloatVector.fromArray(S, scale, c))
                        .intoArray(y, off + c);
            for (; c < cols; c++) y[off + c] = (x[off + c] - shift[c]) * scale[c];
        }
    }

    /** y[r, c] = {@link #activate}(x[r, c]·a[c] + b[c], slope): an affine map per column and its activation. */
    public static void scaleShiftActivation(float[] x, float[] a, float[] b, float slope, int rows, int cols, float[] y) {
        int e = Simd.loopBound(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL)
                Elementwise.activate(FloatVector.fromArray(S, x, off + c).fma(FloatVector.fromArray(S, a, c), FloatVector.fromArray(S, b, c)), slope)
                        .intoArray(y, off + c);
            for (; c < cols; c++) y[off + c] = Elementwise.activate(Math.fma(x[off + c], a[c], b[c]), slope);
        }
    }

    /**
     * dX[r, c] (+)= g[c]·(dY[r, c] - a[c] - xhat[r, c]·b[c]): batch norm's input gradient, with
     * g = γ·invStd, a = mean(dY), b = mean(dY·xhat) per column; assigned, or added when {@code accumulate}.
     */
    public static void batchNormBackward(float[] dY, float[] xhat, float[] g, float[] a, float[] b, int rows, int cols, float[] dX,
                                         boolean accumulate) {
        int e = Simd.loopBound(cols);
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            for (; c < e; c += VL) {
                FloatVector t = FloatVector.fromArray(S, dY, off + c).sub(FloatVector.fromArray(S, a, c))
                        .sub(FloatVector.fromArray(S, xhat, off + c).mul(FloatVector.fromArray(S, b, c)));
                (accumulate ? t.fma(FloatVector.fromArray(S, g, c), FloatVector.fromArray(S, dX, off + c)) : t.mul(FloatVector.fromArray(S, g, c)))
                        .intoArray(dX, off + c);
            }
            for (; c < cols; c++) {
                float t = dY[off + c] - a[c] - xhat[off + c] * b[c];
                dX[off + c] = accumulate ? Math.fma(t, g[c], dX[off + c]) : t * g[c];
            }
        }
    }

    /**
     * Per channel c of an [N, C, L] input: {@code mean[c]} over its m = N·L values and
     * {@code sq[c] = Σ (x - mean[c])²}. The sums are kept in VL lanes ({@link #laneSums}), so the
     * scalar twin adds in the same order as the vectors and gets the same values.
     */
    public static void planeStatistics(float[] x, int n, int c, int l, float[] mean, float[] sq) {
        Parallel.run(c, ch -> {
            float m = laneSums(x, null, 0f, n, c, l, ch) / ((float) n * l);
            mean[ch] = m;
            sq[ch] = laneSums(x, x, m, n, c, l, ch);
        });
    }

    /**
     * Σ over channel ch's N planes of x (when {@code y} is null), or of (x - shift)·(y - shift) (a
     * centred square when y is x, a product when shift is 0): each of VL lanes sums its own
     * positions k ≡ lane (mod VL) below {@code Simd.S.loopBound(l)}, plane after plane, then the
     * lanes are added in order and the tails last.
     */
    private static float laneSums(float[] x, float[] y, float shift, int n, int c, int l, int ch) {
        int body = S.loopBound(l);
        float[] lanes = new float[VL];
        float tail = 0f;
        if (Simd.ENABLED) {
            FloatVector acc = FloatVector.zero(S), sv = FloatVector.broadcast(S, shift);
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * l;
                for (int k = 0; k < body; k += VL) {
                    FloatVector v = FloatVector.fromArray(S, x, off + k);
                    if (y != null) v = v.sub(sv).mul(FloatVector.fromArray(S, y, off + k).sub(sv));
                    acc = acc.add(v);
                }
            }
            acc.intoArray(lanes, 0);
        } else
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * l;
                for (int k = 0; k < body; k++) lanes[k % VL] += y == null ? x[off + k] : (x[off + k] - shift) * (y[off + k] - shift);
            }
        for (int i = 0; i < n; i++) {
            int off = (i * c + ch) * l;
            for (int k = body; k < l; k++) tail += y == null ? x[off + k] : (x[off + k] - shift) * (y[off + k] - shift);
        }
        float s = 0f;
        for (float v : lanes) s += v;
        return s + tail;
    }

    /**
     * Per channel of an [N, C, L] input: {@code xhat = (x - mean[c])·invStd[c]} and
     * {@code y = act(xhat·gamma[c] + beta[c])}, as {@link #shiftScale} and {@link #scaleShiftActivation} per plane.
     */
    public static void planeNormalize(float[] x, float[] mean, float[] invStd, float[] gamma, float[] beta, float slope,
                                      int n, int c, int l, float[] xhat, float[] y) {
        Parallel.run(c, ch -> {
            float m = mean[ch], is = invStd[ch], g = gamma[ch], b = beta[ch];
            FloatVector mv = FloatVector.broadcast(S, m), iv = FloatVector.broadcast(S, is), gv = FloatVector.broadcast(S, g),
                    bv = FloatVector.broadcast(S, b);
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * l, k = 0;
                for (int e = Simd.loopBound(l); k < e; k += VL) {
                    FloatVector h = FloatVector.fromArray(S, x, off + k).sub(mv).mul(iv);
                    h.intoArray(xhat, off + k);
                    Elementwise.activate(h.fma(gv, bv), slope).intoArray(y, off + k);
                }
                for (; k < l; k++) {
                    float h = (x[off + k] - m) * is;
                    xhat[off + k] = h;
                    y[off + k] = Elementwise.activate(Math.fma(h, g, b), slope);
                }
            }
        });
    }

    /** Per channel of an [N, C, L] gradient: {@code sumDy[c] = Σ dY} and {@code sumDyXhat[c] = Σ dY·xhat}, in lanes as {@link #laneSums}. */
    public static void planeSums(float[] dY, float[] xhat, int n, int c, int l, float[] sumDy, float[] sumDyXhat) {
        Parallel.run(c, ch -> {
            sumDy[ch] = laneSums(dY, null, 0f, n, c, l, ch);
            sumDyXhat[ch] = laneSums(dY, xhat, 0f, n, c, l, ch);
        });
    }

    /** {@link #batchNormBackward} for an [N, C, L] input: {@code dX (+)= g[c]·(dY - a[c] - xhat·b[c])} per plane. */
    public static void planeBackward(float[] dY, float[] xhat, float[] g, float[] a, float[] b, int n, int c, int l,
                                     float[] dX, boolean accumulate) {
        Parallel.run(c, ch -> {
            float gc = g[ch], ac = a[ch], bc = b[ch];
            FloatVector gv = FloatVector.broadcast(S, gc), av = FloatVector.broadcast(S, ac), bv = FloatVector.broadcast(S, bc);
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * l, k = 0;
                for (int e = Simd.loopBound(l); k < e; k += VL) {
                    FloatVector t = FloatVector.fromArray(S, dY, off + k).sub(av).sub(FloatVector.fromArray(S, xhat, off + k).mul(bv));
                    (accumulate ? t.fma(gv, FloatVector.fromArray(S, dX, off + k)) : t.mul(gv)).intoArray(dX, off + k);
                }
                for (; k < l; k++) {
                    float t = dY[off + k] - ac - xhat[off + k] * bc;
                    dX[off + k] = accumulate ? Math.fma(t, gc, dX[off + k]) : t * gc;
                }
            }
        });
    }
}
