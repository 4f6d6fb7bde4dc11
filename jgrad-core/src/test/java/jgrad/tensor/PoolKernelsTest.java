package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jgrad.tensor.PoolKernels.Geometry;

/**
 * The pooling kernels against direct loops written from PyTorch's definitions. The direct loops
 * add in the kernels' order (through the window row by row; onto dX in output order) and divide
 * the same way, so every comparison is exact. The inputs are small integers with some NaN and
 * ±∞, so that windows have ties and special values.
 */
class PoolKernelsTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    /** One spatial dimension: input size, kernel, stride, padding, dilation. */
    private record Dim(int size, int k, int s, int p, int d) {}

    /** Size 1–6, dilation 1–2, stride 1–3, padding 0–2 up to half the kernel, every kernel that leaves an output. */
    private static List<Dim> dims() {
        List<Dim> dims = new ArrayList<>();
        for (int size = 1; size <= 6; size++)
            for (int d = 1; d <= 2; d++)
                for (int p = 0; p <= 2; p++)
                    for (int k = Math.max(1, 2 * p); d * (k - 1) + 1 <= size + 2 * p; k++)
                        for (int s = 1; s <= 3; s++) dims.add(new Dim(size, k, s, p, d));
        return dims;
    }

    private static float[] values(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            float u = rng.uniform();
            a[i] = u < 0.03f ? Float.NaN : u < 0.06f ? NEG_INF : u < 0.08f ? Float.POSITIVE_INFINITY : Math.round(rng.normal() * 1.5f);
        }
        return a;
    }

    /** Max pooling by definition: padding taps are −∞ and never chosen; x > max or NaN replaces, so ties keep the first. */
    private static void naiveMax(float[] x, Geometry g, float[] y, int[] idx) {
        int ho = g.ho(), wo = g.wo();
        for (int p = 0; p < g.n() * g.c(); p++)
            for (int oh = 0; oh < ho; oh++)
                for (int ow = 0; ow < wo; ow++) {
                    float m = NEG_INF;
                    int at = -1;
                    for (int kh = 0; kh < g.kH(); kh++)
                        for (int kw = 0; kw < g.kW(); kw++) {
                            int ih = oh * g.strideH() - g.padH() + kh * g.dilH(), iw = ow * g.strideW() - g.padW() + kw * g.dilW();
                            if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                            float v = x[p * g.h() * g.w() + ih * g.w() + iw];
                            if (at < 0 || v > m || Float.isNaN(v)) {
                                m = v;
                                at = ih * g.w() + iw;
                            }
                        }
                    y[(p * ho + oh) * wo + ow] = m;
                    idx[(p * ho + oh) * wo + ow] = at;
                }
    }

    /** Average pooling by definition: the padded window's sum (padding adds 0) over kH·kW; backward spreads dY/(kH·kW). */
    private static float[] naiveAvg(float[] in, Geometry g, boolean backward, float[] base) {
        int ho = g.ho(), wo = g.wo(), hw = g.h() * g.w(), div = g.kH() * g.kW();
        float[] out = backward ? (base == null ? new float[g.inputSize()] : base.clone()) : new float[g.outputSize()];
        for (int p = 0; p < g.n() * g.c(); p++)
            for (int oh = 0; oh < ho; oh++)
                for (int ow = 0; ow < wo; ow++) {
                    int o = (p * ho + oh) * wo + ow;
                    float sum = 0f;
                    for (int kh = 0; kh < g.kH(); kh++)
                        for (int kw = 0; kw < g.kW(); kw++) {
                            int ih = oh * g.strideH() - g.padH() + kh, iw = ow * g.strideW() - g.padW() + kw;
                            if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                            if (backward) out[p * hw + ih * g.w() + iw] += in[o] / div;
                            else sum += in[p * hw + ih * g.w() + iw];
                        }
                    if (!backward) out[o] = sum / div;
                }
        return out;
    }

    private static void checkPools(Rng rng, Geometry g) {
        String what = g.toString();
        float[] x = values(rng, g.inputSize()), dY = values(rng, g.outputSize());
        float[] want = new float[g.outputSize()], y = values(rng, g.outputSize());
        int[] wantIdx = new int[g.outputSize()], idx = new int[g.outputSize()];
        naiveMax(x, g, want, wantIdx);
        PoolKernels.maxPool2dForward(x, y, idx, g);
        assertArrayEquals(want, y, "max " + what);
        assertArrayEquals(wantIdx, idx, "argmax " + what);
        boolean avg = g.dilH() == 1 && g.dilW() == 1;
        if (avg) {
            PoolKernels.avgPool2dForward(x, y, g);
            assertArrayEquals(naiveAvg(x, g, false, null), y, "avg " + what);
        }
        for (boolean acc : new boolean[]{false, true}) {
            float[] dX0 = values(rng, g.inputSize()), wantDX = acc ? dX0.clone() : new float[g.inputSize()], dX = dX0.clone();
            for (int o = 0; o < idx.length; o++)
                if (idx[o] >= 0) wantDX[o / (g.ho() * g.wo()) * g.h() * g.w() + idx[o]] += dY[o];
            PoolKernels.maxPool2dBackward(dY, idx, dX, g, acc);
            assertArrayEquals(wantDX, dX, "max backward accumulate=" + acc + " " + what);
            if (avg) {
                dX = dX0.clone();
                PoolKernels.avgPool2dBackward(dY, dX, g, acc);
                assertArrayEquals(naiveAvg(dY, g, true, acc ? dX0 : null), dX, "avg backward accumulate=" + acc + " " + what);
            }
        }
    }

    /** nn.MaxPool2d(2), which has a vector body: every width from 2 past four vectors of output, odd sizes included. */
    @Test
    void maxPool2x2MatchesItsDefinitionOnEveryWidth() {
        Rng rng = new Rng(31);
        for (int h = 2; h <= 5; h++)
            for (int w = 2; w <= 8 * Simd.VL + 3; w++) checkPools(rng, new Geometry(h % 3, 1 + w % 2, h, w, 2, 2, 2, 2, 0, 0, 1, 1));
    }

    /**
     * nn.MaxPool2d(2) on every window of four taps from NaN, ±∞, ±0 and 1 (so NaN, -0/+0 ties and
     * −∞ in every tap position), on rows of 1 to 2·VL + 1 outputs, even and odd input sizes, three
     * planes: the vector body takes two short rows or part of a long one per vector, and must agree
     * with the definition bit for bit.
     */
    @Test
    void maxPool2x2KeepsNaNTiesAndSignedZerosInEveryTapPosition() {
        float[] taps = {Float.NaN, Float.POSITIVE_INFINITY, NEG_INF, 0f, -0f, 1f};
        Rng rng = new Rng(37);
        int window = 0;
        for (int wo = 1; wo <= 2 * Simd.VL + 1; wo++)
            for (int extra = 0; extra <= 1; extra++) {
                int ho = 5, h = 2 * ho + (wo + extra) % 2, w = 2 * wo + extra;
                Geometry g = new Geometry(1, 3, h, w, 2, 2, 2, 2, 0, 0, 1, 1);
                float[] x = new float[g.inputSize()];
                for (int i = 0; i < x.length; i++) x[i] = taps[(int) (rng.uniform() * taps.length)];   // what the odd row and column keep
                for (int p = 0; p < 3; p++)
                    for (int oh = 0; oh < ho; oh++)
                        for (int ow = 0; ow < wo; ow++, window++)
                            for (int t = 0, code = window % 1296; t < 4; t++, code /= 6)
                                x[p * h * w + (2 * oh + t / 2) * w + 2 * ow + t % 2] = taps[code % 6];
                float[] want = new float[g.outputSize()], y = new float[g.outputSize()];
                int[] wantIdx = new int[g.outputSize()], idx = new int[g.outputSize()];
                naiveMax(x, g, want, wantIdx);
                PoolKernels.maxPool2dForward(x, y, idx, g);
                assertArrayEquals(want, y, "max " + g);
                assertArrayEquals(wantIdx, idx, "argmax " + g);
            }
        assertTrue(window >= 6 * 6 * 6 * 6, "every window came up");
    }

    /**
     * Max pooling of batch norm's output computed on the fly against batch norm's output written
     * out and pooled: the same values and indices, bit for bit, on every width from 2 to past four
     * vectors of output, odd sizes, channels with negative and zero scales, ReLU, LeakyReLU and no
     * activation, inputs with NaN and ±∞. Then the backward: the gradient routed to the maxima and
     * through the activation, against max pooling's backward followed by the activation's.
     */
    @Test
    void maxPool2x2OfNormalizedGivesTheBitsOfNormalizingThenPooling() {
        Rng rng = new Rng(43);
        for (float slope : new float[]{0f, 0.1f, 1f})
            for (int h = 2; h <= 5; h++)
                for (int w = 2; w <= 8 * Simd.VL + 3; w += 1 + w / 8) {
                    int n = 1 + h % 2, c = 3, l = h * w;
                    Geometry g = new Geometry(n, c, h, w, 2, 2, 2, 2, 0, 0, 1, 1);
                    float[] x = values(rng, g.inputSize()), mean = {0.5f, -1f, 0f}, invStd = {0.7f, 2f, 1f}, gamma = {1.5f, -0.5f, 0f},
                            beta = {0.25f, 0f, -0f};
                    float[] z = new float[x.length], want = new float[g.outputSize()], y = new float[g.outputSize()];
                    int[] wantIdx = new int[g.outputSize()], idx = new int[g.outputSize()];
                    BatchNormKernels.planeNormalize(x, mean, invStd, gamma, beta, slope, n, c, l, z);
                    PoolKernels.maxPool2dForward(z, want, wantIdx, g);
                    PoolKernels.maxPool2x2Normalized(x, new PoolKernels.Normalized(mean, invStd, gamma, beta, slope), y, idx, g);
                    String at = g + " slope " + slope;
                    assertArrayEquals(want, y, "max " + at);
                    assertArrayEquals(wantIdx, idx, "argmax " + at);

                    float[] dY = values(rng, g.outputSize()), dZ = new float[x.length];
                    for (int i = 0; i < dY.length; i += 5) dY[i] = -0f;   // routed to +0 or scaled, as the separate ops do
                    float[] routed = new float[x.length];
                    PoolKernels.maxPool2dBackward(dY, wantIdx, routed, g, false);
                    Elementwise.activationBackward(z, slope, routed, routed, routed.length, false);
                    java.util.Arrays.fill(dZ, Float.NaN);   // every element is written
                    PoolKernels.maxPool2x2NormalizedBackward(dY, y, slope, idx, dZ, g);
                    assertArrayEquals(routed, dZ, "dZ " + at);
                }
    }

    /**
     * nn.MaxPool2d(2) on enough planes to be split between two threads, unevenly: each task's
     * vectors write past a row's end only into outputs that task writes again, never into the other's.
     */
    @Test
    void maxPool2x2SplitAcrossThreadsMatchesItsDefinition() {
        Rng rng = new Rng(41);
        int before = Parallel.threads();
        try {
            for (int[] hw : new int[][]{{15, 14}, {9, 13}, {5, 3}, {7, 2 * Simd.VL + 3}, {14, 14}, {7, 2 * Simd.VL + 2}, {8, 4}}) {
                int l = hw[0] / 2 * (hw[1] / 2), planes = 2 * Conv2dKernels.grain(4L * l) + 3;
                Geometry g = new Geometry(1, planes, hw[0], hw[1], 2, 2, 2, 2, 0, 0, 1, 1);
                float[] x = values(rng, g.inputSize()), want = new float[g.outputSize()], dY = values(rng, g.outputSize());
                int[] wantIdx = new int[g.outputSize()];
                naiveMax(x, g, want, wantIdx);
                float[] wantDX = new float[g.inputSize()];
                for (int o = 0; o < wantIdx.length; o++) wantDX[o / l * hw[0] * hw[1] + wantIdx[o]] += dY[o];
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    float[] y = values(rng, g.outputSize());
                    int[] idx = new int[g.outputSize()];
                    PoolKernels.maxPool2dForward(x, y, idx, g);
                    assertArrayEquals(want, y, threads + " threads, max " + g);
                    assertArrayEquals(wantIdx, idx, threads + " threads, argmax " + g);
                    float[] dX = values(rng, g.inputSize());
                    PoolKernels.maxPool2dBackward(dY, idx, dX, g, false);
                    assertArrayEquals(wantDX, dX, threads + " threads, max backward " + g);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Every height configuration against itself and a rotating sample of width configurations, N 0–2 and C 1–4 rotating. */
    @Test
    void maxAndAvgPoolMatchTheirDefinitionsOnAllSmallShapes() {
        Rng rng = new Rng(21);
        List<Dim> dims = dims();
        int cases = 0;
        for (int i = 0; i < dims.size(); i++)
            for (int j = 0; j < 24; j++, cases++) {
                Dim h = dims.get(i), w = dims.get(j == 0 ? i : (i * 5 + j * 97) % dims.size());
                checkPools(rng, new Geometry(cases % 3, 1 + cases / 3 % 4, h.size(), w.size(), h.k(), w.k(), h.s(), w.s(),
                        h.p(), w.p(), h.d(), w.d()));
            }
    }

    /** PyTorch's bins, from floor and ceil in double rather than the kernels' integer arithmetic. */
    private static int binStart(int i, int in, int out) {
        return (int) Math.floor((double) i * in / out);
    }

    private static int binEnd(int i, int in, int out) {
        return (int) Math.ceil((double) (i + 1) * in / out);
    }

    @Test
    void adaptiveAvgPoolMatchesItsDefinition() {
        Rng rng = new Rng(22);
        int cases = 0;
        for (int h = 1; h <= 7; h++)
            for (int w = 1; w <= 7; w++)
                for (int oh = 0; oh <= 8; oh++)
                    for (int ow = 0; ow <= 8; ow++, cases++) {
                        int n = cases % 3, c = 1 + cases / 3 % 4, hw = h * w, l = oh * ow;
                        float[] x = values(rng, n * c * hw), dY = values(rng, n * c * l), want = new float[n * c * l], y = values(rng, n * c * l);
                        float[] dX0 = values(rng, n * c * hw), wantDX = dX0.clone(), wantAssign = new float[n * c * hw];
                        for (int p = 0; p < n * c; p++)
                            for (int i = 0; i < oh; i++)
                                for (int j = 0; j < ow; j++) {
                                    int h0 = binStart(i, h, oh), h1 = binEnd(i, h, oh), w0 = binStart(j, w, ow), w1 = binEnd(j, w, ow), o = p * l + i * ow + j;
                                    float sum = 0f;
                                    for (int ih = h0; ih < h1; ih++)
                                        for (int iw = w0; iw < w1; iw++) {
                                            sum += x[p * hw + ih * w + iw];
                                            wantDX[p * hw + ih * w + iw] += dY[o] / (h1 - h0) / (w1 - w0);
                                            wantAssign[p * hw + ih * w + iw] += dY[o] / (h1 - h0) / (w1 - w0);
                                        }
                                    want[o] = sum / (h1 - h0) / (w1 - w0);
                                }
                        String what = "[" + n + ", " + c + ", " + h + ", " + w + "] to (" + oh + ", " + ow + ")";
                        PoolKernels.adaptiveAvgPool2dForward(x, y, n, c, h, w, oh, ow);
                        assertArrayEquals(want, y, what);
                        float[] dX = dX0.clone();
                        PoolKernels.adaptiveAvgPool2dBackward(dY, dX, n, c, h, w, oh, ow, true);
                        assertArrayEquals(wantDX, dX, "accumulate " + what);
                        PoolKernels.adaptiveAvgPool2dBackward(dY, dX, n, c, h, w, oh, ow, false);
                        assertArrayEquals(wantAssign, dX, "assign " + what);
                    }
        // 5 → 3 uses PyTorch's overlapping bins [0, 2), [1, 4), [3, 5)
        float[] y = new float[3];
        PoolKernels.adaptiveAvgPool2dForward(new float[]{1, 2, 3, 4, 5}, y, 1, 1, 1, 5, 1, 3);
        assertArrayEquals(new float[]{1.5f, 3f, 4.5f}, y);
    }

    @Test
    void maxPoolFollowsPyTorchOnNaNTiesAndPadding() {
        float nan = Float.NaN;
        float[] y = new float[1];
        int[] idx = new int[1];
        Geometry g22 = new Geometry(1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1);
        PoolKernels.maxPool2dForward(new float[]{1, nan, 3, nan}, y, idx, g22);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(3, idx[0], "the last NaN's position, as PyTorch's CPU kernel gives");
        PoolKernels.maxPool2dForward(new float[]{2, 5, 5, 1}, y, idx, g22);
        assertEquals(5f, y[0]);
        assertEquals(1, idx[0], "the first of tied maxima");
        PoolKernels.maxPool2dForward(new float[]{NEG_INF, NEG_INF, NEG_INF, NEG_INF}, y, idx, g22);
        assertEquals(NEG_INF, y[0]);
        assertEquals(0, idx[0]);
        // padding is −∞, not 0: a negative input next to it is the maximum
        float[] y2 = new float[2];
        int[] idx2 = new int[2];
        PoolKernels.maxPool2dForward(new float[]{-3, -2}, y2, idx2, new Geometry(1, 1, 1, 2, 1, 2, 1, 2, 0, 1, 1, 1));
        assertArrayEquals(new float[]{-3, -2}, y2);
        assertArrayEquals(new int[]{0, 1}, idx2);
        // with dilation a window can hold only padding: −∞, index −1, and no gradient
        Geometry hollow = new Geometry(1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 2, 2);
        PoolKernels.maxPool2dForward(new float[]{7}, y, idx, hollow);
        assertEquals(NEG_INF, y[0]);
        assertEquals(-1, idx[0]);
        float[] dX = {5};
        PoolKernels.maxPool2dBackward(new float[]{1}, idx, dX, hollow, false);
        assertArrayEquals(new float[]{0}, dX);
        // an index of −1 passes nothing, and one outside its own window but inside the plane still gets its gradient,
        // as the general loop gives them, on a width the vector body takes
        Geometry wide = new Geometry(1, 1, 4, 2 * Simd.VL + 2, 2, 2, 2, 2, 0, 0, 1, 1);
        int[] odd = new int[wide.outputSize()];
        float[] ones = new float[odd.length];
        java.util.Arrays.fill(ones, 1f);
        for (int o = 0; o < odd.length; o++) odd[o] = 2 * (o / wide.wo()) * wide.w() + 2 * (o % wide.wo());
        odd[1] = -1;
        odd[wide.wo() + 2] = 0;
        float[] routed = values(new Rng(5), wide.inputSize()), expected = new float[wide.inputSize()];
        for (int o = 0; o < odd.length; o++) if (odd[o] >= 0) expected[odd[o]] += 1f;
        PoolKernels.maxPool2dBackward(ones, odd, routed, wide, false);
        assertArrayEquals(expected, routed);
        assertEquals(2f, routed[0], "two outputs routed to one element add up");
        // a corrupt index is an error, not a write into another plane
        String m = assertThrows(IllegalArgumentException.class,
                () -> PoolKernels.maxPool2dBackward(new float[]{1}, new int[]{4}, new float[4], g22, false)).getMessage();
        assertEquals("max_pool2d indices[0] = 4 is outside the 2x2 input plane", m);
    }

    @Test
    void avgPoolCountsThePaddingInItsDivisor() {
        // a 2×2 image of ones, kernel 2, stride 1, padding 1: corner windows hold one pixel, edge windows two, and all divide by 4
        float[] y = new float[9];
        PoolKernels.avgPool2dForward(new float[]{1, 1, 1, 1}, y, new Geometry(1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1));
        assertArrayEquals(new float[]{0.25f, 0.5f, 0.25f, 0.5f, 1f, 0.5f, 0.25f, 0.5f, 0.25f}, y);
        float[] y4 = new float[4];
        PoolKernels.avgPool2dForward(new float[]{4, 8, 12, 16}, y4, new Geometry(1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1));
        assertArrayEquals(new float[]{1, 2, 3, 4}, y4);
    }

    /** A Fashion-MNIST-sized batch: threaded across planes, the same bits for 1 and 2 threads, and equal to the definition. */
    @Test
    void largeBatchesDoNotDependOnTheThreadCount() {
        Rng rng = new Rng(23);
        Geometry g = new Geometry(16, 32, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1);
        float[] x = values(rng, g.inputSize()), dY = values(rng, g.outputSize()), want = new float[g.outputSize()];
        int[] wantIdx = new int[g.outputSize()];
        naiveMax(x, g, want, wantIdx);
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                float[] y = new float[g.outputSize()], avg = new float[g.outputSize()], dX = new float[g.inputSize()];
                int[] idx = new int[g.outputSize()];
                PoolKernels.maxPool2dForward(x, y, idx, g);
                assertArrayEquals(want, y);
                assertArrayEquals(wantIdx, idx);
                PoolKernels.avgPool2dForward(x, avg, g);
                assertArrayEquals(naiveAvg(x, g, false, null), avg);
                PoolKernels.avgPool2dBackward(dY, dX, g, false);
                assertArrayEquals(naiveAvg(dY, g, true, null), dX);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void invalidPoolingIsRejectedWithPyTorchsMessages() {
        assertEquals("kernel size should be greater than zero, but got kH: 0 kW: 2", error(() -> new Geometry(1, 1, 4, 4, 0, 2, 1, 1, 0, 0, 1, 1)));
        assertEquals("stride should be greater than zero, but got dH: 1 dW: 0", error(() -> new Geometry(1, 1, 4, 4, 2, 2, 1, 0, 0, 0, 1, 1)));
        assertEquals("dilation should be greater than zero, but got dilationH: 0 dilationW: 1",
                error(() -> new Geometry(1, 1, 4, 4, 2, 2, 1, 1, 0, 0, 0, 1)));
        assertEquals("pad must be non-negative, but got pad: -1", error(() -> new Geometry(1, 1, 4, 4, 2, 2, 1, 1, -1, 0, 1, 1)));
        assertEquals("pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1",
                error(() -> new Geometry(1, 1, 5, 5, 3, 3, 1, 1, 2, 2, 1, 1)));
        assertEquals("pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, kW = 3, kH = 3",
                error(() -> new Geometry(1, 1, 5, 5, 3, 3, 1, 1, 2, 2, 2, 2)));
        assertEquals("Given input size: (2x1x1). Calculated output size: (2x0x0). Output size is too small",
                error(() -> new Geometry(1, 2, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1)));
        assertTrue(error(() -> new Geometry(1, 0, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1)).endsWith("but got: [1, 0, 4, 4]"));
        Geometry dilated = new Geometry(1, 1, 5, 5, 2, 2, 1, 1, 0, 0, 2, 1);
        assertEquals("avg_pool2d has no dilation, got dilation (2 x 1)", error(() -> PoolKernels.avgPool2dForward(new float[25], new float[12], dilated)));
        Geometry g = new Geometry(2, 3, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1);
        assertEquals("max_pool2d output needs 24 elements for input [2, 3, 4, 4] and output [2, 3, 2, 2], got an array of 23",
                error(() -> PoolKernels.maxPool2dForward(new float[96], new float[23], new int[24], g)));
        assertTrue(error(() -> PoolKernels.avgPool2dBackward(new float[24], new float[95], g, false)).startsWith("avg_pool2d input gradient needs 96"));
        assertTrue(error(() -> PoolKernels.adaptiveAvgPool2dForward(new float[4], new float[1], 1, 1, 2, 2, -1, 1)).contains("received (-1, 1)"));
        assertTrue(error(() -> PoolKernels.adaptiveAvgPool2dForward(new float[4], new float[1], 1, 1, 0, 2, 1, 1)).contains("[1, 1, 0, 2]"));
        assertEquals("adaptive_avg_pool2d of [1, 1, 2, 2] to [1, 1, 2, 1] needs 2 output floats, got 1",
                error(() -> PoolKernels.adaptiveAvgPool2dForward(new float[4], new float[1], 1, 1, 2, 2, 2, 1)));
    }
}
