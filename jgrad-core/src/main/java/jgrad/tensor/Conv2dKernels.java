package jgrad.tensor;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * 2-D convolution over NCHW {@code float[]}, with PyTorch's {@code conv2d} semantics (a
 * cross-correlation, zero padding, groups), its input gradient and its weight and bias gradients.
 *
 * <pre>
 *   y[n, co, oh, ow] = b[co] + Σ_{ci, kh, kw} w[co, ci, kh, kw] · x[n, g·Cin/groups + ci, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]
 *     g = co / (Cout/groups), ci ∈ [0, Cin/groups), kh ∈ [0, kH), kw ∈ [0, kW), and x = 0 outside the image
 *   x: [N, Cin, H, W]   w: [Cout, Cin/groups, kH, kW]   b: [Cout]   y: [N, Cout, Ho, Wo]
 *   Ho = floor((H + 2·pH − dH·(kH − 1) − 1) / sH) + 1, and Wo likewise (PyTorch's formula)
 * </pre>
 *
 * The shapes and hyper-parameters travel as one {@link Geometry}. For example,
 * {@code nn.Conv2d(1, 32, 3, padding=1)} on a batch of 64 28×28 images:
 * <pre>{@code
 * var g = new Conv2dKernels.Geometry(64, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1);
 * float[] y = new float[g.outputSize()];                 // [64, 32, 28, 28]
 * Conv2dKernels.conv2dForward(x, w, b, y, g);
 * Conv2dKernels.conv2dBackwardWeight(dY, x, dW, dB, g, false);
 * }</pre>
 *
 * <p>How: the forward pass and the input gradient go sample by sample, the samples shared among
 * {@link Parallel}'s threads. For the forward pass a thread unfolds its sample (im2col) into
 * col[(c, kh, kw), (oh, ow)] and multiplies each group's W_g [Cout/groups, K] by the group's
 * K = Cin/groups·kH·kW rows of col ({@link MatMul#mm}), straight into the sample's
 * [Cout, Ho·Wo] block of y. The column matrix (225 KB for a 32→64 3×3 layer on 14×14) is still in the
 * thread's cache when the GEMM reads it, and y needs no reordering. The input gradient is the
 * transposed GEMM, W_gᵀ·dY_n, followed by col2im into the sample's planes of dX. The last few
 * columns of a sample (the last 4 of 196), which MatMul would give a slow strip one vector wide
 * ({@code MatMul.narrowColumns}), are set aside and multiplied for all samples in one GEMM of full
 * strips; each output is still the same multiply-add chain, so the values do not change.
 *
 * <p>The weight gradient dW = Σ_n dY_n·col_nᵀ sums over samples, so it goes by chunks of samples
 * instead: a chunk is unfolded into col[(c, kh, kw), (n, oh, ow)], dY's chunk gathered into
 * [Cout, (n, oh, ow)], and each group's dW_g gets one GEMM of K = chunk·Ho·Wo. Chunks hold as many
 * samples as keep those two buffers near 2²⁰ floats (4 MB) each. Filters of at most
 * {@link #FEW_TAPS} taps (a first layer's 3×3 on grey or colour images) would make that GEMM a
 * vector or two wide; their dW sums along the positions instead, in {@link #LANES} lanes
 * ({@link #weightGradientInLanes}). Every sum runs in a fixed order and every output element is
 * written by one task, so results do not depend on the thread count. The Vector API work is
 * MatMul's, the lanes' and col2im's; each has a scalar twin that gives the same values.
 */
public final class Conv2dKernels {
    /** Floats per weight-gradient chunk buffer (the column matrix, or dY's chunk as [Cout, chunk·Ho·Wo]). */
    private static final int BUFFER_FLOATS = 1 << 20;
    /** Below about this many floats moved, a task is not worth waking the pool for. */
    private static final long PARALLEL_MIN_WORK = 1 << 15;

    private Conv2dKernels() {}

    /**
     * The shapes and hyper-parameters of one convolution: input [n, cin, h, w], weight
     * [cout, cin/groups, kH, kW], stride, padding and dilation per dimension, groups. The
     * constructor rejects what PyTorch rejects, with PyTorch's messages where it has one.
     */
    public record Geometry(int n, int cin, int h, int w, int cout, int kH, int kW, int strideH, int strideW,
                           int padH, int padW, int dilH, int dilW, int groups) {
        public Geometry {
            if (groups <= 0) throw new IllegalArgumentException("non-positive groups is not supported, got groups=" + groups);
            if (strideH <= 0 || strideW <= 0)
                throw new IllegalArgumentException("non-positive stride is not supported, got stride (" + strideH + " x " + strideW + ")");
            if (padH < 0 || padW < 0)
                throw new IllegalArgumentException("negative padding is not supported, got padding (" + padH + " x " + padW + ")");
            if (dilH <= 0 || dilW <= 0)
                throw new IllegalArgumentException("dilation should be greater than zero, got dilation (" + dilH + " x " + dilW + ")");
            if (n < 0 || cin < 1 || h < 1 || w < 1)
                throw new IllegalArgumentException("conv2d expects an input [N, Cin, H, W] with N >= 0 and Cin, H, W >= 1, got "
                        + Arrays.toString(new int[]{n, cin, h, w}));
            if (cout < 1 || kH < 1 || kW < 1)
                throw new IllegalArgumentException("conv2d expects a weight [Cout, Cin/groups, kH, kW] with Cout, kH, kW >= 1, got Cout="
                        + cout + ", kernel (" + kH + " x " + kW + ")");
            if (cin % groups != 0)
                throw new IllegalArgumentException("Given groups=" + groups + ", expected input" + Arrays.toString(new int[]{n, cin, h, w})
                        + " to have a number of channels divisible by groups, but got " + cin + " channels instead");
            if (cout % groups != 0)
                throw new IllegalArgumentException("Given groups=" + groups + ", expected weight to be divisible by " + groups
                        + " at dimension 0, but got weight of size " + Arrays.toString(new int[]{cout, cin / groups, kH, kW}) + " instead");
            long paddedH = h + 2L * padH, paddedW = w + 2L * padW, spanH = dilH * (kH - 1L) + 1, spanW = dilW * (kW - 1L) + 1;
            if (paddedH < spanH || paddedW < spanW)
                throw new IllegalArgumentException("Calculated padded input size per channel: (" + paddedH + " x " + paddedW + "). Kernel size: ("
                        + spanH + " x " + spanW + "). Kernel size can't be greater than actual input size");
            long ho = Shapes.windowOutput(h, kH, strideH, padH, dilH), wo = Shapes.windowOutput(w, kW, strideW, padW, dilW);
            long[] sizes = {paddedH, paddedW, (long) n * cin * h * w, (long) cout * (cin / groups) * kH * kW, (long) n * cout * ho * wo,
                    Math.max((long) cin * kH * kW, cout) * ho * wo};
            for (long size : sizes)
                if (size > Integer.MAX_VALUE)
                    throw new IllegalArgumentException("conv2d on input " + Arrays.toString(new int[]{n, cin, h, w}) + " with weight "
                            + Arrays.toString(new int[]{cout, cin / groups, kH, kW}) + " and padding (" + padH + " x " + padW
                            + ") has a size past 2^31-1 (padded input, an array, or one sample's column matrix)");
        }

        /**
         * Whether each (c, kh, kw) row of im2col is its input plane shifted whole: stride 1 and an
         * output the input's size ("same" padding), so im2col and col2im can copy planes flat.
         */
        boolean shifts() {
            return strideH == 1 && strideW == 1 && ho() == h && wo() == w;
        }

        /** Output height, {@link Shapes#windowOutput}. */
        public int ho() {
            return (int) Shapes.windowOutput(h, kH, strideH, padH, dilH);
        }

        public int wo() {
            return (int) Shapes.windowOutput(w, kW, strideW, padW, dilW);
        }

        public int[] inputShape() {
            return new int[]{n, cin, h, w};
        }

        public int[] weightShape() {
            return new int[]{cout, cin / groups, kH, kW};
        }

        public int[] outputShape() {
            return new int[]{n, cout, ho(), wo()};
        }

        public int inputSize() {
            return n * cin * h * w;
        }

        public int weightSize() {
            return cout * (cin / groups) * kH * kW;
        }

        public int outputSize() {
            return n * cout * ho() * wo();
        }

        /** Samples per weight-gradient chunk: as many as keep the column matrix and dY's gathered chunk near BUFFER_FLOATS each. */
        int chunk() {
            long perSample = (long) Math.max(cin * kH * kW, cout) * ho() * wo();
            return (int) Math.max(1, Math.min(Math.max(n, 1), BUFFER_FLOATS / perSample));
        }
    }

    /** y = conv2d(x, w, b): see the class comment; b may be null (no bias). */
    public static void conv2dForward(float[] x, float[] w, float[] b, float[] y, Geometry g) {
        conv2dForward(Simd.ENABLED, x, w, b, y, g);
    }

    /** {@link #conv2dForward} with MatMul's kernel chosen by the caller (tests run both twins through here). */
    static void conv2dForward(boolean simd, float[] x, float[] w, float[] b, float[] y, Geometry g) {
        need(x, "input [N, Cin, H, W]", g.inputShape());
        need(w, "weight [Cout, Cin/groups, kH, kW]", g.weightShape());
        if (b != null) need(b, "bias [Cout]", g.cout());
        need(y, "output [N, Cout, Ho, Wo]", g.outputShape());
        int l = g.ho() * g.wo(), k = g.weightSize() / g.cout(), coutG = g.cout() / g.groups(), rows = g.cin() * g.kH() * g.kW();
        // the columns a sample's GEMM would leave to a narrow strip: every sample's go into one GEMM after the samples'
        int r = g.groups() == 1 ? MatMul.narrowColumns(l) : 0, main = l - r, nr = g.n() * r;
        float[][] own = SCRATCH.get();
        float[] rest = grow(own, 2, k * nr);
        forEachSample(g.n(), n -> {
            float[] col = grow(SCRATCH.get(), 0, rows * l);
            int yo = n * g.cout() * l;
            im2col(x, n, 1, g, col);
            // the GEMM adds its sum onto the bias: sum + b, the same float as adding the bias after
            if (b != null) for (int co = 0; co < g.cout(); co++) Arrays.fill(y, yo + co * l, yo + (co + 1) * l, b[co]);
            for (int grp = 0; grp < g.groups(); grp++)
                MatMul.mm(simd, w, grp * coutG * k, false, k, col, grp * k * l, false, l, y, yo + grp * coutG * l, l, coutG, main, k, b != null);
            for (int t = 0; t < k && r > 0; t++) System.arraycopy(col, t * l + main, rest, t * nr + n * r, r);
        });
        if (r == 0) return;
        float[] sums = grow(own, 3, g.cout() * nr);
        MatMul.mm(simd, w, 0, false, rest, 0, false, sums, 0, g.cout(), nr, k, false);
        for (int n = 0; n < g.n(); n++)
            for (int co = 0; co < g.cout(); co++)
                for (int j = 0, o = (n * g.cout() + co) * l + main, q = co * nr + n * r; j < r; j++)
                    y[o + j] = b != null ? y[o + j] + sums[q + j] : sums[q + j];
    }

    /**
     * dX (+)= ∂y/∂x · dY: dX[n, c, ih, iw] = Σ w[co, ci, kh, kw]·dY[n, co, oh, ow] over the (co, kh, kw) whose
     * tap (oh, ow) reads (ih, iw). Assigns when {@code accumulate} is false, adds to dX when true.
     * dY: [N, Cout, Ho, Wo], dX: [N, Cin, H, W].
     */
    public static void conv2dBackwardInput(float[] dY, float[] w, float[] dX, Geometry g, boolean accumulate) {
        conv2dBackwardInput(Simd.ENABLED, dY, w, dX, g, accumulate);
    }

    static void conv2dBackwardInput(boolean simd, float[] dY, float[] w, float[] dX, Geometry g, boolean accumulate) {
        need(dY, "output gradient [N, Cout, Ho, Wo]", g.outputShape());
        need(w, "weight [Cout, Cin/groups, kH, kW]", g.weightShape());
        need(dX, "input gradient [N, Cin, H, W]", g.inputShape());
        int l = g.ho() * g.wo(), k = g.weightSize() / g.cout(), coutG = g.cout() / g.groups(), rows = g.cin() * g.kH() * g.kW();
        // the columns a sample's GEMM would leave to a narrow strip: every sample's in one GEMM before the samples'
        int r = g.groups() == 1 ? MatMul.narrowColumns(l) : 0, main = l - r, nr = g.n() * r;
        float[][] own = SCRATCH.get();
        float[] rest = grow(own, 2, g.cout() * nr), sums = grow(own, 3, k * nr);
        if (r > 0) {
            for (int n = 0; n < g.n(); n++)
                for (int co = 0; co < g.cout(); co++) System.arraycopy(dY, (n * g.cout() + co) * l + main, rest, co * nr + n * r, r);
            MatMul.mm(simd, w, 0, true, rest, 0, false, sums, 0, k, nr, g.cout(), false);
        }
        forEachSample(g.n(), n -> {
            float[] col = grow(SCRATCH.get(), 0, rows * l);
            int yo = n * g.cout() * l;
            for (int grp = 0; grp < g.groups(); grp++)
                MatMul.mm(simd, w, grp * coutG * k, true, k, dY, yo + grp * coutG * l, false, l, col, grp * k * l, l, k, main, coutG, false);
            for (int t = 0; t < k && r > 0; t++) System.arraycopy(sums, t * nr + n * r, col, t * l + main, r);
            col2im(simd, col, n, g, dX, accumulate);
        });
    }

    /**
     * dW (+)= Σ_{n, oh, ow} dY[n, co, oh, ow]·x[n, g·Cin/groups + ci, ih, iw] (the tap (kh, kw) reads) and
     * dB[co] (+)= Σ_{n, oh, ow} dY[n, co, oh, ow]; dB may be null. Assigns when {@code accumulate} is false,
     * adds when true. dY: [N, Cout, Ho, Wo], x: [N, Cin, H, W], dW: [Cout, Cin/groups, kH, kW], dB: [Cout].
     */
    public static void conv2dBackwardWeight(float[] dY, float[] x, float[] dW, float[] dB, Geometry g, boolean accumulate) {
        conv2dBackwardWeight(Simd.ENABLED, dY, x, dW, dB, g, accumulate);
    }

    static void conv2dBackwardWeight(boolean simd, float[] dY, float[] x, float[] dW, float[] dB, Geometry g, boolean accumulate) {
        need(dY, "output gradient [N, Cout, Ho, Wo]", g.outputShape());
        need(x, "input [N, Cin, H, W]", g.inputShape());
        need(dW, "weight gradient [Cout, Cin/groups, kH, kW]", g.weightShape());
        if (dB != null) need(dB, "bias gradient [Cout]", g.cout());
        int l = g.ho() * g.wo(), k = g.weightSize() / g.cout(), chunk = g.chunk();
        // every chunk adds its share, onto zeros unless accumulating
        if (!accumulate) {
            Arrays.fill(dW, 0, g.weightSize(), 0f);
            if (dB != null) Arrays.fill(dB, 0, g.cout(), 0f);
        }
        if (dB != null)
            for (int n0 = 0; n0 < g.n(); n0 += chunk) {
                int first = n0, nb = Math.min(chunk, g.n() - n0);
                Parallel.forRange(g.cout(), Math.max(8, grain((long) nb * l)), (lo, hi) -> biasChunk(dY, first, nb, l, g.cout(), lo, hi, dB));
            }
        if (k <= FEW_TAPS) {
            weightGradientInLanes(simd, dY, x, dW, g);
            return;
        }
        int chunks = Math.ceilDiv(g.n(), chunk), size = g.weightSize();
        if (chunks < 2 || Parallel.threads() < 2 || Parallel.inTask()) {
            for (int c = 0; c < chunks; c++) chunkGradient(simd, dY, x, dW, 0, c * chunk, g, true);
            return;
        }
        // Each chunk's sum is a GEMM of its own (on one thread, with its samples, mostly the ones that thread's
        // share of the forward and backward passes left in its cache); they are then added in chunk order,
        // which is what each chunk's GEMM adding its sum onto dW did.
        float[] sums = grow(SCRATCH.get(), 2, chunks * size);
        Parallel.run(chunks, c -> chunkGradient(simd, dY, x, sums, c * size, c * chunk, g, false));
        for (int c = 0; c < chunks; c++)
            for (int i = 0; i < size; i++) dW[i] += sums[c * size + i];
    }

    /**
     * The chunk of samples n0 .. n0 + chunk: out[off ..] (+)= its share of dW, Σ over its samples and positions
     * of dY·x, as one GEMM of the gathered dY and the unfolded x, assigned or added onto out.
     */
    private static void chunkGradient(boolean simd, float[] dY, float[] x, float[] out, int off, int n0, Geometry g, boolean accumulate) {
        int l = g.ho() * g.wo(), k = g.weightSize() / g.cout(), coutG = g.cout() / g.groups();
        int nb = Math.min(g.chunk(), g.n() - n0), cols = nb * l;
        float[][] scratch = SCRATCH.get();
        float[] col = grow(scratch, 0, g.cin() * g.kH() * g.kW() * cols), dy = grow(scratch, 1, g.cout() * cols);
        im2col(x, n0, nb, g, col);
        gather(dy, dY, n0, nb, g);
        for (int grp = 0; grp < g.groups(); grp++)
            MatMul.mm(simd, dy, grp * coutG * cols, false, col, grp * k * cols, true, out, off + grp * coutG * k, coutG, k, cols, accumulate);
    }

    /** Filters with at most this many taps have their weight gradient summed in lanes ({@link #weightGradientInLanes}). */
    static final int FEW_TAPS = 32;
    /** The lanes of {@link #weightGradientInLanes}: a fixed number, whatever the vector width. */
    static final int LANES = 16;

    /**
     * dW[co, t] += Σ_n Σ_l dY[n, co, l]·col_n[t, l] for a convolution whose filters have K = Cin/groups·kH·kW
     * ≤ {@link #FEW_TAPS} taps (a first layer on grey or colour images: 9 or 27). As a GEMM this has K
     * columns, a vector or two, mostly padding, and one broadcast per multiply-add. Here the
     * sum runs along the positions instead, in {@link #LANES} float lanes: position l of each sample
     * goes to lane l mod LANES, sample after sample, each lane one fused multiply-add chain; the
     * positions past the last whole group of LANES go to a chain of their own; then the lanes are added
     * in order and that chain last. The order depends on neither the vector width nor the thread
     * count (the threads split the output channels), and the scalar twin adds the same way.
     */
    private static void weightGradientInLanes(boolean simd, float[] dY, float[] x, float[] dW, Geometry g) {
        int l = g.ho() * g.wo(), k = g.weightSize() / g.cout(), coutG = g.cout() / g.groups(), rows = g.cin() * g.kH() * g.kW();
        int body = l - l % LANES, step = simd && Simd.VL <= LANES ? Simd.VL : 1;
        // one range of channels per thread: each unfolds every sample for itself
        Parallel.forRange(g.cout(), Math.ceilDiv(g.cout(), Parallel.threads()), (lo, hi) -> {
            float[] col = new float[rows * l], lanes = new float[(hi - lo) * k * LANES], tails = new float[(hi - lo) * k];
            for (int n = 0; n < g.n(); n++) {
                im2col(x, n, 1, g, col);
                for (int co = lo; co < hi; co++) {
                    int dy = (n * g.cout() + co) * l, c0 = co / coutG * k * l, acc = (co - lo) * k;
                    if (step > 1)
                        // four taps at a time, so that four chains overlap; a last group short of four repeats its last tap,
                        // whose copies compute and store the same values
                        for (int t0 = 0; t0 < k; t0 += 4) {
                            int t1 = Math.min(t0 + 1, k - 1), t2 = Math.min(t0 + 2, k - 1), t3 = Math.min(t0 + 3, k - 1);
                            for (int j = 0; j < LANES; j += step) {
                                int a0 = (acc + t0) * LANES + j, a1 = (acc + t1) * LANES + j, a2 = (acc + t2) * LANES + j, a3 = (acc + t3) * LANES + j;
                                FloatVector v0 = FloatVector.fromArray(Simd.S, lanes, a0), v1 = FloatVector.fromArray(Simd.S, lanes, a1),
                                        v2 = FloatVector.fromArray(Simd.S, lanes, a2), v3 = FloatVector.fromArray(Simd.S, lanes, a3);
                                for (int b = j; b < body; b += LANES) {
                                    FloatVector d = FloatVector.fromArray(Simd.S, dY, dy + b);
                                    v0 = d.fma(FloatVector.fromArray(Simd.S, col, c0 + t0 * l + b), v0);
                                    v1 = d.fma(FloatVector.fromArray(Simd.S, col, c0 + t1 * l + b), v1);
                                    v2 = d.fma(FloatVector.fromArray(Simd.S, col, c0 + t2 * l + b), v2);
                                    v3 = d.fma(FloatVector.fromArray(Simd.S, col, c0 + t3 * l + b), v3);
                                }
                                v0.intoArray(lanes, a0);
                                v1.intoArray(lanes, a1);
                                v2.intoArray(lanes, a2);
                                v3.intoArray(lanes, a3);
                            }
                        }
                    else
                        for (int t = 0; t < k; t++)
                            for (int j = 0; j < LANES; j++) {
                                float v = lanes[(acc + t) * LANES + j];
                                for (int b = j; b < body; b += LANES) v = Math.fma(dY[dy + b], col[c0 + t * l + b], v);
                                lanes[(acc + t) * LANES + j] = v;
                            }
                    for (int t = 0; t < k; t++) {
                        float tail = tails[acc + t];
                        for (int b = body; b < l; b++) tail = Math.fma(dY[dy + b], col[c0 + t * l + b], tail);
                        tails[acc + t] = tail;
                    }
                }
            }
            for (int i = 0; i < (hi - lo) * k; i++) {
                float sum = 0f;
                for (int j = 0; j < LANES; j++) sum += lanes[i * LANES + j];
                dW[lo * k + i] += sum + tails[i];
            }
        });
    }

    /**
     * dB[co] += Σ_{n < nb, l} dY[n0 + n, co, l] for co in [lo, hi): the bias gradient's share of the chunk of
     * samples n0 .. n0 + nb, each one float chain in (n, l) order. Eight channels go at once: their chains are
     * independent, so the adds overlap instead of each waiting for the one before it.
     */
    private static void biasChunk(float[] dY, int n0, int nb, int l, int cout, int lo, int hi, float[] dB) {
        int co = lo;
        for (; co + 8 <= hi; co += 8) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int n = 0; n < nb; n++)
                for (int i = 0, a = ((n0 + n) * cout + co) * l; i < l; i++, a++) {
                    s0 += dY[a];
                    s1 += dY[a + l];
                    s2 += dY[a + 2 * l];
                    s3 += dY[a + 3 * l];
                    s4 += dY[a + 4 * l];
                    s5 += dY[a + 5 * l];
                    s6 += dY[a + 6 * l];
                    s7 += dY[a + 7 * l];
                }
            dB[co] += s0;
            dB[co + 1] += s1;
            dB[co + 2] += s2;
            dB[co + 3] += s3;
            dB[co + 4] += s4;
            dB[co + 5] += s5;
            dB[co + 6] += s6;
            dB[co + 7] += s7;
        }
        for (; co < hi; co++) {
            float sum = 0f;
            for (int n = 0; n < nb; n++)
                for (int i = 0, a = ((n0 + n) * cout + co) * l; i < l; i++) sum += dY[a + i];
            dB[co] += sum;
        }
    }

    /**
     * Runs {@code body} for each sample of the batch, the samples shared among {@link Parallel}'s
     * threads when there are enough of them to share; the kernels {@code body} calls then run on their
     * thread alone. With fewer samples, they run one after the other and split their own work.
     */
    private static void forEachSample(int n, java.util.function.IntConsumer body) {
        if (n >= 2 * Parallel.threads()) Parallel.run(n, body);
        else for (int i = 0; i < n; i++) body.accept(i);
    }

    /**
     * col[(c, kh, kw), (n, oh, ow)] = x[n0 + n, c, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW], 0 outside the image:
     * col is [Cin·kH·kW, nb·Ho·Wo], each group's rows contiguous. One task fills whole (row, sample) segments.
     */
    private static void im2col(float[] x, int n0, int nb, Geometry g, float[] col) {
        int ho = g.ho(), wo = g.wo(), l = ho * wo, cols = nb * l, hw = g.h() * g.w(), kk = g.kH() * g.kW();
        boolean shifted = g.shifts();
        Parallel.forRange(g.cin() * kk * nb, grain(l), (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int r = u / nb, n = u % nb, c = r / kk, kh = r % kk / g.kW(), kw = r % g.kW();
                int src = ((n0 + n) * g.cin() + c) * hw, dst = r * cols + n * l;
                int offW = kw * g.dilW() - g.padW(), ow0 = first(offW, g.strideW(), wo), ow1 = end(offW, g.strideW(), g.w(), wo, ow0);
                if (shifted) {
                    shiftedPlane(x, src, col, dst, g.h(), g.w(), kh * g.dilH() - g.padH(), offW);
                    continue;
                }
                for (int oh = 0; oh < ho; oh++, dst += wo) {
                    int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                    if (ih < 0 || ih >= g.h()) {
                        Arrays.fill(col, dst, dst + wo, 0f);
                        continue;
                    }
                    // the padding at either end is a column or two: plain stores beat Arrays.fill's call here
                    for (int ow = 0; ow < ow0; ow++) col[dst + ow] = 0f;
                    int s = src + ih * g.w() + ow0 * g.strideW() + offW;
                    if (g.strideW() == 1 && ow1 > ow0) System.arraycopy(x, s, col, dst + ow0, ow1 - ow0);
                    else for (int ow = ow0; ow < ow1; ow++, s += g.strideW()) col[dst + ow] = x[s];
                    for (int ow = ow1; ow < wo; ow++) col[dst + ow] = 0f;
                }
            }
        });
    }

    /**
     * The adjoint of im2col for sample n: dX[n, c] (+)= each of col's rows (c, kh, kw), in that order,
     * added back onto the positions it was read from. col is [Cin·kH·kW, Ho·Wo]; a "same" stride-1
     * convolution's rows are overwritten (see {@link #shiftedAdd}). One task owns whole planes of dX.
     */
    private static void col2im(boolean simd, float[] col, int n, Geometry g, float[] dX, boolean accumulate) {
        int ho = g.ho(), wo = g.wo(), l = ho * wo, hw = g.h() * g.w(), kk = g.kH() * g.kW();
        boolean shifted = g.shifts();
        Parallel.forRange(g.cin(), grain((long) kk * l), (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int plane = (n * g.cin() + c) * hw;
                if (simd && shifted) {
                    shiftedAdds(col, c * kk * l, dX, plane, g, accumulate);
                    continue;
                }
                if (!accumulate) Arrays.fill(dX, plane, plane + hw, 0f);
                for (int kh = 0; kh < g.kH(); kh++)
                    for (int kw = 0; kw < g.kW(); kw++) {
                        int src = ((c * g.kH() + kh) * g.kW() + kw) * l;
                        int offW = kw * g.dilW() - g.padW(), ow0 = first(offW, g.strideW(), wo), ow1 = end(offW, g.strideW(), g.w(), wo, ow0);
                        if (shifted) {
                            shiftedAdd(col, src, dX, plane, g.h(), g.w(), kh * g.dilH() - g.padH(), offW);
                            continue;
                        }
                        for (int oh = 0; oh < ho; oh++) {
                            int ih = oh * g.strideH() - g.padH() + kh * g.dilH();
                            if (ih < 0 || ih >= g.h()) continue;
                            int d = plane + ih * g.w() + ow0 * g.strideW() + offW, s = src + oh * wo + ow0;
                            for (int ow = ow0; ow < ow1; ow++, d += g.strideW()) dX[d] += col[s++];
                        }
                    }
            }
        });
    }

    /**
     * The adjoint of {@link #shiftedPlane}: dX[plane + i + shift] += col[src + i] for every position i
     * whose source lies in the image, shift = dy·w + dx. The entries of the dx columns that wrap around
     * a row edge are set to −0.0 first: x + (−0.0) is x for every float x (±0 and NaN included), so the
     * add then runs over the rows flat, as one loop the JIT vectorises, and gives the row-by-row loop's bits.
     */
    private static void shiftedAdd(float[] col, int src, float[] dX, int plane, int h, int w, int dy, int dx) {
        int shift = dy * w + dx, n = h * w;
        int from = Math.max(0, -shift), to = Math.min(n, n - shift);
        if (dx != 0)
            for (int row = 0; row < h; row++) {
                int base = src + row * w;
                if (dx > 0) for (int j = Math.max(0, w - dx); j < w; j++) col[base + j] = -0f;
                else for (int j = 0; j < Math.min(w, -dx); j++) col[base + j] = -0f;
            }
        for (int i = from, d = plane + from + shift; i < to; i++, d++) dX[d] += col[src + i];
    }

    /**
     * One channel's {@link #shiftedAdd}s, its kH·kW rows of col (from col[src], Ho·Wo apart) onto the
     * plane of dX at dX[plane], a vector of dX at a time: each vector adds its values from every row
     * in the rows' order, the order of the row-by-row passes, so each element gets the same sum, and
     * dX is loaded and stored once instead of once per row. Positions where some row's source begins
     * or ends (the first and last row or so of the plane) go one at a time, in the same order.
     */
    private static void shiftedAdds(float[] col, int src, float[] dX, int plane, Geometry g, boolean accumulate) {
        int h = g.h(), w = g.w(), n = h * w, kk = g.kH() * g.kW();
        int[] shift = new int[kk];
        // the positions of dX every row reaches: [vlo, vhi)
        int vlo = 0, vhi = n;
        for (int r = 0; r < kk; r++) {
            int dy = r / g.kW() * g.dilH() - g.padH(), dx = r % g.kW() * g.dilW() - g.padW(), base = src + r * n;
            shift[r] = dy * w + dx;
            vlo = Math.max(vlo, Math.max(0, shift[r]));
            vhi = Math.min(vhi, Math.min(n, n + shift[r]));
            // as in shiftedAdd: the columns that wrapped round a row edge add −0.0, which changes nothing
            if (dx != 0)
                for (int row = 0, at = base; row < h; row++, at += w)
                    if (dx > 0) for (int j = Math.max(0, w - dx); j < w; j++) col[at + j] = -0f;
                    else for (int j = 0; j < Math.min(w, -dx); j++) col[at + j] = -0f;
        }
        int o = 0;
        for (; o < Math.min(vlo, n); o++) dX[plane + o] = sumOfShifts(col, src, n, shift, o, accumulate ? dX[plane + o] : 0f);
        // dX's values or zeros by a blend, not by a branch: a vector merged from two branches is boxed on the heap
        VectorMask<Float> keep = Simd.S.maskAll(accumulate);
        FloatVector zero = FloatVector.zero(Simd.S);
        for (; o + Simd.VL <= vhi; o += Simd.VL) {
            FloatVector v = zero.blend(FloatVector.fromArray(Simd.S, dX, plane + o), keep);
            for (int r = 0; r < kk; r++) v = v.add(FloatVector.fromArray(Simd.S, col, src + r * n + o - shift[r]));
            v.intoArray(dX, plane + o);
        }
        for (; o < n; o++) dX[plane + o] = sumOfShifts(col, src, n, shift, o, accumulate ? dX[plane + o] : 0f);
    }

    /** start + each row's value for dX position o, rows in order, those whose source is outside the plane skipped. */
    private static float sumOfShifts(float[] col, int src, int n, int[] shift, int o, float start) {
        float v = start;
        for (int r = 0; r < shift.length; r++) {
            int i = o - shift[r];
            if (i >= 0 && i < n) v += col[src + r * n + i];
        }
        return v;
    }

    /** dY's samples n0 .. n0 + nb in the weight gradient's GEMM layout: dy[co, (n, l)] = dY[n0 + n, co, l]. One task owns whole rows co. */
    private static void gather(float[] dy, float[] dY, int n0, int nb, Geometry g) {
        int l = g.ho() * g.wo(), cols = nb * l, cout = g.cout();
        Parallel.forRange(cout, grain(cols), (lo, hi) -> {
            for (int co = lo; co < hi; co++)
                for (int n = 0; n < nb; n++) System.arraycopy(dY, ((n0 + n) * cout + co) * l, dy, co * cols + n * l, l);
        });
    }

    /**
     * One (c, kh, kw) row of im2col for a stride-1 convolution that keeps the size ("same"
     * padding): the plane x[src .. src + h·w) shifted by (dy, dx), zeros where the shift leaves the
     * image. With the rows as wide as the image the shift is one flat copy; only the dx columns that
     * wrapped around a row edge, and the dy rows past the top or bottom, are zeroed afterwards.
     */
    private static void shiftedPlane(float[] x, int src, float[] col, int dst, int h, int w, int dy, int dx) {
        int shift = dy * w + dx, n = h * w;
        int from = Math.min(n, Math.max(0, -shift)), to = Math.min(n, n - shift); // dst positions whose source lies in the plane (none when the shift passes the whole plane)
        for (int i = 0; i < from; i++) col[dst + i] = 0f;
        if (to > from) System.arraycopy(x, src + from + shift, col, dst + from, to - from);
        for (int i = Math.max(from, to); i < n; i++) col[dst + i] = 0f;
        // the copy carried neighbouring rows' edge pixels into columns whose true source is outside the row
        if (dx != 0)
            for (int row = 0; row < h; row++) {
                int base = dst + row * w;
                if (dx > 0) for (int j = Math.max(0, w - dx); j < w; j++) col[base + j] = 0f;
                else for (int j = 0; j < Math.min(w, -dx); j++) col[base + j] = 0f;
            }
    }

    /** The first output column whose tap at offset off (iw = ow·stride + off) is inside the image: iw ≥ 0. */
    private static int first(int off, int stride, int wo) {
        return off >= 0 ? 0 : Math.min(wo, Math.ceilDiv(-off, stride));
    }

    /** One past the last output column whose tap is inside the image (iw < width), at least {@code first}. */
    private static int end(int off, int stride, int width, int wo, int first) {
        return Math.max(first, Math.min(wo, Math.floorDiv(width - 1 - off, stride) + 1));
    }

    /** The {@link Parallel#forRange} grain for units of {@code unitWork} floats each: split from about PARALLEL_MIN_WORK floats in all. */
    static int grain(long unitWork) {
        return (int) Math.max(1, PARALLEL_MIN_WORK / Math.max(1, unitWork));
    }

    /** A shape error naming the shape: the array must hold the product of {@code shape}. */
    private static void need(float[] a, String what, int... shape) {
        long size = 1;
        for (int d : shape) size *= d;
        if (a == null) throw new IllegalArgumentException("conv2d " + what + " = " + Arrays.toString(shape) + " is null");
        if (a.length < size)
            throw new IllegalArgumentException("conv2d " + what + " = " + Arrays.toString(shape) + " needs " + size
                    + " floats, got an array of " + a.length);
    }

    /**
     * Per-thread buffers, grown as needed: [0] the column matrix, [1] dY's chunk in the weight gradient's
     * layout; the calling thread's [2] and [3], every sample's narrow columns of one operand and of the
     * product, or [2] the weight gradient's sums by chunk (the tasks, which the calling thread also
     * runs, use [0] and [1] only).
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0], new float[0], new float[0]});

    private static float[] grow(float[][] scratch, int i, int size) {
        if (scratch[i].length < size) scratch[i] = new float[size];
        return scratch[i];
    }
}
