package jgrad.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix multiply kernels over flat row-major {@code float[]}: the façade {@link #mm} picks the
 * SIMD or scalar kernel and splits the output across {@link Parallel}'s threads.
 *
 * <pre>
 *   C[M,N] (+)= op(A) · op(B)
 *   A: [M,K] row-major, or [K,M] when transA (so op(A) = Aᵀ without materialising it)
 *   B: [K,N] row-major, or [N,K] when transB
 * </pre>
 *
 * Backward passes need all three forms: for {@code y = x·Wᵀ} the forward is (N,T), {@code dX = dY·W}
 * is (N,N) and {@code dW = dYᵀ·X} is (T,N).
 *
 * <p>How: C is cut into strips {@link #NR} columns wide. Each task packs a strip of op(B) into a
 * contiguous [K, NR] panel (zero-padded past N, so the micro-kernel never branches on width), then
 * sweeps it with MR×NR register tiles: MR rows of C live in MR·NR/VL vector accumulators while p runs
 * over K, each B vector loaded feeding MR fused multiply-adds. When the columns left after the full
 * strips fit in one vector (all of a 10-class output layer, the last 4 of a 196-wide convolution
 * output) they get a strip one vector wide instead, so the tiles do not spend most of their
 * multiply-adds on padding. The panel (K·NR floats, 200 KB for
 * K = 784) stays in L2 while every row block of A passes over it. A small row-major op(B) (a
 * convolution sample's column matrix) is already in L2 as it is, so its full strips are read in
 * place, without the copy. When there are fewer strips than
 * threads can share (the forward pass packs the batch: one strip), the threads split the rows of C
 * instead and pack the panel once, together. Called from inside a {@link Parallel} task (a
 * convolution running its samples in parallel), it runs on the calling thread alone. Each C element
 * is one fused multiply-add chain over p = 0 … K−1 from zero, computed by one task, so results do
 * not depend on the thread count, the tile shapes or which operand is packed.
 *
 * <p>The SIMD kernel uses {@code jdk.incubator.vector}; {@code -Djgrad.simd=false} selects the
 * scalar twin ({@link Simd}), which packs the same panels and runs the same loops one float at a time.
 */
public final class MatMul {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final int VL = Simd.VL;
    /** Vectors per register tile row, and the strip width in floats. */
    private static final int NV = 4, NR = NV * VL;
    /** Rows per register tile. */
    private static final int MR = 4;
    /**
     * Above this K the SIMD tiles of a strip go over the panel in blocks of this many rows (64 KB of
     * panel), every row tile taking its share of a block before the next block: a whole panel of a
     * long K (a convolution's weight gradient, K = 3,528) falls out of L2 before the next row tile
     * comes back to its start.
     */
    private static final int KC = 256;
    /** Below this many multiply-adds a single thread is faster than waking the pool. */
    private static final long PARALLEL_MIN_WORK = 1 << 17;
    /**
     * op(B) stored row-major and at most this many floats is read in place rather than packed: it fits
     * in L2, where the tiles' strided loads cost no more than the panel's, and packing it would copy
     * as many floats as the multiply reads (a convolution sample's column matrix is 56,448 floats).
     */
    private static final long IN_PLACE_B_FLOATS = 1 << 16;
    /** Tasks per thread when threads share panels: enough for a faster thread to take over a slower one's share. */
    private static final int TASKS_PER_THREAD = 8;

    /** Multiply-adds done by {@link #mm} since the start, for benchmarks that report achieved FLOP/s. */
    private static final java.util.concurrent.atomic.LongAdder MULTIPLY_ADDS = new java.util.concurrent.atomic.LongAdder();

    /** Wall-clock nanoseconds spent inside {@link #mm} since the start. */
    private static final java.util.concurrent.atomic.LongAdder NANOS = new java.util.concurrent.atomic.LongAdder();

    private MatMul() {}

    /** The multiply-adds (m·n·k per call) every {@link #mm} so far has done: FLOPs are twice this. */
    public static long multiplyAdds() {
        return MULTIPLY_ADDS.sum();
    }

    /**
     * The wall-clock nanoseconds every {@link #mm} so far has taken, for what the GEMMs achieve on
     * their own: 2·Δ{@link #multiplyAdds} / Δnanos between two points of a run. A call made inside a
     * {@link Parallel} task, while the other threads run tasks of their own, counts its time divided
     * by the number of threads: its share of the pool's wall clock.
     */
    public static long nanos() {
        return NANOS.sum();
    }

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}. Offsets let callers
     * address one matrix of a batch inside a larger array.
     */
    public static void mm(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                          float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        mm(Simd.ENABLED, a, aOff, transA, b, bOff, transB, c, cOff, m, n, k, accumulate);
    }

    /** {@link #mm} with the kernel chosen by the caller (tests run both twins through here). */
    static void mm(boolean simd, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                   float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        mm(simd, a, aOff, transA, transA ? m : k, b, bOff, transB, transB ? k : n, c, cOff, n, m, n, k, accumulate);
    }

    /**
     * {@link #mm} on matrices inside larger row-major ones: the rows of A, B and C, as stored (before
     * op), are lda, ldb and ldc floats apart (a block of a convolution sample's columns, say).
     */
    static void mm(boolean simd, float[] a, int aOff, boolean transA, int lda, float[] b, int bOff, boolean transB, int ldb,
                   float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        MULTIPLY_ADDS.add((long) m * n * k);
        boolean nested = Parallel.inTask();
        long t0 = System.nanoTime();
        multiply(simd, nested, a, aOff, transA, lda, b, bOff, transB, ldb, c, cOff, ldc, m, n, k, accumulate);
        long dt = System.nanoTime() - t0;
        NANOS.add(nested ? dt / Parallel.threads() : dt);
    }

    /**
     * How many of n columns the SIMD kernel leaves to a strip one vector wide ({@link #fullStrips}):
     * the columns past the last full strip when there are full strips and at most VL columns past
     * them, else 0. Such a strip broadcasts an element of A for every multiply-add, and takes about
     * twice as long per multiply-add as a full strip; a caller with many such GEMMs can multiply
     * those columns of all of them in one.
     */
    static int narrowColumns(int n) {
        int rest = n % NR;
        return n >= NR && rest <= VL ? rest : 0;
    }

    private static void multiply(boolean simd, boolean nested, float[] a, int aOff, boolean transA, int lda, float[] b, int bOff,
                                 boolean transB, int ldb, float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        int rsA = transA ? 1 : lda, csA = transA ? lda : 1, rsB = transB ? 1 : ldb, csB = transB ? ldb : 1;
        // Packing op(B) costs K·N, and a gather when B is stored transposed. With few rows (M = batch) it
        // can be cheaper to compute Cᵀ = op(B)ᵀ·op(A)ᵀ, packing op(A) instead and writing C transposed.
        // Both sides also pay for the multiply-adds on padding (see columns).
        long direct = packing(k, n, csB == 1) + (long) m * n / 2 + padded(m, MR) * columns(n) * k / VL;
        long swapped = packing(k, m, rsA == 1) + 4L * m * n + padded(n, MR) * columns(m) * k / VL;
        Operands o = swapped < direct
                ? new Operands(simd, b, bOff, csB, rsB, a, aOff, csA, rsA, c, cOff, 1, ldc, n, m, k, fullStrips(m), accumulate)
                : new Operands(simd, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff, ldc, 1, m, n, k, fullStrips(n), accumulate);
        int strips = o.strips(), rowBlocks = (o.m + MR - 1) / MR, rows = o.m;
        int threads = nested || (long) m * n * k < PARALLEL_MIN_WORK ? 1 : Parallel.threads();
        if (threads == 1) {
            for (int s = 0; s < strips; s++) o.strip(s, 0, rows);
        } else if (o.inPlace(0) && rowBlocks >= 2 * threads) {
            // B is read in place, so splitting the rows costs no extra packing (a narrow last strip, k·VL
            // floats, is packed by each task). A thread then writes whole rows of C, the layout that the
            // element-wise kernels after it (an optimizer step over a weight gradient) split the same way,
            // so that C stays in the cache of the thread that reads it next.
            int tasks = Math.min(rowBlocks, TASKS_PER_THREAD * threads), per = (rowBlocks + tasks - 1) / tasks;
            Parallel.run(tasks, t -> {
                int i0 = Math.min(rows, t * per * MR), i1 = Math.min(rows, (t + 1) * per * MR);
                for (int s = 0; s < strips && i0 < i1; s++) o.strip(s, i0, i1);
            });
        } else if (strips >= 2 * threads || strips >= rowBlocks) {
            Parallel.run(strips, s -> o.strip(s, 0, rows));
        } else {
            // Few strips, many rows: rather than every thread packing the same panels, the threads pack
            // them once together (each a range of p) into the caller's buffer, then share them. Both
            // phases are cut into several tasks per thread, claimed as threads come free: the two cores
            // here often run 30-50% apart in speed for a while, and equal halves made the faster wait.
            int size = k * NR, tasks = Math.min(rowBlocks, TASKS_PER_THREAD * threads);
            int per = (rowBlocks + tasks - 1) / tasks, perP = (k + tasks - 1) / tasks;
            float[][] scratch = SCRATCH.get();
            if (scratch[2].length < strips * size) scratch[2] = new float[strips * size];
            float[] panels = scratch[2];
            Parallel.run(tasks, t -> {
                int p0 = Math.min(k, t * perP), p1 = Math.min(k, (t + 1) * perP);
                for (int s = 0; s < strips; s++) if (!o.inPlace(s)) o.pack(panels, s * size, s, p0, p1);
            });
            Parallel.run(tasks, t -> {
                int i0 = Math.min(rows, t * per * MR), i1 = Math.min(rows, (t + 1) * per * MR);
                for (int s = 0; s < strips && i0 < i1; s++) o.sweep(panels, s * size, s, i0, i1);
            });
        }
    }

    /**
     * How many of n columns' strips are NR wide: all of them, unless the columns past the last full
     * strip fit in one vector, which then get a strip one vector wide.
     */
    private static int fullStrips(int n) {
        int full = n / NR, rest = n - full * NR;
        return rest == 0 || rest <= VL ? full : full + 1;
    }

    /** The columns the strips of n columns cover, padding included: a tile's multiply-adds per row and p. */
    private static long columns(int n) {
        int full = fullStrips(n);
        return (long) full * NR + (n > full * NR ? VL : 0);
    }

    /** What packing a [k, n] op(B) costs: nothing when it is read in place, more for a gather from its transpose. */
    private static long packing(int k, int n, boolean rowMajor) {
        if (rowMajor && (long) k * n <= IN_PLACE_B_FLOATS) return 0;
        return (long) k * n * (rowMajor ? 1 : 4);
    }

    private static long padded(int n, int multiple) {
        return (long) (n + multiple - 1) / multiple * multiple;
    }

    /** Per-thread gather offsets for packing a transposed B. */
    private static final ThreadLocal<int[]> SCRATCH_INDEX = ThreadLocal.withInitial(() -> new int[VL]);

    /**
     * Per-thread scratch, grown as needed: [0] a packed panel, [1] the register tile's way out to C, [2] the
     * panels a call shares with the other threads, [3] the partial sums of a strip swept in blocks of K.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(
            () -> new float[][]{new float[0], new float[MR * NR], new float[0], new float[0]});

    /**
     * One multiply's operands: A(i,p) = a[aOff + i·rsA + p·csA], B(p,j) = b[bOff + p·rsB + j·csB],
     * C(i,j) = c[cOff + i·rsC + j·csC], with i < m, j < n, p < k. C's columns are cut into {@code full}
     * strips NR wide, then, when columns are left, one strip VL wide.
     */
    private record Operands(boolean simd, float[] a, int aOff, int rsA, int csA, float[] b, int bOff, int rsB, int csB,
                            float[] c, int cOff, int rsC, int csC, int m, int n, int k, int full, boolean accumulate) {

        int strips() {
            return n > full * NR ? full + 1 : full;
        }

        /** Strip s's width in the panel: NR, or VL for the narrow last strip. */
        int width(int s) {
            return s < full ? NR : VL;
        }

        /**
         * Whether strip {@code s} is read in place from b: all NR of its columns lie in a small row-major
         * op(B) ({@link #IN_PLACE_B_FLOATS}); a strip past B's last column still needs its zero padding.
         */
        boolean inPlace(int s) {
            return csB == 1 && (s + 1) * NR <= n && (long) k * n <= IN_PLACE_B_FLOATS;
        }

        /** Packs strip {@code s} of op(B), unless it is read in place, and computes rows [i0, i1) of C's columns in it. */
        void strip(int s, int i0, int i1) {
            if (inPlace(s)) {
                sweep(null, 0, s, i0, i1);
                return;
            }
            float[][] scratch = SCRATCH.get();
            if (scratch[0].length < k * NR) scratch[0] = new float[k * NR];
            pack(scratch[0], 0, s, 0, k);
            sweep(scratch[0], 0, s, i0, i1);
        }

        /**
         * Rows [i0, i1) of C's columns in strip {@code s}, from its packed panel at panel[off], or from b
         * itself when the strip is {@link #inPlace} (panel is then ignored): a panel row p starts at
         * off + p·ps, ps the panel's width or B's row stride.
         */
        void sweep(float[] panel, int off, int s, int i0, int i1) {
            int nr = width(s), j0 = s * NR, w = Math.min(nr, n - j0), ps = nr;
            if (inPlace(s)) {
                panel = b;
                off = bOff + j0;
                ps = rsB;
            }
            float[] tile = SCRATCH.get()[1];
            if (simd && nr == NR && k > 2 * KC) simdStripInBlocks(panel, off, ps, j0, w, i0, i1);
            else if (simd && nr == NR) simdStrip(panel, off, ps, tile, j0, w, i0, i1);
            else if (simd) simdNarrowStrip(panel, off, tile, j0, w, i0, i1);
            else scalarStrip(panel, off, ps, tile, nr, j0, w, i0, i1);
        }

        /**
         * Rows p0 ≤ p < p1 of strip {@code s}'s panel (nr = {@link #width} floats a row):
         * panel[off + p·nr + jj] = B(p, j0 + jj) for jj < w, and 0 for w ≤ jj < nr.
         */
        void pack(float[] panel, int off, int s, int p0, int p1) {
            int nr = width(s), j0 = s * NR, w = Math.min(nr, n - j0);
            if (csB == 1) {
                for (int p = p0; p < p1; p++) {
                    int dst = off + p * nr;
                    System.arraycopy(b, bOff + p * rsB + j0, panel, dst, w);
                    if (w < nr) java.util.Arrays.fill(panel, dst + w, dst + nr, 0f);
                }
            } else {
                // B is stored transposed ([N,K]): each panel row is a column of B. Walking p outermost writes
                // the panel in order; the SIMD path gathers VL of B's rows at once (about 2× the scalar loop's speed here)
                if (w < nr) java.util.Arrays.fill(panel, off + p0 * nr, off + p1 * nr, 0f);
                int gathered = simd ? w / VL * VL : 0;
                int[] rowStarts = SCRATCH_INDEX.get();
                for (int q = 0; q < VL; q++) rowStarts[q] = q * csB;
                for (int p = p0; p < p1; p++) {
                    int src = bOff + j0 * csB + p, dst = off + p * nr;
                    for (int jj = 0; jj < gathered; jj += VL)
                        FloatVector.fromArray(S, b, src + jj * csB, rowStarts, 0).intoArray(panel, dst + jj);
                    for (int jj = gathered; jj < w; jj++) panel[dst + jj] = b[src + jj * csB];
                }
            }
        }

        /** The scalar twin: the same panel and tiles, one float at a time. */
        private void scalarStrip(float[] panel, int off, int ps, float[] acc, int nr, int j0, int w, int i0, int i1) {
            for (int i = i0; i < i1; i++) {
                java.util.Arrays.fill(acc, 0, nr, 0f);
                int ai = aOff + i * rsA;
                for (int p = 0; p < k; p++) {
                    float av = a[ai + p * csA];
                    int pp = off + p * ps;
                    for (int jj = 0; jj < nr; jj++) acc[jj] = Math.fma(av, panel[pp + jj], acc[jj]); // as the SIMD kernel rounds
                }
                flush(acc, nr, 1, cOff + i * rsC + j0 * csC, w);
            }
        }

        /** MR×NR register tiles (16 accumulators with NV = 4) over the panel (rows ps apart); leftover rows one at a time. */
        private void simdStrip(float[] panel, int off, int ps, float[] tile, int j0, int w, int i0, int i1) {
            int i = i0;
            for (; i + MR <= i1; i += MR) {
                int a0 = aOff + i * rsA, a1 = a0 + rsA, a2 = a1 + rsA, a3 = a2 + rsA;
                FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
                FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
                FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
                for (int p = 0, pp = off, ap = 0; p < k; p++, pp += ps, ap += csA) {
                    FloatVector b0 = FloatVector.fromArray(S, panel, pp);
                    FloatVector b1 = FloatVector.fromArray(S, panel, pp + VL);
                    FloatVector b2 = FloatVector.fromArray(S, panel, pp + 2 * VL);
                    FloatVector b3 = FloatVector.fromArray(S, panel, pp + 3 * VL);
                    FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
                    c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
                    x = FloatVector.broadcast(S, a[a1 + ap]);
                    c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
                    x = FloatVector.broadcast(S, a[a2 + ap]);
                    c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
                    x = FloatVector.broadcast(S, a[a3 + ap]);
                    c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
                }
                if (w == NR && csC == 1 && accumulate) {
                    // a whole tile of row-major C: the accumulators go straight to it, without the scratch tile;
                    // adding and storing are two blocks, as a vector merged from two branches would be boxed
                    int o0 = cOff + i * rsC + j0, o1 = o0 + rsC, o2 = o1 + rsC, o3 = o2 + rsC;
                    c00.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
                    c01.add(FloatVector.fromArray(S, c, o0 + VL)).intoArray(c, o0 + VL);
                    c02.add(FloatVector.fromArray(S, c, o0 + 2 * VL)).intoArray(c, o0 + 2 * VL);
                    c03.add(FloatVector.fromArray(S, c, o0 + 3 * VL)).intoArray(c, o0 + 3 * VL);
                    c10.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
                    c11.add(FloatVector.fromArray(S, c, o1 + VL)).intoArray(c, o1 + VL);
                    c12.add(FloatVector.fromArray(S, c, o1 + 2 * VL)).intoArray(c, o1 + 2 * VL);
                    c13.add(FloatVector.fromArray(S, c, o1 + 3 * VL)).intoArray(c, o1 + 3 * VL);
                    c20.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
                    c21.add(FloatVector.fromArray(S, c, o2 + VL)).intoArray(c, o2 + VL);
                    c22.add(FloatVector.fromArray(S, c, o2 + 2 * VL)).intoArray(c, o2 + 2 * VL);
                    c23.add(FloatVector.fromArray(S, c, o2 + 3 * VL)).intoArray(c, o2 + 3 * VL);
                    c30.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
                    c31.add(FloatVector.fromArray(S, c, o3 + VL)).intoArray(c, o3 + VL);
                    c32.add(FloatVector.fromArray(S, c, o3 + 2 * VL)).intoArray(c, o3 + 2 * VL);
                    c33.add(FloatVector.fromArray(S, c, o3 + 3 * VL)).intoArray(c, o3 + 3 * VL);
                    continue;
                }
                if (w == NR && csC == 1) {
                    int o0 = cOff + i * rsC + j0, o1 = o0 + rsC, o2 = o1 + rsC, o3 = o2 + rsC;
                    c00.intoArray(c, o0); c01.intoArray(c, o0 + VL); c02.intoArray(c, o0 + 2 * VL); c03.intoArray(c, o0 + 3 * VL);
                    c10.intoArray(c, o1); c11.intoArray(c, o1 + VL); c12.intoArray(c, o1 + 2 * VL); c13.intoArray(c, o1 + 3 * VL);
                    c20.intoArray(c, o2); c21.intoArray(c, o2 + VL); c22.intoArray(c, o2 + 2 * VL); c23.intoArray(c, o2 + 3 * VL);
                    c30.intoArray(c, o3); c31.intoArray(c, o3 + VL); c32.intoArray(c, o3 + 2 * VL); c33.intoArray(c, o3 + 3 * VL);
                    continue;
                }
                c00.intoArray(tile, 0); c01.intoArray(tile, VL); c02.intoArray(tile, 2 * VL); c03.intoArray(tile, 3 * VL);
                c10.intoArray(tile, NR); c11.intoArray(tile, NR + VL); c12.intoArray(tile, NR + 2 * VL); c13.intoArray(tile, NR + 3 * VL);
                c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + VL); c22.intoArray(tile, 2 * NR + 2 * VL); c23.intoArray(tile, 2 * NR + 3 * VL);
                c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + VL); c32.intoArray(tile, 3 * NR + 2 * VL); c33.intoArray(tile, 3 * NR + 3 * VL);
                flush(tile, NR, MR, cOff + i * rsC + j0 * csC, w);
            }
            for (; i < i1; i++) {
                int ai = aOff + i * rsA;
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int p = 0, pp = off; p < k; p++, pp += ps) {
                    FloatVector x = FloatVector.broadcast(S, a[ai + p * csA]);
                    c0 = x.fma(FloatVector.fromArray(S, panel, pp), c0);
                    c1 = x.fma(FloatVector.fromArray(S, panel, pp + VL), c1);
                    c2 = x.fma(FloatVector.fromArray(S, panel, pp + 2 * VL), c2);
                    c3 = x.fma(FloatVector.fromArray(S, panel, pp + 3 * VL), c3);
                }
                c0.intoArray(tile, 0); c1.intoArray(tile, VL); c2.intoArray(tile, 2 * VL); c3.intoArray(tile, 3 * VL);
                flush(tile, NR, 1, cOff + i * rsC + j0 * csC, w);
            }
        }

        /**
         * {@link #simdStrip} over K in blocks of {@link #KC}: each tile's accumulators wait in a scratch
         * array between blocks, so every C element is still one fused multiply-add chain over p from
         * zero, with the same values (a float stored and loaded is the same float). The tile loop is
         * simdStrip's written out again: sixteen accumulators handed to a shared method would be boxed.
         */
        private void simdStripInBlocks(float[] panel, int off, int ps, int j0, int w, int i0, int i1) {
            float[][] scratch = SCRATCH.get();
            int rows = i1 - i0;
            if (scratch[3].length < rows * NR) scratch[3] = new float[rows * NR];
            float[] acc = scratch[3];
            java.util.Arrays.fill(acc, 0, rows * NR, 0f);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int p1 = Math.min(k, p0 + KC);
                int i = i0;
                for (; i + MR <= i1; i += MR) {
                    int a0 = aOff + i * rsA, a1 = a0 + rsA, a2 = a1 + rsA, a3 = a2 + rsA, t = (i - i0) * NR;
                    FloatVector c00 = FloatVector.fromArray(S, acc, t), c01 = FloatVector.fromArray(S, acc, t + VL),
                            c02 = FloatVector.fromArray(S, acc, t + 2 * VL), c03 = FloatVector.fromArray(S, acc, t + 3 * VL);
                    FloatVector c10 = FloatVector.fromArray(S, acc, t + NR), c11 = FloatVector.fromArray(S, acc, t + NR + VL),
                            c12 = FloatVector.fromArray(S, acc, t + NR + 2 * VL), c13 = FloatVector.fromArray(S, acc, t + NR + 3 * VL);
                    FloatVector c20 = FloatVector.fromArray(S, acc, t + 2 * NR), c21 = FloatVector.fromArray(S, acc, t + 2 * NR + VL),
                            c22 = FloatVector.fromArray(S, acc, t + 2 * NR + 2 * VL), c23 = FloatVector.fromArray(S, acc, t + 2 * NR + 3 * VL);
                    FloatVector c30 = FloatVector.fromArray(S, acc, t + 3 * NR), c31 = FloatVector.fromArray(S, acc, t + 3 * NR + VL),
                            c32 = FloatVector.fromArray(S, acc, t + 3 * NR + 2 * VL), c33 = FloatVector.fromArray(S, acc, t + 3 * NR + 3 * VL);
                    for (int p = p0, pp = off + p0 * ps, ap = p0 * csA; p < p1; p++, pp += ps, ap += csA) {
                        FloatVector b0 = FloatVector.fromArray(S, panel, pp);
                        FloatVector b1 = FloatVector.fromArray(S, panel, pp + VL);
                        FloatVector b2 = FloatVector.fromArray(S, panel, pp + 2 * VL);
                        FloatVector b3 = FloatVector.fromArray(S, panel, pp + 3 * VL);
                        FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
                        c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
                        x = FloatVector.broadcast(S, a[a1 + ap]);
                        c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
                        x = FloatVector.broadcast(S, a[a2 + ap]);
                        c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
                        x = FloatVector.broadcast(S, a[a3 + ap]);
                        c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
                    }
                    c00.intoArray(acc, t); c01.intoArray(acc, t + VL); c02.intoArray(acc, t + 2 * VL); c03.intoArray(acc, t + 3 * VL);
                    c10.intoArray(acc, t + NR); c11.intoArray(acc, t + NR + VL); c12.intoArray(acc, t + NR + 2 * VL); c13.intoArray(acc, t + NR + 3 * VL);
                    c20.intoArray(acc, t + 2 * NR); c21.intoArray(acc, t + 2 * NR + VL); c22.intoArray(acc, t + 2 * NR + 2 * VL); c23.intoArray(acc, t + 2 * NR + 3 * VL);
                    c30.intoArray(acc, t + 3 * NR); c31.intoArray(acc, t + 3 * NR + VL); c32.intoArray(acc, t + 3 * NR + 2 * VL); c33.intoArray(acc, t + 3 * NR + 3 * VL);
                }
                for (; i < i1; i++) {
                    int ai = aOff + i * rsA, t = (i - i0) * NR;
                    FloatVector c0 = FloatVector.fromArray(S, acc, t), c1 = FloatVector.fromArray(S, acc, t + VL),
                            c2 = FloatVector.fromArray(S, acc, t + 2 * VL), c3 = FloatVector.fromArray(S, acc, t + 3 * VL);
                    for (int p = p0, pp = off + p0 * ps; p < p1; p++, pp += ps) {
                        FloatVector x = FloatVector.broadcast(S, a[ai + p * csA]);
                        c0 = x.fma(FloatVector.fromArray(S, panel, pp), c0);
                        c1 = x.fma(FloatVector.fromArray(S, panel, pp + VL), c1);
                        c2 = x.fma(FloatVector.fromArray(S, panel, pp + 2 * VL), c2);
                        c3 = x.fma(FloatVector.fromArray(S, panel, pp + 3 * VL), c3);
                    }
                    c0.intoArray(acc, t); c1.intoArray(acc, t + VL); c2.intoArray(acc, t + 2 * VL); c3.intoArray(acc, t + 3 * VL);
                }
            }
            flush(acc, NR, rows, cOff + i0 * rsC + j0 * csC, w);
        }

        /** The one-vector-wide strip (nr = VL): MR×VL tiles, then leftover rows one at a time. */
        private void simdNarrowStrip(float[] panel, int off, float[] tile, int j0, int w, int i0, int i1) {
            int i = i0;
            for (; i + MR <= i1; i += MR) {
                int a0 = aOff + i * rsA, a1 = a0 + rsA, a2 = a1 + rsA, a3 = a2 + rsA;
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int p = 0, pp = off; p < k; p++, pp += VL) {
                    FloatVector b0 = FloatVector.fromArray(S, panel, pp);
                    int ap = p * csA;
                    c0 = FloatVector.broadcast(S, a[a0 + ap]).fma(b0, c0);
                    c1 = FloatVector.broadcast(S, a[a1 + ap]).fma(b0, c1);
                    c2 = FloatVector.broadcast(S, a[a2 + ap]).fma(b0, c2);
                    c3 = FloatVector.broadcast(S, a[a3 + ap]).fma(b0, c3);
                }
                c0.intoArray(tile, 0); c1.intoArray(tile, VL); c2.intoArray(tile, 2 * VL); c3.intoArray(tile, 3 * VL);
                flush(tile, VL, MR, cOff + i * rsC + j0 * csC, w);
            }
            for (; i < i1; i++) {
                int ai = aOff + i * rsA;
                FloatVector c0 = FloatVector.zero(S);
                for (int p = 0, pp = off; p < k; p++, pp += VL)
                    c0 = FloatVector.broadcast(S, a[ai + p * csA]).fma(FloatVector.fromArray(S, panel, pp), c0);
                c0.intoArray(tile, 0);
                flush(tile, VL, 1, cOff + i * rsC + j0 * csC, w);
            }
        }

        /**
         * Moves {@code rows} tile rows from {@code tile} (row r at r·nr) into C from c[off], writing
         * or adding {@code w ≤ nr} columns. The accumulators reach here through a scratch array rather
         * than as arguments: a method taking {@code FloatVector} parameters that C2 does not inline
         * falls back to the Vector API's slow Java implementation.
         */
        private void flush(float[] tile, int nr, int rows, int off, int w) {
            for (int r = 0; r < rows; r++, off += rsC) {
                int t = r * nr;
                if (w == nr && csC == 1) {
                    for (int q = 0; q < nr; q += VL) {
                        FloatVector v = FloatVector.fromArray(S, tile, t + q);
                        if (accumulate) v = v.add(FloatVector.fromArray(S, c, off + q));
                        v.intoArray(c, off + q);
                    }
                } else if (csC == 1) {
                    for (int jj = 0; jj < w; jj++) c[off + jj] = accumulate ? c[off + jj] + tile[t + jj] : tile[t + jj];
                } else {
                    // C is written transposed (rsC = 1): walk the tile by columns so each write run is contiguous
                    for (int jj = 0; jj < w; jj++) {
                        int o = off + jj * csC;
                        for (int q = r; q < rows; q++) c[o + (q - r)] = accumulate ? c[o + (q - r)] + tile[q * nr + jj] : tile[q * nr + jj];
                    }
                    return;
                }
            }
        }
    }
}
