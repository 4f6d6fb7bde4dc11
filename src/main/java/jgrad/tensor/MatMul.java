package jgrad.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 * is (N,N) and {@code dW = dYᵀ·X} is (T,N). A transposed B is packed once into a [K,N] panel so every
 * variant runs the same micro-kernel, whose inner loop streams contiguous rows of B.
 *
 * <p>The SIMD kernel uses {@code jdk.incubator.vector}; {@code -Djgrad.simd=false} selects the
 * scalar twin, which does the same loops one float at a time.
 */
public final class MatMul {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Below this many multiply-adds a single thread is faster than waking the pool. */
    private static final long PARALLEL_MIN_WORK = 1 << 16;
    private static final int MR = 4;

    private MatMul() {}

    /** True unless {@code -Djgrad.simd=false} turned the Vector API kernels off. */
    public static final boolean SIMD = !"false".equalsIgnoreCase(System.getProperty("jgrad.simd"));

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}. Offsets let callers
     * address one matrix of a batch inside a larger array.
     */
    public static void mm(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                          float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (!accumulate) java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        if (k == 0) return;
        float[] panel = b;
        int pOff = bOff;
        if (transB) {
            panel = transpose(b, bOff, n, k, PANEL.get().ensure(k * n));
            pOff = 0;
        }
        int rsA = transA ? 1 : k, csA = transA ? m : 1;
        float[] fb = panel;
        int fpOff = pOff;
        boolean simd = SIMD && n >= VL;
        long work = (long) m * n * k;
        int threads = work < PARALLEL_MIN_WORK ? 1 : Parallel.threads();
        int rowBlocks = (m + MR - 1) / MR;
        if (threads == 1) {
            kernel(simd, a, aOff, rsA, csA, fb, fpOff, c, cOff, 0, m, 0, n, n, k);
        } else if (rowBlocks >= 2 * threads) {
            int per = (rowBlocks + threads - 1) / threads;
            Parallel.run(threads, t -> {
                int i0 = Math.min(m, t * per * MR), i1 = Math.min(m, (t + 1) * per * MR);
                if (i0 < i1) kernel(simd, a, aOff, rsA, csA, fb, fpOff, c, cOff, i0, i1, 0, n, n, k);
            });
        } else {
            int unit = simd ? 2 * VL : 16;
            int colBlocks = (n + unit - 1) / unit;
            int per = (colBlocks + threads - 1) / threads;
            Parallel.run(threads, t -> {
                int j0 = Math.min(n, t * per * unit), j1 = Math.min(n, (t + 1) * per * unit);
                if (j0 < j1) kernel(simd, a, aOff, rsA, csA, fb, fpOff, c, cOff, 0, m, j0, j1, n, k);
            });
        }
    }

    /** A per-thread scratch array for packed panels, grown as needed, so steady-state training does not allocate. */
    private static final class Scratch {
        float[] buf = new float[0];

        float[] ensure(int n) {
            if (buf.length < n) buf = new float[n];
            return buf;
        }
    }

    private static final ThreadLocal<Scratch> PANEL = ThreadLocal.withInitial(Scratch::new);

    /**
     * out[C,R] = in[R,C]ᵀ (in at offset {@code off}), in 16×16 tiles so both the reads and the writes
     * stay within a few cache lines.
     */
    static float[] transpose(float[] in, int off, int rows, int cols, float[] out) {
        final int T = 16;
        for (int r0 = 0; r0 < rows; r0 += T) {
            int r1 = Math.min(rows, r0 + T);
            for (int c0 = 0; c0 < cols; c0 += T) {
                int c1 = Math.min(cols, c0 + T);
                for (int r = r0; r < r1; r++) {
                    int src = off + r * cols;
                    for (int c = c0; c < c1; c++) out[c * rows + r] = in[src + c];
                }
            }
        }
        return out;
    }

    private static void kernel(boolean simd, float[] a, int aOff, int rsA, int csA, float[] b, int bOff,
                               float[] c, int cOff, int i0, int i1, int j0, int j1, int n, int k) {
        if (simd) simdBlock(a, aOff, rsA, csA, b, bOff, c, cOff, i0, i1, j0, j1, n, k);
        else scalarBlock(a, aOff, rsA, csA, b, bOff, c, cOff, i0, i1, j0, j1, n, k);
    }

    /**
     * The scalar twin: {@code C[i,j] += Σ_p A(i,p)·B[p,j]} for i in [i0,i1), j in [j0,j1).
     * A(i,p) = a[aOff + i·rsA + p·csA]; B is [K,N] row-major.
     */
    static void scalarBlock(float[] a, int aOff, int rsA, int csA, float[] b, int bOff,
                            float[] c, int cOff, int i0, int i1, int j0, int j1, int n, int k) {
        for (int i = i0; i < i1; i++) {
            int ci = cOff + i * n;
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * rsA + p * csA];
                int bp = bOff + p * n;
                for (int j = j0; j < j1; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }

    /**
     * Register-tiled SIMD kernel: a 4-row × 2-vector tile of C lives in 8 accumulators while p runs
     * over K, so each B vector loaded feeds four FMAs and C is written once per tile.
     */
    static void simdBlock(float[] a, int aOff, int rsA, int csA, float[] b, int bOff,
                          float[] c, int cOff, int i0, int i1, int j0, int j1, int n, int k) {
        int i = i0;
        for (; i + MR <= i1; i += MR) {
            int a0 = aOff + i * rsA, a1 = a0 + rsA, a2 = a1 + rsA, a3 = a2 + rsA;
            int j = j0;
            for (; j + 2 * VL <= j1; j += 2 * VL) {
                FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
                FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
                FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
                FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j;
                    FloatVector b0 = FloatVector.fromArray(S, b, bp);
                    FloatVector b1 = FloatVector.fromArray(S, b, bp + VL);
                    int ap = p * csA;
                    FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
                    c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
                    FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
                    c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
                    FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
                    c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
                    FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
                    c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
                }
                addTo(c, cOff + i * n + j, c00, c01);
                addTo(c, cOff + (i + 1) * n + j, c10, c11);
                addTo(c, cOff + (i + 2) * n + j, c20, c21);
                addTo(c, cOff + (i + 3) * n + j, c30, c31);
            }
            for (; j + VL <= j1; j += VL) {
                FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
                FloatVector c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    FloatVector bv = FloatVector.fromArray(S, b, bOff + p * n + j);
                    int ap = p * csA;
                    c0 = FloatVector.broadcast(S, a[a0 + ap]).fma(bv, c0);
                    c1 = FloatVector.broadcast(S, a[a1 + ap]).fma(bv, c1);
                    c2 = FloatVector.broadcast(S, a[a2 + ap]).fma(bv, c2);
                    c3 = FloatVector.broadcast(S, a[a3 + ap]).fma(bv, c3);
                }
                int ci = cOff + i * n + j;
                c0.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
                c1.add(FloatVector.fromArray(S, c, ci + n)).intoArray(c, ci + n);
                c2.add(FloatVector.fromArray(S, c, ci + 2 * n)).intoArray(c, ci + 2 * n);
                c3.add(FloatVector.fromArray(S, c, ci + 3 * n)).intoArray(c, ci + 3 * n);
            }
            if (j < j1) scalarBlock(a, aOff, rsA, csA, b, bOff, c, cOff, i, i + MR, j, j1, n, k);
        }
        for (; i < i1; i++) {
            int ai = aOff + i * rsA, ci = cOff + i * n;
            int j = j0;
            for (; j + VL <= j1; j += VL) {
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < k; p++)
                    acc = FloatVector.broadcast(S, a[ai + p * csA]).fma(FloatVector.fromArray(S, b, bOff + p * n + j), acc);
                acc.add(FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
            }
            if (j < j1) scalarBlock(a, aOff, rsA, csA, b, bOff, c, cOff, i, i + 1, j, j1, n, k);
        }
    }

    private static void addTo(float[] c, int off, FloatVector v0, FloatVector v1) {
        v0.add(FloatVector.fromArray(S, c, off)).intoArray(c, off);
        v1.add(FloatVector.fromArray(S, c, off + VL)).intoArray(c, off + VL);
    }

    /** Σ x[i]·y[i] over {@code n} elements, SIMD when enabled. */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        float s = 0f;
        if (SIMD) {
            FloatVector acc = FloatVector.zero(S);
            for (; i + VL <= n; i += VL)
                acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }
}
