package jgrad.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation's kernels. For a {@code [N, C]} input (BatchNorm1d's usual case) they work on
 * the row-major matrix whose columns are the channels: statistics per column, the normalise and
 * affine passes, and the input gradient, vectorised across the columns. For {@code [N, C, L]} with
 * L > 1 (BatchNorm1d on sequences, BatchNorm2d with L = H·W) the {@code plane…} kernels work per
 * channel over its N planes of L contiguous values, vectorised along the planes; the sums are split
 * across the threads by channel, the element-wise passes by runs of planes in memory order.
 * {@code Normalization.batchNorm} (in {@code jgrad.autograd}) composes them:
 * <pre>
 *   forward:  μ, σ² per column ({@link #statistics}, {@link #planeStatistics});
 *             xhat = (x - μ)·invStd, y = act(xhat·γ + β) ({@link #shiftScale}, {@link #scaleShiftActivation}, {@link #planeNormalize})
 *   backward: dZ = act'(y)·dY, dβ = Σ dZ, dγ = Σ dZ·xhat ({@link #columnGradientSums}, {@link #planeSums}),
 *             dX ({@link #batchNormBackward}, {@link #planeBackward})
 * </pre>
 * The [N, C] kernels keep xhat in an array and take dZ from {@code Elementwise.activationBackward}.
 * The plane kernels, whose arrays are activation-sized (6.4 MB for [64, 32, 28, 28]) and pass
 * through memory, not the caches, store no xhat: the backward recomputes it from x, bit for bit,
 * and {@link #planeSums} computes dZ in its own pass: the backward reads dY, y and x once each and
 * writes dZ over dY (without an activation it reads dY and x, and writes nothing), then reads dZ
 * and x once more for dX.
 *
 * <p>The sums over a channel's values are accumulated in double, each term (x, (x - μ)², dZ·xhat)
 * computed in float first, as PyTorch's CPU kernel accumulates float batch statistics
 * ({@code at::acc_type<float, false>} is double): over a channel's N·H·W values (50,176 for a
 * [64, C, 28, 28] batch) float lanes would round in one direction when many values are equal, as
 * over an image's flat background, and put the mean off by about 1e-5 relative. The mean is then
 * rounded to float, as there. PyTorch's [N, C] kernels sum each thread's rows in float and add the
 * threads' sums in double; here the [N, C] sums are double throughout, so they do not depend on the
 * number of threads. The order of every sum is fixed and independent of the vector width.
 *
 * <p>Each kernel has a Vector API body and a scalar tail that is also its scalar twin
 * ({@link Simd}); both compute the same values.
 */
public final class BatchNormKernels {
    private static final VectorSpecies<Float> S = Simd.S, HALF = Simd.HALF;
    private static final VectorSpecies<Double> D = Simd.D;
    private static final int VL = Simd.VL, DL = D.length();
    /** The double lanes of the plane sums: a fixed number, whatever the vector width. */
    static final int LANES = 16;

    private BatchNormKernels() {}

    /**
     * The batch's statistics per column: {@code mean[c] = Σ_r x[r, c] / rows}, rounded to float, and
     * {@code sq[c] = Σ_r (x[r, c] - mean[c])²}; the biased variance is sq/rows, the unbiased
     * sq/(rows-1). Both sums are kept in double ({@link #columnSums}).
     */
    public static void statistics(float[] x, int rows, int cols, float[] mean, double[] sq) {
        double[] sum = new double[cols];
        columnSums(x, null, null, rows, cols, sum);
        for (int c = 0; c < cols; c++) mean[c] = (float) (sum[c] / rows);
        java.util.Arrays.fill(sq, 0, cols, 0.0);
        columnSums(x, x, mean, rows, cols, sq);
    }

    /** Batch norm's gradient sums per column: {@code sumDy[c] = Σ_r dY[r, c]}, {@code sumDyXhat[c] = Σ_r dY[r, c]·xhat[r, c]}, in double. */
    public static void columnGradientSums(float[] dY, float[] xhat, int rows, int cols, double[] sumDy, double[] sumDyXhat) {
        java.util.Arrays.fill(sumDy, 0, cols, 0.0);
        java.util.Arrays.fill(sumDyXhat, 0, cols, 0.0);
        columnSums(dY, null, null, rows, cols, sumDy);
        columnSums(dY, xhat, null, rows, cols, sumDyXhat);
    }

    /**
     * {@code acc[c] += Σ_r t(r, c)} with t = x[r, c] when {@code y} is null, otherwise the float
     * {@code (x[r, c] - s)·(y[r, c] - s)} with s = shift[c] (0 when shift is null): each term is
     * computed in float and added to a double accumulator per column, rows in order, so the
     * vectors (across the columns) and the scalar twin add the same values in the same order.
     */
    static void columnSums(float[] x, float[] y, float[] shift, int rows, int cols, double[] acc) {
        int e = Simd.ENABLED ? HALF.loopBound(cols) : 0;
        for (int r = 0, off = 0; r < rows; r++, off += cols) {
            int c = 0;
            if (y == null)
                for (; c < e; c += DL)
                    DoubleVector.fromArray(D, acc, c).add(widen(FloatVector.fromArray(HALF, x, off + c))).intoArray(acc, c);
            else if (shift == null)
                for (; c < e; c += DL)
                    DoubleVector.fromArray(D, acc, c).add(widen(FloatVector.fromArray(HALF, x, off + c).mul(FloatVector.fromArray(HALF, y, off + c))))
                            .intoArray(acc, c);
            else
                for (; c < e; c += DL) {
                    FloatVector s = FloatVector.fromArray(HALF, shift, c);
                    FloatVector t = FloatVector.fromArray(HALF, x, off + c).sub(s).mul(FloatVector.fromArray(HALF, y, off + c).sub(s));
                    DoubleVector.fromArray(D, acc, c).add(widen(t)).intoArray(acc, c);
                }
            for (; c < cols; c++) {
                float s = shift == null ? 0f : shift[c];
                acc[c] += y == null ? x[off + c] : (x[off + c] - s) * (y[off + c] - s);
            }
        }
    }

    private static DoubleVector widen(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
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
                // two stores, not one of a chosen vector: a vector merged from two branches is boxed on the heap
                if (accumulate) t.fma(FloatVector.fromArray(S, g, c), FloatVector.fromArray(S, dX, off + c)).intoArray(dX, off + c);
                else t.mul(FloatVector.fromArray(S, g, c)).intoArray(dX, off + c);
            }
            for (; c < cols; c++) {
                float t = dY[off + c] - a[c] - xhat[off + c] * b[c];
                dX[off + c] = accumulate ? Math.fma(t, g[c], dX[off + c]) : t * g[c];
            }
        }
    }

    /**
     * Per channel c of an [N, C, L] input: {@code mean[c]} over its m = N·L values, rounded to
     * float, and {@code sq[c] = Σ (x - mean[c])²}, both summed in double ({@link #laneSums}).
     */
    public static void planeStatistics(float[] x, int n, int c, int l, float[] mean, double[] sq) {
        Parallel.run(c, ch -> {
            float m = (float) (laneSums(x, null, 0f, n, c, l, ch) / ((double) n * l));
            mean[ch] = m;
            sq[ch] = laneSums(x, x, m, n, c, l, ch);
        });
    }

    /**
     * Σ over channel ch's N planes of x (when {@code y} is null), or of the float
     * {@code (x - shift)·(y - shift)} (a centred square when y is x, a product when shift is 0),
     * accumulated in double as PyTorch's CPU kernel accumulates float batch statistics. The sum is
     * spread over {@link #LANES} double lanes, position k of a plane going to lane k mod LANES, plane
     * after plane; the lanes are then added in order, and the positions past the last whole group
     * of LANES last. That order does not depend on the vector width, so every machine, and the
     * scalar twin, gets the same value.
     */
    private static double laneSums(float[] x, float[] y, float shift, int n, int c, int l, int ch) {
        int body = l - l % LANES;
        double[] lanes = new double[LANES];
        addLanes(x, y, shift, ch * l, c * l, n, body, lanes);
        double tail = 0;
        for (int i = 0; i < n; i++)
            for (int k = (i * c + ch) * l + body, e = (i * c + ch + 1) * l; k < e; k++)
                tail += y == null ? x[k] : (x[k] - shift) * (y[k] - shift);
        double s = 0;
        for (double v : lanes) s += v;
        return s + tail;
    }

    /**
     * lanes[k mod LANES] += t(first + i·stride + k) for the planes i = 0 .. n - 1 in order and k in
     * [0, body), body a multiple of LANES; t as in {@link #laneSums}. The loop over the planes is in
     * here, not in the caller, so that the vector accumulators stay in registers for the whole
     * channel instead of being loaded from and stored to {@code lanes} around every plane.
     */
    private static void addLanes(float[] x, float[] y, float shift, int first, int stride, int n, int body, double[] lanes) {
        if (Simd.ENABLED && DL == 8) addLanes8(x, y, shift, first, stride, n, body, lanes);
        else if (Simd.ENABLED && DL == 4) addLanes4(x, y, shift, first, stride, n, body, lanes);
        else
            for (int i = 0, off = first; i < n; i++, off += stride)
                for (int k = 0; k < body; k++) lanes[k % LANES] += y == null ? x[off + k] : (x[off + k] - shift) * (y[off + k] - shift);
    }

    // One method per vector width, each with its loops written out (and y == null tested outside
    // them), so that C2 inlines everything and keeps the accumulators in registers. They start
    // from zero, as lanes does.
    private static void addLanes8(float[] x, float[] y, float shift, int first, int stride, int n, int body, double[] lanes) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
        if (y == null)
            for (int i = 0, off = first; i < n; i++, off += stride)
                for (int k = off, e = off + body; k < e; k += LANES) {
                    a0 = a0.add(widen(FloatVector.fromArray(HALF, x, k)));
                    a1 = a1.add(widen(FloatVector.fromArray(HALF, x, k + 8)));
                }
        else {
            FloatVector s = FloatVector.broadcast(HALF, shift);
            for (int i = 0, off = first; i < n; i++, off += stride)
                for (int k = off, e = off + body; k < e; k += LANES) {
                    a0 = a0.add(widen(FloatVector.fromArray(HALF, x, k).sub(s).mul(FloatVector.fromArray(HALF, y, k).sub(s))));
                    a1 = a1.add(widen(FloatVector.fromArray(HALF, x, k + 8).sub(s).mul(FloatVector.fromArray(HALF, y, k + 8).sub(s))));
                }
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 8);
    }

    private static void addLanes4(float[] x, float[] y, float shift, int first, int stride, int n, int body, double[] lanes) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D), a2 = DoubleVector.zero(D), a3 = DoubleVector.zero(D);
        if (y == null)
            for (int i = 0, off = first; i < n; i++, off += stride)
                for (int k = off, e = off + body; k < e; k += LANES) {
                    a0 = a0.add(widen(FloatVector.fromArray(HALF, x, k)));
                    a1 = a1.add(widen(FloatVector.fromArray(HALF, x, k + 4)));
                    a2 = a2.add(widen(FloatVector.fromArray(HALF, x, k + 8)));
                    a3 = a3.add(widen(FloatVector.fromArray(HALF, x, k + 12)));
                }
        else {
            FloatVector s = FloatVector.broadcast(HALF, shift);
            for (int i = 0, off = first; i < n; i++, off += stride)
                for (int k = off, e = off + body; k < e; k += LANES) {
                    a0 = a0.add(widen(FloatVector.fromArray(HALF, x, k).sub(s).mul(FloatVector.fromArray(HALF, y, k).sub(s))));
                    a1 = a1.add(widen(FloatVector.fromArray(HALF, x, k + 4).sub(s).mul(FloatVector.fromArray(HALF, y, k + 4).sub(s))));
                    a2 = a2.add(widen(FloatVector.fromArray(HALF, x, k + 8).sub(s).mul(FloatVector.fromArray(HALF, y, k + 8).sub(s))));
                    a3 = a3.add(widen(FloatVector.fromArray(HALF, x, k + 12).sub(s).mul(FloatVector.fromArray(HALF, y, k + 12).sub(s))));
                }
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 4);
        a2.intoArray(lanes, 8);
        a3.intoArray(lanes, 12);
    }

    /**
     * Per channel of an [N, C, L] input: {@code y = act(xhat·gamma[c] + beta[c])} with
     * {@code xhat = (x - mean[c])·invStd[c]}, as {@link #shiftScale} and {@link #scaleShiftActivation}
     * per plane. xhat stays in registers: {@link #planeSums} and {@link #planeBackward} recompute it
     * from x with the same float operations ({@link #xhat}), so no array of it is written here and
     * read back there. Each value is computed on its own, so the threads take contiguous runs of
     * planes in memory order (see {@link #planes}).
     */
    public static void planeNormalize(float[] x, float[] mean, float[] invStd, float[] gamma, float[] beta, float slope,
                                      int n, int c, int l, float[] y) {
        planes(n, c, l, (p, ch) -> {
            float m = mean[ch], is = invStd[ch], g = gamma[ch], b = beta[ch];
            int off = p * l, k = 0;
            if (Simd.ENABLED) {
                FloatVector mv = FloatVector.broadcast(S, m), iv = FloatVector.broadcast(S, is), gv = FloatVector.broadcast(S, g),
                        bv = FloatVector.broadcast(S, b);
                for (int e = S.loopBound(l); k < e; k += VL)
                    Elementwise.activate(FloatVector.fromArray(S, x, off + k).sub(mv).mul(iv).fma(gv, bv), slope).intoArray(y, off + k);
            }
            for (; k < l; k++) y[off + k] = Elementwise.activate(Math.fma(xhat(x, m, is, off + k), g, b), slope);
        });
    }

    /**
     * xhat = (x[k] - mean)·invStd: a float subtraction, then a float multiplication (no fused
     * multiply-add), the formula every plane kernel computes xhat by, its vector loops as
     * {@code x.sub(mean).mul(invStd)}, so that the backward's recomputed xhat has the forward's
     * bits. (The vector forms are written out in the loops: a helper method taking or returning
     * vectors, compiled on its own first, can be too big for C2 to inline, and its vectors are then
     * allocated on the heap.)
     */
    private static float xhat(float[] x, float mean, float invStd, int k) {
        return (x[k] - mean) * invStd;
    }

    /** A body over one (n, c) plane of an [N, C, L] tensor: p = n·C + c, its values at [p·L, (p + 1)·L). */
    @FunctionalInterface
    private interface Plane {
        void run(int p, int channel);
    }

    /**
     * Runs {@code body} on every plane of an [N, C, L] tensor, in memory order, split across the
     * threads in contiguous runs of planes, for the element-wise passes: they read and write whole
     * arrays of N·C·L floats, more than the caches hold, so they run at the memory's speed, and a
     * thread streaming through one contiguous run keeps the hardware prefetchers ahead of it, where
     * a channel's N planes (L floats each, C·L apart) each start a new stream.
     */
    private static void planes(int n, int c, int l, Plane body) {
        Parallel.forRange(n * c, Conv2dKernels.grain(l), (lo, hi) -> {
            for (int p = lo; p < hi; p++) body.run(p, p % c);
        });
    }

    /**
     * Batch norm's gradient sums per channel of an [N, C, L] input, through its fused activation:
     * <pre>
     *   dZ = act'(y)·dY = y ≤ 0 ? slope·dY : dY     (0 when slope is 0; dY when slope is 1, no activation)
     *   sumDz[c] = Σ dZ,   sumDzXhat[c] = Σ dZ·xhat,   xhat = (x - mean[c])·invStd[c]
     * </pre>
     * each term a float, summed in double in the order of {@link #laneSums}. dZ is what
     * {@code Elementwise.activationBackward} computes; when slope is not 1 it overwrites dY, for
     * {@link #planeBackward}, in this same pass over the arrays. xhat is recomputed from x as
     * {@link #planeNormalize} computed it, bit for bit, rather than read from a saved array.
     *
     * @param dY    [N, C, L] gradient of the output y; becomes dZ unless slope is 1
     * @param y     [N, C, L] output of {@link #planeNormalize}, whose sign selects act'; not read when slope is 1
     * @param x     [N, C, L] input of {@link #planeNormalize}, with its {@code mean} and {@code invStd} ([C])
     */
    public static void planeSums(float[] dY, float[] y, float slope, float[] x, float[] mean, float[] invStd, int n, int c, int l,
                                 double[] sumDz, double[] sumDzXhat) {
        // with slope 1, act' is 1 whatever the sign: test dY's own values, already being read, rather than read y
        float[] sign = slope == 1f ? dY : y;
        Parallel.run(c, ch -> {
            // both sums in one pass, each in the order laneSums adds
            float m = mean[ch], is = invStd[ch];
            int body = l - l % LANES;
            double[] lanes = new double[2 * LANES];
            addLanesTwice(dY, sign, slope, x, m, is, ch * l, c * l, n, body, lanes);
            double tail = 0, tailXhat = 0;
            for (int i = 0; i < n; i++)
                for (int k = (i * c + ch) * l + body, e = (i * c + ch + 1) * l; k < e; k++) {
                    float d = dZ(dY, sign, slope, k);
                    tail += d;
                    tailXhat += d * xhat(x, m, is, k);
                }
            double s = 0, sx = 0;
            for (int j = 0; j < LANES; j++) {
                s += lanes[j];
                sx += lanes[LANES + j];
            }
            sumDz[ch] = s + tail;
            sumDzXhat[ch] = sx + tailXhat;
        });
    }

    /** dZ at k as {@code Elementwise.activationBackward} computes it (the sign read from {@code sign}), stored into dY unless slope is 1. */
    private static float dZ(float[] dY, float[] sign, float slope, int k) {
        float d = sign[k] <= 0f ? (slope == 0f ? 0f : dY[k] * slope) : dY[k];
        if (slope != 1f) dY[k] = d;
        return d;
    }

    /**
     * lanes[k mod LANES] += dZ[o + k] and lanes[LANES + k mod LANES] += dZ[o + k]·xhat[o + k] (a float
     * product), o = first + i·stride, plane after plane, as {@link #addLanes}; dZ and xhat as in
     * {@link #planeSums}, with the channel's mean m and invStd is.
     *
     * <p>The vector loop computes dZ as {@link #dZ} does, lane for lane, in one expression for every
     * slope rather than a vector chosen by a condition (which C2 would box):
     * {@code g.blend(fill, y ≤ 0)} with fill = g·slope, or 0 when slope is 0 (where g·0 would be -0
     * or NaN). A step takes two HALF vectors, 2·DL positions: all LANES with DL = 8; with DL = 4
     * half of them, the other half's accumulators waiting in a2, a3, b2, b3 and swapped in after
     * every step (a plane's body is a whole number of LANES, so each plane starts on lanes 0), each
     * lane still adding its positions in order. Four HALF vectors a step would make the loop too big
     * for C2 to inline its vector operations (NodeCountInliningCutoff), and they would be allocated.
     */
    private static void addLanesTwice(float[] dY, float[] sign, float slope, float[] x, float m, float is, int first, int stride, int n,
                                      int body, double[] lanes) {
        boolean store = slope != 1f;
        if (Simd.ENABLED && (DL == 8 || DL == 4)) {
            FloatVector mv = FloatVector.broadcast(HALF, m), iv = FloatVector.broadcast(HALF, is);
            VectorMask<Float> zero = HALF.maskAll(slope == 0f);
            DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int i = 0, off = first; i < n; i++, off += stride)
                for (int k = off, e = off + body; k < e; k += 2 * DL) {
                    FloatVector g0 = FloatVector.fromArray(HALF, dY, k), g1 = FloatVector.fromArray(HALF, dY, k + DL);
                    FloatVector d0 = g0.blend(g0.mul(slope).blend(0f, zero), FloatVector.fromArray(HALF, sign, k).compare(VectorOperators.LE, 0f)),
                            d1 = g1.blend(g1.mul(slope).blend(0f, zero), FloatVector.fromArray(HALF, sign, k + DL).compare(VectorOperators.LE, 0f));
                    if (store) {
                        d0.intoArray(dY, k);
                        d1.intoArray(dY, k + DL);
                    }
                    a0 = a0.add(widen(d0));
                    a1 = a1.add(widen(d1));
                    b0 = b0.add(widen(d0.mul(FloatVector.fromArray(HALF, x, k).sub(mv).mul(iv))));
                    b1 = b1.add(widen(d1.mul(FloatVector.fromArray(HALF, x, k + DL).sub(mv).mul(iv))));
                    if (DL == 4) {
                        DoubleVector t = a0; a0 = a2; a2 = t;
                        t = a1; a1 = a3; a3 = t;
                        t = b0; b0 = b2; b2 = t;
                        t = b1; b1 = b3; b3 = t;
                    }
                }
            a0.intoArray(lanes, 0);
            a1.intoArray(lanes, DL);
            b0.intoArray(lanes, LANES);
            b1.intoArray(lanes, LANES + DL);
            if (DL == 4) {
                a2.intoArray(lanes, 8);
                a3.intoArray(lanes, 12);
                b2.intoArray(lanes, LANES + 8);
                b3.intoArray(lanes, LANES + 12);
            }
        } else
            for (int i = 0, off = first; i < n; i++, off += stride)
                for (int k = 0; k < body; k++) {
                    float d = dZ(dY, sign, slope, off + k);
                    lanes[k % LANES] += d;
                    lanes[LANES + k % LANES] += d * xhat(x, m, is, off + k);
                }
    }

    /**
     * {@link #batchNormBackward} for an [N, C, L] input: {@code dX (+)= g[c]·(dZ - a[c] - xhat·b[c])}
     * per plane, in memory order ({@link #planes}), with dZ as {@link #planeSums} left it in dY and
     * xhat = (x - mean[c])·invStd[c] recomputed as {@link #planeNormalize} computed it.
     */
    public static void planeBackward(float[] dZ, float[] x, float[] mean, float[] invStd, float[] g, float[] a, float[] b,
                                     int n, int c, int l, float[] dX, boolean accumulate) {
        planes(n, c, l, (p, ch) -> {
            float gc = g[ch], ac = a[ch], bc = b[ch], m = mean[ch], is = invStd[ch];
            int off = p * l, k = 0;
            if (Simd.ENABLED) {
                FloatVector gv = FloatVector.broadcast(S, gc), av = FloatVector.broadcast(S, ac), bv = FloatVector.broadcast(S, bc),
                        mv = FloatVector.broadcast(S, m), iv = FloatVector.broadcast(S, is);
                for (int e = S.loopBound(l); k < e; k += VL) {
                    FloatVector t = FloatVector.fromArray(S, dZ, off + k).sub(av).sub(FloatVector.fromArray(S, x, off + k).sub(mv).mul(iv).mul(bv));
                    // two stores, not one of a chosen vector: a vector merged from two branches is boxed on the heap
                    if (accumulate) t.fma(gv, FloatVector.fromArray(S, dX, off + k)).intoArray(dX, off + k);
                    else t.mul(gv).intoArray(dX, off + k);
                }
            }
            for (; k < l; k++) {
                float t = dZ[off + k] - ac - xhat(x, m, is, off + k) * bc;
                dX[off + k] = accumulate ? Math.fma(t, gc, dX[off + k]) : t * gc;
            }
        });
    }
}
