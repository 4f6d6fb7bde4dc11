package jgrad.tensor;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D max, average and adaptive average pooling over NCHW {@code float[]}, with PyTorch's
 * semantics, and their gradients.
 *
 * <pre>
 *   max:      y[n, c, oh, ow] = max_{kh, kw} x[n, c, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]   (padding is −∞)
 *   avg:      y[n, c, oh, ow] = Σ_{kh, kw} x[n, c, oh·sH − pH + kh, ow·sW − pW + kw] / (kH·kW)   (padding is 0)
 *   adaptive: y[n, c, i, j]   = mean of x[n, c, h0(i) .. h1(i) − 1, w0(j) .. w1(j) − 1],
 *             h0(i) = floor(i·H / Ho), h1(i) = ceil((i + 1)·H / Ho), and w0, w1 likewise
 *   x: [N, C, H, W]   y: [N, C, Ho, Wo]   Ho = floor((H + 2·pH − dH·(kH − 1) − 1) / sH) + 1, Wo likewise
 * </pre>
 *
 * As in PyTorch: max pooling propagates NaN (a NaN in the window is the output, and its index the
 * last NaN's), the first maximum wins a tie, and {@code indices} holds each maximum's flat
 * position ih·W + iw inside its (n, c) plane, as {@code return_indices=True} gives it. Average
 * pooling counts the padding in its divisor ({@code count_include_pad=True}) and, like every kernel
 * here, rounds the output size down ({@code ceil_mode=False}). The sums run in PyTorch's order
 * (row by row through the window) and divide as its CPU kernels do (by kH·kW; an adaptive bin by
 * its height, then by its width), so the values match them.
 * {@code nn.MaxPool2d(2)} on [64, 32, 28, 28]:
 * <pre>{@code
 * var g = new PoolKernels.Geometry(64, 32, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1);
 * float[] y = new float[g.outputSize()];                 // [64, 32, 14, 14]
 * int[] indices = new int[g.outputSize()];
 * PoolKernels.maxPool2dForward(x, y, indices, g);
 * PoolKernels.maxPool2dBackward(dY, indices, dX, g, false);
 * }</pre>
 *
 * <p>The kernels are threaded across (n, c) planes (one task owns whole planes of the output, and
 * of dX in the backward passes). Max pooling with a 2×2 window and stride 2, the cnn's, has a
 * Vector API body that splits the input rows into even and odd columns with two-vector lane
 * selections, and its backward onto zeros (on an even width) one that interleaves them back; the
 * other kernels, and those two's scalar twins ({@link Simd}), are scalar loops.
 */
public final class PoolKernels {
    private PoolKernels() {}

    /**
     * The shapes and hyper-parameters of one max or average pooling: input [n, c, h, w], kernel,
     * stride, padding and dilation per dimension (average pooling takes dilation 1). The
     * constructor rejects what PyTorch rejects, with its messages.
     */
    public record Geometry(int n, int c, int h, int w, int kH, int kW, int strideH, int strideW,
                           int padH, int padW, int dilH, int dilW) {
        public Geometry {
            if (kH <= 0 || kW <= 0)
                throw new IllegalArgumentException("kernel size should be greater than zero, but got kH: " + kH + " kW: " + kW);
            if (strideH <= 0 || strideW <= 0)
                throw new IllegalArgumentException("stride should be greater than zero, but got dH: " + strideH + " dW: " + strideW);
            if (dilH <= 0 || dilW <= 0)
                throw new IllegalArgumentException("dilation should be greater than zero, but got dilationH: " + dilH + " dilationW: " + dilW);
            if (padH < 0 || padW < 0) throw new IllegalArgumentException("pad must be non-negative, but got pad: " + Math.min(padH, padW));
            if (padH > (dilH * (kH - 1L) + 1) / 2 || padW > (dilW * (kW - 1L) + 1) / 2) {
                boolean hBad = padH > (dilH * (kH - 1L) + 1) / 2;
                throw new IllegalArgumentException("pad should be at most half of effective kernel size, but got pad=" + (hBad ? padH : padW)
                        + ", kernel_size=" + (hBad ? kH : kW) + " and dilation=" + (hBad ? dilH : dilW));
            }
            if (kW / 2 < padW || kH / 2 < padH)
                throw new IllegalArgumentException("pad should be smaller than or equal to half of kernel size, but got padW = " + padW
                        + ", padH = " + padH + ", kW = " + kW + ", kH = " + kH);
            if (n < 0 || c < 1 || h < 1 || w < 1)
                throw new IllegalArgumentException("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got: "
                        + Arrays.toString(new int[]{n, c, h, w}));
            if ((long) n * c * h * w > Integer.MAX_VALUE || h + 2L * padH > Integer.MAX_VALUE || w + 2L * padW > Integer.MAX_VALUE)
                throw new IllegalArgumentException("pooling input " + Arrays.toString(new int[]{n, c, h, w}) + " has more than 2^31-1 elements");
            long ho = Shapes.windowOutput(h, kH, strideH, padH, dilH), wo = Shapes.windowOutput(w, kW, strideW, padW, dilW);
            if (ho < 1 || wo < 1)
                throw new IllegalArgumentException("Given input size: (" + c + "x" + h + "x" + w + "). Calculated output size: ("
                        + c + "x" + ho + "x" + wo + "). Output size is too small");
        }

        /** Output height, {@link Shapes#windowOutput}, at least 1 here. */
        public int ho() {
            return (int) Shapes.windowOutput(h, kH, strideH, padH, dilH);
        }

        public int wo() {
            return (int) Shapes.windowOutput(w, kW, strideW, padW, dilW);
        }

        public int inputSize() {
            return n * c * h * w;
        }

        public int outputSize() {
            return n * c * ho() * wo();
        }
    }

    /**
     * y = max_pool2d(x), and indices[n, c, oh, ow] = the flat position ih·W + iw of each maximum in its plane;
     * −1 (with y = −∞) for a window that lies wholly in the padding, which dilation allows.
     * x: [N, C, H, W], y and indices: [N, C, Ho, Wo].
     */
    public static void maxPool2dForward(float[] x, float[] y, int[] indices, Geometry g) {
        need(x.length, "max_pool2d input", g.inputSize(), g);
        need(y.length, "max_pool2d output", g.outputSize(), g);
        need(indices.length, "max_pool2d indices", g.outputSize(), g);
        int ho = g.ho(), wo = g.wo(), hw = g.h() * g.w(), l = ho * wo;
        if (g.padH() == 0 && g.padW() == 0 && g.dilH() == 1 && g.dilW() == 1) {
            maxPool2dUnpadded(x, null, y, indices, g);
            return;
        }
        Parallel.forRange(g.n() * g.c(), Conv2dKernels.grain((long) l * g.kH() * g.kW()), (lo, hi) -> {
            for (int p = lo; p < hi; p++)
                for (int oh = 0, o = p * l; oh < ho; oh++) {
                    int ih0 = oh * g.strideH() - g.padH(), kh0 = first(ih0, g.dilH(), g.kH()), kh1 = end(ih0, g.dilH(), g.kH(), g.h());
                    for (int ow = 0; ow < wo; ow++, o++) {
                        int iw0 = ow * g.strideW() - g.padW(), kw0 = first(iw0, g.dilW(), g.kW()), kw1 = end(iw0, g.dilW(), g.kW(), g.w());
                        float max = Float.NEGATIVE_INFINITY;
                        // PyTorch starts from the window's first tap inside the image, so an all −∞ window points there
                        int at = kh0 < kh1 && kw0 < kw1 ? (ih0 + kh0 * g.dilH()) * g.w() + iw0 + kw0 * g.dilW() : -1;
                        for (int kh = kh0; kh < kh1; kh++)
                            for (int kw = kw0, i = (ih0 + kh * g.dilH()) * g.w() + iw0 + kw0 * g.dilW(); kw < kw1; kw++, i += g.dilW()) {
                                float v = x[p * hw + i];
                                if (v > max || v != v) {
                                    max = v;
                                    at = i;
                                }
                            }
                        y[o] = max;
                        indices[o] = at;
                    }
                }
        });
    }

    /**
     * Batch norm's output as max pooling reads it when the two run as one pass: per channel c,
     * z = act(fma((x − mean[c])·invStd[c], gamma[c], beta[c])), act(z) = z > 0 ? z : slope·z (slope 1
     * for none), the float operations of {@link BatchNormKernels#planeNormalize}, so z has its bits.
     */
    public record Normalized(float[] mean, float[] invStd, float[] gamma, float[] beta, float slope) {}

    /**
     * y = max_pool2d(z, 2) with z = {@code bn} applied to x, without z being written: each tap is
     * mapped as it is loaded. The values and indices are those of {@link #maxPool2dForward} on
     * {@code BatchNormKernels.planeNormalize}'s output, bit for bit. The geometry must be a 2×2
     * window with stride 2, no padding and no dilation.
     */
    public static void maxPool2x2Normalized(float[] x, Normalized bn, float[] y, int[] indices, Geometry g) {
        requirePool2x2(g);
        need(x.length, "max_pool2d input", g.inputSize(), g);
        need(y.length, "max_pool2d output", g.outputSize(), g);
        need(indices.length, "max_pool2d indices", g.outputSize(), g);
        for (float[] a : new float[][]{bn.mean, bn.invStd, bn.gamma, bn.beta})
            if (a.length < g.c()) throw new IllegalArgumentException("a normalised max pooling of " + g.c() + " channels got " + a.length + " values per channel");
        maxPool2dUnpadded(x, bn, y, indices, g);
    }

    /** Whether the geometry is {@code nn.MaxPool2d(2)}'s: a 2×2 window, stride 2, no padding or dilation. */
    private static boolean isPool2x2(Geometry g) {
        return g.kH() == 2 && g.kW() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.padH() == 0 && g.padW() == 0 && g.dilH() == 1 && g.dilW() == 1;
    }

    /** Refuses any geometry but {@code nn.MaxPool2d(2)}'s ({@link #isPool2x2}). */
    private static void requirePool2x2(Geometry g) {
        if (!isPool2x2(g)) throw new IllegalArgumentException("a normalised max pooling takes a 2x2 window with stride 2, got " + g);
    }

    /**
     * {@link #maxPool2dForward} without padding or dilation (every window lies inside the image, so
     * no bounds are computed): the same comparisons in the same order, so the same values and
     * indices. nn.MaxPool2d(2), the common case, gets its four taps unrolled, each taken through
     * {@code bn} (null for none: the identity map).
     */
    private static void maxPool2dUnpadded(float[] x, Normalized bn, float[] y, int[] indices, Geometry g) {
        int ho = g.ho(), wo = g.wo(), w = g.w(), hw = g.h() * w, l = ho * wo, kH = g.kH(), kW = g.kW(), sH = g.strideH(), sW = g.strideW(), c = g.c();
        boolean twoByTwo = kH == 2 && kW == 2, vector = Simd.ENABLED && twoByTwo && sH == 2 && sW == 2;
        Parallel.forRange(g.n() * c, Conv2dKernels.grain((long) l * kH * kW), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int plane = p * hw, ch = p % c;
                // the identity map: x - 0 keeps -0, and x·1 + (-0) gives x back for every float
                float m = bn == null ? 0f : bn.mean[ch], is = bn == null ? 1f : bn.invStd[ch], ga = bn == null ? 1f : bn.gamma[ch],
                        be = bn == null ? -0f : bn.beta[ch], slope = bn == null ? 1f : bn.slope;
                if (vector)
                    maxPool2x2Plane(x, m, is, ga, be, slope, plane, w, ho, wo, y, indices, p * l, hi * l);
                else if (twoByTwo)
                    maxPool2x2Rows(x, m, is, ga, be, slope, plane, w, sH, sW, wo, y, indices, p * l, 0, ho);
                else
                    for (int oh = 0, o = p * l; oh < ho; oh++)
                        for (int ow = 0, i = oh * sH * w; ow < wo; ow++, o++, i += sW) {
                            float max = Float.NEGATIVE_INFINITY;
                            int at = i;
                            for (int kh = 0, r = i; kh < kH; kh++, r += w)
                                for (int kw = 0; kw < kW; kw++) {
                                    float v = x[plane + r + kw];
                                    if (v > max || v != v) {
                                        max = v;
                                        at = r + kw;
                                    }
                                }
                            y[o] = max;
                            indices[o] = at;
                        }
            }
        });
    }

    /**
     * Output rows [oh0, oh1) of one (n, c) plane of a 2×2 max pooling with strides sH, sW, four taps
     * unrolled: the scalar twin of {@link #maxPool2x2Plane}, and the rows its vectors cannot reach.
     * {@code plane} is the plane's offset in x, {@code out} in y and indices.
     */
    private static void maxPool2x2Rows(float[] x, float m, float is, float ga, float be, float slope, int plane, int w, int sH, int sW,
                                       int wo, float[] y, int[] indices, int out, int oh0, int oh1) {
        for (int oh = oh0, o = out + oh0 * wo; oh < oh1; oh++)
            for (int ow = 0, i = oh * sH * w; ow < wo; ow++, o++, i += sW) {
                // selects rather than branches: on real activations which tap wins is a coin toss
                float max = tap(x, plane + i, m, is, ga, be, slope), v = tap(x, plane + i + 1, m, is, ga, be, slope);
                int at = i;
                boolean take = v > max || v != v;
                max = take ? v : max;
                at = take ? i + 1 : at;
                v = tap(x, plane + i + w, m, is, ga, be, slope);
                take = v > max || v != v;
                max = take ? v : max;
                at = take ? i + w : at;
                v = tap(x, plane + i + w + 1, m, is, ga, be, slope);
                take = v > max || v != v;
                max = take ? v : max;
                at = take ? i + w + 1 : at;
                y[o] = max;
                indices[o] = at;
            }
    }

    /** A tap through batch norm's map, as {@code BatchNormKernels.planeNormalize} computes its output: act(fma((x − m)·is, ga, be)). */
    private static float tap(float[] x, int k, float m, float is, float ga, float be, float slope) {
        return Elementwise.activate(Math.fma((x[k] - m) * is, ga, be), slope);
    }

    private static final VectorSpecies<Float> S = Simd.S;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(S.vectorShape());
    private static final int VL = S.length();

    /**
     * One (n, c) plane of a 2×2, stride-2 max pooling, a vector of outputs at a time: VL outputs of
     * a row, or two whole rows when a row has at most VL/2 outputs. Each vector's taps come from two
     * vectors of each input row it reads (a row's next VL floats, or the row two further down, which
     * belongs to the second output row), split into even and odd columns by a two-vector lane
     * selection; the four taps are compared in the scalar loop's order, lane by lane (x > max or x is
     * NaN replaces), so the values and indices are {@link #maxPool2x2Rows}'. {@code plane} is the
     * plane's offset in x, {@code out} in y and indices.
     *
     * <p>Loads and stores are whole vectors, without masks (with masks the loop takes about twice
     * as long): the lanes past a row's end compute garbage that lands in outputs of later rows, of
     * this plane or the next, which this task writes again afterwards. So a vector may run to
     * {@code limit}, the end of the task's outputs, and read to the end of x; the rows after the
     * last such vector, only near those ends, are left to the scalar loop. The selection indices are made here from the
     * lane numbers, so their conversion to permutation indices (selectFrom's float lanes to ints,
     * with its range fix-ups) is done once per plane, outside the loop.
     */
    private static void maxPool2x2Plane(float[] x, float m, float is, float ga, float be, float slope, int plane, int w, int ho, int wo,
                                        float[] y, int[] indices, int out, int limit) {
        FloatVector mv = FloatVector.broadcast(S, m), iv = FloatVector.broadcast(S, is), gv = FloatVector.broadcast(S, ga),
                bv = FloatVector.broadcast(S, be);
        boolean pairs = 2 * wo <= VL;
        // lanes from `split` on belong to the second row of a pair; d is where an input row's second vector starts
        int rows = pairs ? 2 : 1, split = pairs ? wo : VL, d = pairs ? 2 * w : VL, last = (wo - 1) / VL * VL;
        FloatVector lane = FloatVector.zero(S).addIndex(1);
        VectorMask<Float> second = lane.compare(VectorOperators.GE, split);
        FloatVector even = lane.mul(2f).add(VL - 2 * split, second).min(2 * VL - 2), odd = even.add(1f);
        IntVector twice = IntVector.zero(I).addIndex(2).add(2 * w - 2 * split, second.cast(I));
        int oh = 0;
        for (; oh < ho && (long) out + oh * wo + last + VL <= limit && (long) plane + 2L * oh * w + 2 * last + w + d + VL <= x.length; oh += rows)
            for (int ow = 0; ow < wo; ow += VL) {
                int o = out + oh * wo + ow, at = 2 * oh * w + 2 * ow, i = plane + at;
                // each tap through the map, as planeNormalize's vector loop computes it
                FloatVector t0 = Elementwise.activate(FloatVector.fromArray(S, x, i).sub(mv).mul(iv).fma(gv, bv), slope),
                        t1 = Elementwise.activate(FloatVector.fromArray(S, x, i + d).sub(mv).mul(iv).fma(gv, bv), slope);
                FloatVector b0 = Elementwise.activate(FloatVector.fromArray(S, x, i + w).sub(mv).mul(iv).fma(gv, bv), slope),
                        b1 = Elementwise.activate(FloatVector.fromArray(S, x, i + w + d).sub(mv).mul(iv).fma(gv, bv), slope);
                IntVector first = twice.add(at);
                FloatVector max = even.selectFrom(t0, t1);
                IntVector arg = first;
                FloatVector v = odd.selectFrom(t0, t1);
                VectorMask<Float> take = v.compare(VectorOperators.GT, max).or(v.test(VectorOperators.IS_NAN));
                max = max.blend(v, take);
                arg = arg.blend(first.add(1), take.cast(I));
                v = even.selectFrom(b0, b1);
                take = v.compare(VectorOperators.GT, max).or(v.test(VectorOperators.IS_NAN));
                max = max.blend(v, take);
                arg = arg.blend(first.add(w), take.cast(I));
                v = odd.selectFrom(b0, b1);
                take = v.compare(VectorOperators.GT, max).or(v.test(VectorOperators.IS_NAN));
                max = max.blend(v, take);
                arg = arg.blend(first.add(w + 1), take.cast(I));
                max.intoArray(y, o);
                arg.intoArray(indices, o);
            }
        maxPool2x2Rows(x, m, is, ga, be, slope, plane, w, 2, 2, wo, y, indices, out, oh, ho);
    }

    /**
     * dX[n, c, indices[n, c, oh, ow]] += dY[n, c, oh, ow], onto zeros unless {@code accumulate}; an index
     * of −1 passes nothing. dY and indices: [N, C, Ho, Wo], dX: [N, C, H, W].
     */
    public static void maxPool2dBackward(float[] dY, int[] indices, float[] dX, Geometry g, boolean accumulate) {
        maxPool2dBackward(dY, null, 1f, indices, dX, g, accumulate);
    }

    private static void maxPool2dBackward(float[] dY, float[] y, float slope, int[] indices, float[] dX, Geometry g, boolean accumulate) {
        need(dY.length, "max_pool2d output gradient", g.outputSize(), g);
        need(indices.length, "max_pool2d indices", g.outputSize(), g);
        need(dX.length, "max_pool2d input gradient", g.inputSize(), g);
        int hw = g.h() * g.w(), l = g.ho() * g.wo();
        // nn.MaxPool2d(2) onto zeros on an even width: a vector body that writes each element of dX once, with no fill first
        boolean vector = Simd.ENABLED && !accumulate && isPool2x2(g) && g.w() % 2 == 0;
        Parallel.forRange(g.n() * g.c(), Conv2dKernels.grain(hw + l), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                if (vector && maxPool2x2BackwardPlane(dY, y, slope, indices, dX, p, g.h(), g.w(), g.ho(), g.wo(), hi * hw)) continue;
                if (!accumulate) Arrays.fill(dX, p * hw, (p + 1) * hw, 0f);
                for (int o = p * l; o < (p + 1) * l; o++) {
                    int i = indices[o];
                    if (i < -1 || i >= hw)
                        throw new IllegalArgumentException("max_pool2d indices[" + o + "] = " + i + " is outside the " + g.h() + "x" + g.w()
                                + " input plane");
                    if (i < 0) continue;
                    dX[p * hw + i] = throughActivation(dX[p * hw + i] + dY[o], y, slope, o);
                }
            }
        });
    }

    /**
     * act'(z)·v for the gradient v routed to output o's maximum, as the activation's backward sees it:
     * {@code y ≤ 0 ? slope·v : v}, 0 when slope is 0 (y null: no activation). v is a sum onto dX, so
     * a −0 gradient has already become +0.
     */
    private static float throughActivation(float v, float[] y, float slope, int o) {
        return y != null && y[o] <= 0f ? (slope == 0f ? 0f : v * slope) : v;
    }

    /** Lane j of a vector of input columns takes output j/2 of the even-column vector (j even) or of the odd one (j + VL). */
    private static final float[] ZIP = new float[VL];

    static {
        for (int j = 0; j < VL; j++) ZIP[j] = j / 2 + j % 2 * VL;
    }

    /**
     * One (n, c) plane p of {@link #maxPool2dBackward} onto zeros, for nn.MaxPool2d(2) on an even
     * width: each output's value goes to the tap its index names and +0 to the window's other three
     * taps, so every element of the plane is written once and nothing is filled first. A vector
     * holds VL outputs of a row, or two whole rows when a row has at most VL/2 outputs (as in
     * {@link #maxPool2x2Plane}); the even and odd columns of each input row are interleaved by a
     * two-vector lane selection. The values are the scalar loop's: 0 + dY (a −0 becomes +0), then
     * act' from y's sign.
     *
     * <p>Stores are whole vectors, in increasing order of address: the lanes past a row's end land
     * in later rows, which later stores of this plane write (a row's top input row is stored whole
     * before its bottom one), or in the next plane, which this task writes afterwards; {@code limit},
     * the end of the task's planes in dX, bounds them. The rows after the last such vector, and a last
     * odd input row, are written by scalar loops. Returns false, with the plane part written, when an
     * index is neither −1 nor a tap of its own window; the caller then runs the general loop.
     */
    private static boolean maxPool2x2BackwardPlane(float[] dY, float[] y, float slope, int[] indices, float[] dX, int p, int h, int w,
                                                   int ho, int wo, int limit) {
        int hw = h * w, plane = p * hw, out = p * ho * wo;
        long readable = Math.min(Math.min(dY.length, indices.length), y == null ? Integer.MAX_VALUE : y.length);
        boolean pairs = 2 * wo <= VL;
        int split = pairs ? wo : VL, last = (wo - 1) / VL * VL;
        FloatVector zip = FloatVector.fromArray(S, ZIP, 0), zipNext = zip.add(pairs ? wo : VL / 2f), zero = FloatVector.zero(S);
        VectorMask<Float> zeroSlope = S.maskAll(slope == 0f);
        IntVector lane = IntVector.zero(I).addIndex(1);
        // each lane's window: its top-left tap's offset from the vector's first window
        IntVector twice = lane.mul(2).add(2 * w - 2 * split, lane.compare(VectorOperators.GE, split));
        int oh = 0;
        for (; oh < ho; oh += pairs ? 2 : 1) {
            int first = 2 * oh * w;
            long reach = pairs ? (long) plane + first + 3L * w + VL : (long) plane + first + w + 2L * last + 2L * VL;
            if ((long) out + oh * wo + last + VL > readable || reach > limit) break;
            int valid = pairs && oh + 1 < ho ? 2 * wo : wo;
            for (int bottom = 0; bottom < (pairs ? 1 : 2); bottom++)
                for (int ow = 0; ow <= last; ow += VL) {
                    int o = out + oh * wo + ow, at = first + 2 * ow;
                    FloatVector g = FloatVector.fromArray(S, dY, o).add(0f);
                    FloatVector d = y == null ? g
                            : g.blend(g.mul(slope).blend(0f, zeroSlope), FloatVector.fromArray(S, y, o).compare(VectorOperators.LE, 0f));
                    IntVector idx = IntVector.fromArray(I, indices, o), t = idx.sub(twice.add(at));
                    VectorMask<Integer> t0 = t.compare(VectorOperators.EQ, 0), t1 = t.compare(VectorOperators.EQ, 1),
                            t2 = t.compare(VectorOperators.EQ, w), t3 = t.compare(VectorOperators.EQ, w + 1);
                    if (bottom == 0 && lane.compare(VectorOperators.LT, valid - ow)
                            .andNot(t0.or(t1).or(t2).or(t3).or(idx.compare(VectorOperators.EQ, -1))).anyTrue()) return false;
                    if (pairs) {
                        // rows 2·oh to 2·oh + 3 in order: the first output row's top and bottom taps, then the second's
                        FloatVector e0 = zero.blend(d, t0.cast(S)), e1 = zero.blend(d, t1.cast(S)), e2 = zero.blend(d, t2.cast(S)),
                                e3 = zero.blend(d, t3.cast(S));
                        zip.selectFrom(e0, e1).intoArray(dX, plane + at);
                        zip.selectFrom(e2, e3).intoArray(dX, plane + at + w);
                        zipNext.selectFrom(e0, e1).intoArray(dX, plane + at + 2 * w);
                        zipNext.selectFrom(e2, e3).intoArray(dX, plane + at + 3 * w);
                    } else {
                        FloatVector even = zero.blend(d, (bottom == 0 ? t0 : t2).cast(S)), odd = zero.blend(d, (bottom == 0 ? t1 : t3).cast(S));
                        int i = plane + at + bottom * w;
                        zip.selectFrom(even, odd).intoArray(dX, i);
                        zipNext.selectFrom(even, odd).intoArray(dX, i + VL);
                    }
                }
        }
        for (; oh < ho; oh++) {
            Arrays.fill(dX, plane + 2 * oh * w, plane + 2 * (oh + 1) * w, 0f);
            for (int ow = 0, o = out + oh * wo; ow < wo; ow++, o++) {
                int i = indices[o], t = i - 2 * oh * w - 2 * ow;
                if (i == -1) continue;
                if (t != 0 && t != 1 && t != w && t != w + 1) return false;
                dX[plane + i] = throughActivation(0f + dY[o], y, slope, o);
            }
        }
        Arrays.fill(dX, plane + 2 * ho * w, plane + hw, 0f);
        return true;
    }

    /**
     * The backward of {@link #maxPool2x2Normalized} as far as z: dZ = act'(z)·(the gradient
     * {@link #maxPool2dBackward} routes to z), written onto zeros, act' read from the sign of the
     * pooled output y (the maximum is the tap the gradient goes to), as
     * {@code Elementwise.activationBackward} computes it: {@code y ≤ 0 ? slope·g : g}, 0 when slope
     * is 0. Positions no window routes to get +0, as that activation's backward gives them.
     * dY, y and indices: [N, C, H/2, W/2], dZ: [N, C, H, W].
     */
    public static void maxPool2x2NormalizedBackward(float[] dY, float[] y, float slope, int[] indices, float[] dZ, Geometry g) {
        requirePool2x2(g);
        need(y.length, "max_pool2d output", g.outputSize(), g);
        maxPool2dBackward(dY, y, slope, indices, dZ, g, false);
    }

    /** y = avg_pool2d(x) with count_include_pad: the window's sum over the image, divided by kH·kW. */
    public static void avgPool2dForward(float[] x, float[] y, Geometry g) {
        avgPool2d(x, y, g, false, false);
    }

    /**
     * dX[n, c, ih, iw] (+)= Σ over the windows holding (ih, iw) of dY[n, c, oh, ow] / (kH·kW), onto zeros unless
     * {@code accumulate}. dY: [N, C, Ho, Wo], dX: [N, C, H, W].
     */
    public static void avgPool2dBackward(float[] dY, float[] dX, Geometry g, boolean accumulate) {
        avgPool2d(dX, dY, g, true, accumulate);
    }

    /** Both directions of average pooling: x and y are the input and output sides, whichever is written. */
    private static void avgPool2d(float[] x, float[] y, Geometry g, boolean backward, boolean accumulate) {
        if (g.dilH() != 1 || g.dilW() != 1)
            throw new IllegalArgumentException("avg_pool2d has no dilation, got dilation (" + g.dilH() + " x " + g.dilW() + ")");
        String what = backward ? "avg_pool2d input gradient" : "avg_pool2d input";
        need(x.length, what, g.inputSize(), g);
        need(y.length, backward ? "avg_pool2d output gradient" : "avg_pool2d output", g.outputSize(), g);
        // without ceil_mode no window reaches past the padding, so every divisor is the full kernel area
        int ho = g.ho(), wo = g.wo(), hw = g.h() * g.w(), l = ho * wo, divisor = g.kH() * g.kW();
        Parallel.forRange(g.n() * g.c(), Conv2dKernels.grain((long) l * divisor), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                if (backward && !accumulate) Arrays.fill(x, p * hw, (p + 1) * hw, 0f);
                for (int oh = 0, o = p * l; oh < ho; oh++) {
                    int ih0 = Math.max(0, oh * g.strideH() - g.padH()), ih1 = Math.min(g.h(), oh * g.strideH() - g.padH() + g.kH());
                    for (int ow = 0; ow < wo; ow++, o++) {
                        int iw0 = Math.max(0, ow * g.strideW() - g.padW()), iw1 = Math.min(g.w(), ow * g.strideW() - g.padW() + g.kW());
                        window(x, p * hw, g.w(), ih0, ih1, iw0, iw1, y, o, backward, divisor, 1);
                    }
                }
            }
        });
    }

    /**
     * y = adaptive_avg_pool2d(x, (ho, wo)): the mean of each of PyTorch's bins (see the class comment), which
     * overlap when the sizes do not divide. x: [n, c, h, w], y: [n, c, ho, wo].
     */
    public static void adaptiveAvgPool2dForward(float[] x, float[] y, int n, int c, int h, int w, int ho, int wo) {
        adaptiveAvgPool2d(x, y, n, c, h, w, ho, wo, false, false);
    }

    /**
     * dX[n, c, ih, iw] (+)= Σ over the bins holding (ih, iw) of dY[n, c, i, j] / (bin height) / (bin width), onto
     * zeros unless {@code accumulate}. dY: [n, c, ho, wo], dX: [n, c, h, w].
     */
    public static void adaptiveAvgPool2dBackward(float[] dY, float[] dX, int n, int c, int h, int w, int ho, int wo, boolean accumulate) {
        adaptiveAvgPool2d(dX, dY, n, c, h, w, ho, wo, true, accumulate);
    }

    private static void adaptiveAvgPool2d(float[] x, float[] y, int n, int c, int h, int w, int ho, int wo, boolean backward,
                                          boolean accumulate) {
        if (ho < 0 || wo < 0)
            throw new IllegalArgumentException("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received ("
                    + ho + ", " + wo + ")");
        if (n < 0 || c < 1 || h < 1 || w < 1)
            throw new IllegalArgumentException("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, "
                    + "but input has sizes " + Arrays.toString(new int[]{n, c, h, w}));
        long in = (long) n * c * h * w, out = (long) n * c * ho * wo;
        if (in > Integer.MAX_VALUE || out > Integer.MAX_VALUE)
            throw new IllegalArgumentException("adaptive_avg_pool2d on " + Arrays.toString(new int[]{n, c, h, w}) + " to (" + ho + ", " + wo
                    + ") has more than 2^31-1 elements");
        String shapes = " of " + Arrays.toString(new int[]{n, c, h, w}) + " to " + Arrays.toString(new int[]{n, c, ho, wo});
        if (x.length < in) throw new IllegalArgumentException("adaptive_avg_pool2d" + shapes + " needs " + in + " input floats, got " + x.length);
        if (y.length < out) throw new IllegalArgumentException("adaptive_avg_pool2d" + shapes + " needs " + out + " output floats, got " + y.length);
        int hw = h * w, l = ho * wo;
        Parallel.forRange(n * c, Conv2dKernels.grain(hw + l), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                if (backward && !accumulate) Arrays.fill(x, p * hw, (p + 1) * hw, 0f);
                for (int i = 0, o = p * l; i < ho; i++) {
                    int ih0 = (int) ((long) i * h / ho), ih1 = (int) (((i + 1L) * h + ho - 1) / ho);
                    for (int j = 0; j < wo; j++, o++) {
                        int iw0 = (int) ((long) j * w / wo), iw1 = (int) (((j + 1L) * w + wo - 1) / wo);
                        window(x, p * hw, w, ih0, ih1, iw0, iw1, y, o, backward, ih1 - ih0, iw1 - iw0);
                    }
                }
            }
        });
    }

    /**
     * One average over rows [ih0, ih1) and columns [iw0, iw1) of the plane at x[plane]: forward,
     * y[o] = Σ / d1 / d2 in row order; backward, each of those x += y[o] / d1 / d2. Dividing twice, not
     * once by d1·d2, is how PyTorch's adaptive kernels round (average pooling passes d2 = 1).
     */
    private static void window(float[] x, int plane, int w, int ih0, int ih1, int iw0, int iw1, float[] y, int o,
                               boolean backward, int d1, int d2) {
        if (backward) {
            float delta = y[o] / d1 / d2;
            for (int ih = ih0; ih < ih1; ih++)
                for (int i = plane + ih * w + iw0, e = plane + ih * w + iw1; i < e; i++) x[i] += delta;
        } else {
            float sum = 0f;
            for (int ih = ih0; ih < ih1; ih++)
                for (int i = plane + ih * w + iw0, e = plane + ih * w + iw1; i < e; i++) sum += x[i];
            y[o] = sum / d1 / d2;
        }
    }

    /** The first tap k ≥ 0 of a window starting at i0 (tap k reads i0 + k·dil) that is inside the image. */
    private static int first(int i0, int dil, int k) {
        return i0 >= 0 ? 0 : Math.min(k, Math.ceilDiv(-i0, dil));
    }

    /** One past the last tap (below k) inside an image of {@code size}. */
    private static int end(int i0, int dil, int k, int size) {
        return Math.max(0, Math.min(k, Math.floorDiv(size - 1 - i0, dil) + 1));
    }

    /** A shape error naming the pooling's input and output shapes. */
    private static void need(int length, String what, int size, Geometry g) {
        if (length < size)
            throw new IllegalArgumentException(what + " needs " + size + " elements for input " + Arrays.toString(new int[]{g.n(), g.c(), g.h(), g.w()})
                    + " and output " + Arrays.toString(new int[]{g.n(), g.c(), g.ho(), g.wo()}) + ", got an array of " + length);
    }
}
