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
 * over K, each B vector loaded feeding MR fused multiply-adds. The panel (K·NR floats, 200 KB for
 * K = 784) stays in L2 while every row block of A passes over it. Each C element is computed by one
 * task in a fixed order, so results do not depend on the thread count.
 *
 * <p>The SIMD kernel uses {@code jdk.incubator.vector}; {@code -Djgrad.simd=false} selects the
 * scalar twin, which packs the same panels and runs the same loops one float at a time.
 */
public final class MatMul {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Vectors per register tile row, and the strip width in floats. */
    private static final int NV = 4, NR = NV * VL;
    /** Rows per register tile. */
    private static final int MR = 4;
    /** Below this many multiply-adds a single thread is faster than waking the pool. */
    private static final long PARALLEL_MIN_WORK = 1 << 17;

    /** True unless {@code -Djgrad.simd=false} turned the Vector API kernels off. */
    public static final boolean SIMD = !"false".equalsIgnoreCase(System.getProperty("jgrad.simd"));

    private MatMul() {}

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}. Offsets let callers
     * address one matrix of a batch inside a larger array.
     */
    public static void mm(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                          float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        mm(SIMD, a, aOff, transA, b, bOff, transB, c, cOff, m, n, k, accumulate);
    }

    /** {@link #mm} with the kernel chosen by the caller (tests run both twins through here). */
    static void mm(boolean simd, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                   float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
            return;
        }
        int rsA = transA ? 1 : k, csA = transA ? m : 1, rsB = transB ? 1 : n, csB = transB ? k : 1;
        // Packing op(B) costs K·N, and a gather when B is stored transposed. With few rows (M = batch) it
        // can be cheaper to compute Cᵀ = op(B)ᵀ·op(A)ᵀ, packing op(A) instead and writing C transposed.
        long direct = (long) k * n * (csB == 1 ? 1 : 4) + (long) m * n / 2;
        long swapped = (long) k * m * (rsA == 1 ? 1 : 4) + 4L * m * n;
        Operands o = swapped < direct
                ? new Operands(simd, b, bOff, csB, rsB, a, aOff, csA, rsA, c, cOff, 1, n, n, m, k, accumulate)
                : new Operands(simd, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff, n, 1, m, n, k, accumulate);
        int strips = (o.n + NR - 1) / NR, rowBlocks = (o.m + MR - 1) / MR, rows = o.m;
        int threads = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : Parallel.threads();
        if (threads == 1) {
            for (int s = 0; s < strips; s++) o.strip(s, 0, rows);
        } else if (strips >= 2 * threads || strips >= rowBlocks) {
            Parallel.run(threads, t -> {
                for (int s = t; s < strips; s += threads) o.strip(s, 0, rows);
            });
        } else {
            int per = (rowBlocks + threads - 1) / threads;
            Parallel.run(threads, t -> {
                int i0 = Math.min(rows, t * per * MR), i1 = Math.min(rows, (t + 1) * per * MR);
                for (int s = 0; s < strips && i0 < i1; s++) o.strip(s, i0, i1);
            });
        }
    }

    /** Per-thread scratch: [0] the packed panel (grown as needed), [1] the register tile's way out to C. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[MR * NR]});

    /**
     * One multiply's operands: A(i,p) = a[aOff + i·rsA + p·csA], B(p,j) = b[bOff + p·rsB + j·csB],
     * C(i,j) = c[cOff + i·rsC + j·csC], with i < m, j < n, p < k.
     */
    private record Operands(boolean simd, float[] a, int aOff, int rsA, int csA, float[] b, int bOff, int rsB, int csB,
                            float[] c, int cOff, int rsC, int csC, int m, int n, int k, boolean accumulate) {

        /** Packs strip {@code s} of op(B) and computes rows [i0, i1) of C's columns in it. */
        void strip(int s, int i0, int i1) {
            int j0 = s * NR, w = Math.min(NR, n - j0);
            float[][] scratch = SCRATCH.get();
            if (scratch[0].length < k * NR) scratch[0] = new float[k * NR];
            float[] panel = scratch[0];
            pack(panel, j0, w);
            if (simd) simdStrip(panel, scratch[1], j0, w, i0, i1);
            else scalarStrip(panel, scratch[1], j0, w, i0, i1);
        }

        /** panel[p·NR + jj] = B(p, j0 + jj) for jj < w, and 0 for w ≤ jj < NR. */
        private void pack(float[] panel, int j0, int w) {
            if (csB == 1) {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOff + p * rsB + j0, panel, p * NR, w);
                    if (w < NR) java.util.Arrays.fill(panel, p * NR + w, p * NR + NR, 0f);
                }
            } else {
                // B is stored transposed ([N,K]): read along its rows, 16 at a time, to keep both sides in cache
                if (w < NR) java.util.Arrays.fill(panel, 0, k * NR, 0f);
                for (int p0 = 0; p0 < k; p0 += 16) {
                    int p1 = Math.min(k, p0 + 16);
                    for (int jj = 0; jj < w; jj++) {
                        int src = bOff + (j0 + jj) * csB;
                        for (int p = p0; p < p1; p++) panel[p * NR + jj] = b[src + p];
                    }
                }
            }
        }

        /** The scalar twin: the same panel and tiles, one float at a time. */
        private void scalarStrip(float[] panel, float[] acc, int j0, int w, int i0, int i1) {
            for (int i = i0; i < i1; i++) {
                java.util.Arrays.fill(acc, 0, NR, 0f);
                int ai = aOff + i * rsA;
                for (int p = 0; p < k; p++) {
                    float av = a[ai + p * csA];
                    int pp = p * NR;
                    for (int jj = 0; jj < NR; jj++) acc[jj] = Math.fma(av, panel[pp + jj], acc[jj]); // as the SIMD kernel rounds
                }
                flush(acc, 1, cOff + i * rsC + j0 * csC, w);
            }
        }

        /** MR×NR register tiles (16 accumulators with NV = 4) over the packed panel; leftover rows one at a time. */
        private void simdStrip(float[] panel, float[] tile, int j0, int w, int i0, int i1) {
            int i = i0;
            for (; i + MR <= i1; i += MR) {
                int a0 = aOff + i * rsA, a1 = a0 + rsA, a2 = a1 + rsA, a3 = a2 + rsA;
                FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
                FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
                FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
                for (int p = 0, pp = 0; p < k; p++, pp += NR) {
                    FloatVector b0 = FloatVector.fromArray(S, panel, pp);
                    FloatVector b1 = FloatVector.fromArray(S, panel, pp + VL);
                    FloatVector b2 = FloatVector.fromArray(S, panel, pp + 2 * VL);
                    FloatVector b3 = FloatVector.fromArray(S, panel, pp + 3 * VL);
                    int ap = p * csA;
                    FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
                    c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
                    x = FloatVector.broadcast(S, a[a1 + ap]);
                    c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
                    x = FloatVector.broadcast(S, a[a2 + ap]);
                    c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
                    x = FloatVector.broadcast(S, a[a3 + ap]);
                    c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
                }
                c00.intoArray(tile, 0); c01.intoArray(tile, VL); c02.intoArray(tile, 2 * VL); c03.intoArray(tile, 3 * VL);
                c10.intoArray(tile, NR); c11.intoArray(tile, NR + VL); c12.intoArray(tile, NR + 2 * VL); c13.intoArray(tile, NR + 3 * VL);
                c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + VL); c22.intoArray(tile, 2 * NR + 2 * VL); c23.intoArray(tile, 2 * NR + 3 * VL);
                c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + VL); c32.intoArray(tile, 3 * NR + 2 * VL); c33.intoArray(tile, 3 * NR + 3 * VL);
                flush(tile, MR, cOff + i * rsC + j0 * csC, w);
            }
            for (; i < i1; i++) {
                int ai = aOff + i * rsA;
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int p = 0, pp = 0; p < k; p++, pp += NR) {
                    FloatVector x = FloatVector.broadcast(S, a[ai + p * csA]);
                    c0 = x.fma(FloatVector.fromArray(S, panel, pp), c0);
                    c1 = x.fma(FloatVector.fromArray(S, panel, pp + VL), c1);
                    c2 = x.fma(FloatVector.fromArray(S, panel, pp + 2 * VL), c2);
                    c3 = x.fma(FloatVector.fromArray(S, panel, pp + 3 * VL), c3);
                }
                c0.intoArray(tile, 0); c1.intoArray(tile, VL); c2.intoArray(tile, 2 * VL); c3.intoArray(tile, 3 * VL);
                flush(tile, 1, cOff + i * rsC + j0 * csC, w);
            }
        }

        /**
         * Moves {@code rows} tile rows from {@code tile} (row r at r·NR) into C from c[off], writing
         * or adding {@code w ≤ NR} columns. The accumulators reach here through a scratch array rather
         * than as arguments: a method taking {@code FloatVector} parameters that C2 does not inline
         * falls back to the Vector API's slow Java implementation.
         */
        private void flush(float[] tile, int rows, int off, int w) {
            for (int r = 0; r < rows; r++, off += rsC) {
                int t = r * NR;
                if (w == NR && csC == 1) {
                    for (int q = 0; q < NR; q += VL) {
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
                        for (int q = r; q < rows; q++) c[o + (q - r)] = accumulate ? c[o + (q - r)] + tile[q * NR + jj] : tile[q * NR + jj];
                    }
                    return;
                }
            }
        }
    }
}
