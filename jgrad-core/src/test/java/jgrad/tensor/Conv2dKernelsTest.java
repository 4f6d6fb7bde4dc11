package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jgrad.tensor.Conv2dKernels.Geometry;

/**
 * The convolution kernels against direct loops written from the definition, with MatMul's SIMD and
 * scalar twins both. The forward pass and the input gradient are compared exactly: the direct loops
 * sum in the kernels' order (an fma chain over (ci, kh, kw) from 0, then the bias; per tap (kh, kw)
 * an fma chain over co, added to dX in (kh, kw) order), so any difference is a wrong index. The
 * weight and bias gradients are sums over the batch whose order depends on how the batch is
 * chunked, so they are compared with a tolerance against a double-precision sum (see {@link #assertClose}).
 */
class Conv2dKernelsTest {
    /** One spatial dimension of a convolution: input size, kernel, stride, padding, dilation. */
    private record Dim(int size, int k, int s, int p, int d) {}

    private record Channels(int n, int cin, int cout, int groups) {}

    /** Every dimension with size 1–6, padding 0–2, dilation 1–2, stride 1–3 and kernel 1 up to the padded size. */
    private static List<Dim> dims() {
        List<Dim> dims = new ArrayList<>();
        for (int size = 1; size <= 6; size++)
            for (int p = 0; p <= 2; p++)
                for (int d = 1; d <= 2; d++)
                    for (int k = 1; d * (k - 1) + 1 <= size + 2 * p; k++)
                        for (int s = 1; s <= 3; s++) dims.add(new Dim(size, k, s, p, d));
        return dims;
    }

    /** N 0–2, Cin and Cout 1–4, groups 1, 2 and Cin (depthwise) wherever they divide both. */
    private static List<Channels> channels() {
        List<Channels> list = new ArrayList<>();
        for (int n = 0; n <= 2; n++)
            for (int cin = 1; cin <= 4; cin++)
                for (int cout = 1; cout <= 4; cout++)
                    for (int groups : new int[]{1, 2, cin}) {
                        Channels c = new Channels(n, cin, cout, groups);
                        if (cin % groups == 0 && cout % groups == 0 && !list.contains(c)) list.add(c);
                    }
        return list;
    }

    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.normal();
        return a;
    }

    private static float in(float[] x, Geometry g, int n, int c, int ih, int iw) {
        return ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w() ? 0f : x[((n * g.cin() + c) * g.h() + ih) * g.w() + iw];
    }

    private static int wIndex(Geometry g, int co, int ci, int kh, int kw) {
        return ((co * (g.cin() / g.groups()) + ci) * g.kH() + kh) * g.kW() + kw;
    }

    private static float[] naiveForward(float[] x, float[] w, float[] b, Geometry g) {
        int cinG = g.cin() / g.groups(), coutG = g.cout() / g.groups(), ho = g.ho(), wo = g.wo();
        float[] y = new float[g.outputSize()];
        for (int n = 0; n < g.n(); n++)
            for (int co = 0; co < g.cout(); co++)
                for (int oh = 0; oh < ho; oh++)
                    for (int ow = 0; ow < wo; ow++) {
                        float acc = 0f;
                        for (int ci = 0; ci < cinG; ci++)
                            for (int kh = 0; kh < g.kH(); kh++)
                                for (int kw = 0; kw < g.kW(); kw++)
                                    acc = Math.fma(w[wIndex(g, co, ci, kh, kw)], in(x, g, n, co / coutG * cinG + ci,
                                            oh * g.strideH() - g.padH() + kh * g.dilH(), ow * g.strideW() - g.padW() + kw * g.dilW()), acc);
                        y[((n * g.cout() + co) * ho + oh) * wo + ow] = b == null ? acc : acc + b[co];
                    }
        return y;
    }

    /** dX[n, c, ih, iw] = base + Σ_{kh, kw} (Σ_co w·dY at the output whose tap (kh, kw) reads (ih, iw)). */
    private static float[] naiveBackwardInput(float[] dY, float[] w, float[] base, Geometry g) {
        int cinG = g.cin() / g.groups(), coutG = g.cout() / g.groups(), ho = g.ho(), wo = g.wo();
        float[] dX = new float[g.inputSize()];
        for (int n = 0; n < g.n(); n++)
            for (int c = 0; c < g.cin(); c++)
                for (int ih = 0; ih < g.h(); ih++)
                    for (int iw = 0; iw < g.w(); iw++) {
                        int i = ((n * g.cin() + c) * g.h() + ih) * g.w() + iw, grp = c / cinG;
                        float acc = base == null ? 0f : base[i];
                        for (int kh = 0; kh < g.kH(); kh++)
                            for (int kw = 0; kw < g.kW(); kw++) {
                                int th = ih + g.padH() - kh * g.dilH(), tw = iw + g.padW() - kw * g.dilW();
                                if (th < 0 || tw < 0 || th % g.strideH() != 0 || tw % g.strideW() != 0) continue;
                                int oh = th / g.strideH(), ow = tw / g.strideW();
                                if (oh >= ho || ow >= wo) continue;
                                float t = 0f;
                                for (int co = grp * coutG; co < (grp + 1) * coutG; co++)
                                    t = Math.fma(w[wIndex(g, co, c % cinG, kh, kw)], dY[((n * g.cout() + co) * ho + oh) * wo + ow], t);
                                acc += t;
                            }
                        dX[i] = acc;
                    }
        return dX;
    }

    /**
     * dW (then dB, appended) in double, with the sums of |term| beside them for the tolerance:
     * returns {values, magnitudes}, each of length weightSize + cout.
     */
    private static double[][] naiveBackwardWeight(float[] dY, float[] x, float[] dW0, float[] dB0, Geometry g) {
        int cinG = g.cin() / g.groups(), coutG = g.cout() / g.groups(), ho = g.ho(), wo = g.wo(), nw = g.weightSize();
        double[] v = new double[nw + g.cout()], m = new double[nw + g.cout()];
        for (int co = 0; co < g.cout(); co++) {
            for (int ci = 0; ci < cinG; ci++)
                for (int kh = 0; kh < g.kH(); kh++)
                    for (int kw = 0; kw < g.kW(); kw++) {
                        int i = wIndex(g, co, ci, kh, kw);
                        v[i] = dW0 == null ? 0 : dW0[i];
                        m[i] = Math.abs(v[i]);
                        for (int n = 0; n < g.n(); n++)
                            for (int oh = 0; oh < ho; oh++)
                                for (int ow = 0; ow < wo; ow++) {
                                    double t = (double) dY[((n * g.cout() + co) * ho + oh) * wo + ow] * in(x, g, n, co / coutG * cinG + ci,
                                            oh * g.strideH() - g.padH() + kh * g.dilH(), ow * g.strideW() - g.padW() + kw * g.dilW());
                                    v[i] += t;
                                    m[i] += Math.abs(t);
                                }
                    }
            v[nw + co] = dB0 == null ? 0 : dB0[co];
            m[nw + co] = Math.abs(v[nw + co]);
            for (int n = 0; n < g.n(); n++)
                for (int l = 0; l < ho * wo; l++) {
                    double t = dY[(n * g.cout() + co) * ho * wo + l];
                    v[nw + co] += t;
                    m[nw + co] += Math.abs(t);
                }
        }
        return new double[][]{v, m};
    }

    /**
     * A float sum of m terms (fma chains, or adds) is within about m·2⁻²⁴·Σ|term| of the exact sum,
     * and within far less in practice; {@code rel} is chosen above that for the sizes at hand. The bias
     * gradient is checked when dB is not null.
     */
    private static void assertClose(double[][] want, float[] dW, float[] dB, double rel, String what) {
        int nw = dW.length;
        for (int i = 0; i < nw + (dB == null ? 0 : dB.length); i++) {
            float got = i < nw ? dW[i] : dB[i - nw];
            assertEquals(want[0][i], got, rel * want[1][i] + 1e-30, what + (i < nw ? " dW[" + i + "]" : " dB[" + (i - nw) + "]"));
        }
    }

    /** Every kernel on g, both twins, both accumulate modes, with and without bias. */
    private static void check(Rng rng, Geometry g, boolean bias, double rel) {
        String what = g.toString();
        float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), dY = random(rng, g.outputSize());
        float[] b = bias ? random(rng, g.cout()) : null;
        float[] want = naiveForward(x, w, b, g);
        for (boolean simd : new boolean[]{false, true}) {
            float[] y = random(rng, g.outputSize());   // garbage, to be overwritten
            Conv2dKernels.conv2dForward(simd, x, w, b, y, g);
            assertArrayEquals(want, y, (simd ? "simd " : "scalar ") + "forward " + what);
        }
        for (boolean acc : new boolean[]{false, true}) {
            float[] dX0 = random(rng, g.inputSize()), dW0 = random(rng, g.weightSize()), dB0 = random(rng, g.cout());
            float[] wantDX = naiveBackwardInput(dY, w, acc ? dX0 : null, g);
            double[][] wantDW = naiveBackwardWeight(dY, x, acc ? dW0 : null, bias && acc ? dB0 : null, g);
            float[][] twins = new float[2][];
            for (boolean simd : new boolean[]{false, true}) {
                String how = (simd ? "simd " : "scalar ") + (acc ? "accumulate " : "assign ") + what;
                float[] dX = dX0.clone(), dW = dW0.clone(), dB = bias ? dB0.clone() : null;
                Conv2dKernels.conv2dBackwardInput(simd, dY, w, dX, g, acc);
                assertArrayEquals(wantDX, dX, "backward input " + how);
                Conv2dKernels.conv2dBackwardWeight(simd, dY, x, dW, dB, g, acc);
                assertClose(wantDW, dW, dB, rel, "backward weight " + how);
                twins[simd ? 1 : 0] = bias ? concat(dW, dB) : dW;
            }
            assertArrayEquals(twins[0], twins[1], "the twins round alike: " + what);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static Geometry geometry(Channels c, Dim h, Dim w) {
        return new Geometry(c.n(), c.cin(), h.size(), w.size(), c.cout(), h.k(), w.k(), h.s(), w.s(), h.p(), w.p(), h.d(), w.d(), c.groups());
    }

    /**
     * Every configuration of the height (with its stride, padding, dilation and kernel, up to the whole
     * padded input) against itself as the width and against a rotating sample of the others (so
     * kernels are rectangular too), each with a rotating batch, channel and groups configuration.
     */
    @Test
    void allKernelsMatchDirectLoopsOnAllSmallShapes() {
        Rng rng = new Rng(11);
        List<Dim> dims = dims();
        List<Channels> chans = channels();
        int perDim = 6, cases = 0;
        for (int i = 0; i < dims.size(); i++)
            for (int j = 0; j < perDim; j++, cases++) {
                Dim h = dims.get(i), w = dims.get(j == 0 ? i : (i * 7 + j * 131) % dims.size());
                check(rng, geometry(chans.get(cases % chans.size()), h, w), cases % 3 != 0, 1e-5);
            }
        assertTrue(cases > chans.size() * 10, "every channel configuration meets many spatial ones");
    }

    /**
     * Batches large enough to be cut into chunks, with groups and mixed strides, and first layers
     * whose weight gradient sums in lanes (9 taps on 28×28, 27 on 13×11, whose positions leave a
     * tail past the lanes); the same bits for 1 and 2 threads.
     */
    @Test
    void chunkedBatchesMatchAndDoNotDependOnTheThreadCount() {
        Rng rng = new Rng(12);
        Geometry[] shapes = {new Geometry(20, 16, 28, 28, 8, 3, 3, 1, 1, 1, 1, 1, 1, 2),
                new Geometry(7, 6, 17, 13, 4, 5, 3, 2, 1, 2, 1, 1, 2, 2), new Geometry(20, 1, 28, 28, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Geometry(9, 3, 13, 11, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1)};
        assertTrue(shapes[0].chunk() < shapes[0].n(), "the first shape is processed in several chunks");
        int before = Parallel.threads();
        try {
            for (Geometry g : shapes) {
                // sums of up to 20·28·28 terms: about 2⁻²⁴·√m relative error in practice, far below 1e-4
                check(rng, g, true, 1e-4);
                float[] x = random(rng, g.inputSize()), w = random(rng, g.weightSize()), b = random(rng, g.cout()), dY = random(rng, g.outputSize());
                float[][] out = new float[2][];
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    float[] y = new float[g.outputSize()], dX = new float[g.inputSize()], dW = new float[g.weightSize()], dB = new float[g.cout()];
                    Conv2dKernels.conv2dForward(x, w, b, y, g);
                    Conv2dKernels.conv2dBackwardInput(dY, w, dX, g, false);
                    Conv2dKernels.conv2dBackwardWeight(dY, x, dW, dB, g, false);
                    out[threads - 1] = concat(concat(y, dX), concat(dW, dB));
                }
                assertArrayEquals(out[0], out[1], g.toString());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void invalidGeometriesAreRejectedWithPyTorchsMessages() {
        assertEquals("Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
                error(() -> new Geometry(1, 1, 2, 2, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1)));
        // dilation widens the kernel, padding widens the input
        assertEquals("Calculated padded input size per channel: (6 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size",
                error(() -> new Geometry(1, 1, 4, 4, 1, 3, 3, 1, 1, 1, 0, 2, 2, 1)));
        assertEquals("Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead",
                error(() -> new Geometry(1, 4, 5, 5, 3, 3, 3, 1, 1, 0, 0, 1, 1, 2)));
        assertEquals("Given groups=2, expected input[1, 3, 5, 5] to have a number of channels divisible by groups, but got 3 channels instead",
                error(() -> new Geometry(1, 3, 5, 5, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2)));
        assertTrue(error(() -> new Geometry(1, 2, 5, 5, 2, 3, 3, 1, 1, 0, 0, 1, 1, 0)).startsWith("non-positive groups is not supported"));
        assertTrue(error(() -> new Geometry(1, 2, 5, 5, 2, 3, 3, 1, 0, 0, 0, 1, 1, 1)).startsWith("non-positive stride is not supported"));
        assertTrue(error(() -> new Geometry(1, 2, 5, 5, 2, 3, 3, 1, 1, -1, 0, 1, 1, 1)).startsWith("negative padding is not supported"));
        assertTrue(error(() -> new Geometry(1, 2, 5, 5, 2, 3, 3, 1, 1, 0, 0, 0, 1, 1)).startsWith("dilation should be greater than zero"));
        assertTrue(error(() -> new Geometry(-1, 2, 5, 5, 2, 3, 3, 1, 1, 0, 0, 1, 1, 1)).contains("[-1, 2, 5, 5]"));
        assertTrue(error(() -> new Geometry(1, 0, 5, 5, 2, 3, 3, 1, 1, 0, 0, 1, 1, 1)).contains("[1, 0, 5, 5]"));
        assertTrue(error(() -> new Geometry(1, 2, 5, 5, 2, 0, 3, 1, 1, 0, 0, 1, 1, 1)).contains("kernel (0 x 3)"));
        assertTrue(error(() -> new Geometry(1 << 16, 1, 1 << 8, 1 << 8, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1)).contains("2^31-1"));
        assertTrue(error(() -> new Geometry(1 << 16, 1, 1, 1, 1 << 16, 1, 1, 1, 1, 0, 0, 1, 1, 1)).contains("2^31-1"), "N·Cout past int");
    }

    @Test
    void arraysOfTheWrongSizeAreRejectedNamingTheShape() {
        Geometry g = new Geometry(2, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        float[] x = new float[g.inputSize()], w = new float[g.weightSize()], y = new float[g.outputSize()];
        assertEquals("conv2d input [N, Cin, H, W] = [2, 3, 5, 5] needs 150 floats, got an array of 149",
                error(() -> Conv2dKernels.conv2dForward(new float[149], w, null, y, g)));
        assertEquals("conv2d output [N, Cout, Ho, Wo] = [2, 4, 5, 5] needs 200 floats, got an array of 10",
                error(() -> Conv2dKernels.conv2dForward(x, w, null, new float[10], g)));
        assertEquals("conv2d weight [Cout, Cin/groups, kH, kW] = [4, 3, 3, 3] is null",
                error(() -> Conv2dKernels.conv2dBackwardInput(y, null, x, g, false)));
        assertTrue(error(() -> Conv2dKernels.conv2dForward(x, w, new float[3], y, g)).startsWith("conv2d bias [Cout] = [4] needs 4"));
        assertTrue(error(() -> Conv2dKernels.conv2dBackwardWeight(y, x, w, new float[1], g, true)).startsWith("conv2d bias gradient"));
        assertTrue(error(() -> Conv2dKernels.conv2dBackwardInput(new float[5], w, x, g, true)).startsWith("conv2d output gradient"));
    }
}
