package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Every matmul kernel and the façade against the naive triple loop, over all small shapes (zero included). */
class MatMulTest {
    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.normal();
        return a;
    }

    /** C = op(A)·op(B) by definition, in double. */
    private static double[] naive(float[] a, boolean ta, float[] b, boolean tb, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = s;
            }
        return c;
    }

    private static void assertClose(double[] want, float[] got, float[] base, String what) {
        for (int i = 0; i < want.length; i++) {
            double w = want[i] + (base == null ? 0 : base[i]);
            assertEquals(w, got[i], 1e-4 * Math.max(1, Math.abs(w)), what + " element " + i);
        }
    }

    @Test
    void bothKernelsMatchNaiveOnAllSmallShapes() {
        Rng rng = new Rng(1);
        // past one full strip (4 vectors), with tails that get a narrow strip (at most a vector) and a padded one
        int maxN = 6 * Simd.VL + 3;
        for (int m = 0; m <= 9; m++)
            for (int n = 0; n <= maxN; n += (n < 20 ? 1 : 5))
                for (int k = 0; k <= 5; k++)
                    for (int t = 0; t < 8; t++) {
                        boolean ta = (t & 1) != 0, tb = (t & 2) != 0, acc = (t & 4) != 0;
                        float[] a = random(rng, m * k), b = random(rng, k * n), c0 = random(rng, m * n);
                        double[] want = naive(a, ta, b, tb, m, n, k);
                        String what = "m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " accumulate=" + acc;
                        float[][] out = new float[2][];
                        for (boolean simd : new boolean[]{false, true}) {
                            float[] c = c0.clone();
                            MatMul.mm(simd, a, 0, ta, b, 0, tb, c, 0, m, n, k, acc);
                            assertClose(want, c, acc ? c0 : null, (simd ? "simd " : "scalar ") + what);
                            out[simd ? 1 : 0] = c;
                        }
                        org.junit.jupiter.api.Assertions.assertArrayEquals(out[0], out[1], "the twins round alike: " + what);
                    }
    }

    @Test
    void facadeMatchesNaiveForEveryTransposeAndSize() {
        Rng rng = new Rng(2);
        int[][] shapes = {{0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {5, 7, 3}, {64, 256, 784}, {64, 10, 128},
                {256, 784, 64}, {10, 128, 64}, {64, 128, 10}, {13, 33, 17}, {100, 37, 70}};
        for (int[] s : shapes)
            for (int ta = 0; ta < 2; ta++)
                for (int tb = 0; tb < 2; tb++)
                    for (int acc = 0; acc < 2; acc++) {
                        int m = s[0], n = s[1], k = s[2];
                        float[] a = random(rng, m * k), b = random(rng, k * n), c = random(rng, m * n), base = c.clone();
                        MatMul.mm(a, 0, ta == 1, b, 0, tb == 1, c, 0, m, n, k, acc == 1);
                        assertClose(naive(a, ta == 1, b, tb == 1, m, n, k), c, acc == 1 ? base : null,
                                "mm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc);
                    }
    }

    @Test
    void bReadInPlaceGivesThePackedBits() {
        // a small row-major op(B) is read in place; the same B stored transposed is always packed
        Rng rng = new Rng(4);
        int[][] shapes = {{64, 196, 288}, {9, 64, 5}, {5, 130, 3}, {32, 784, 9}, {288, 196, 64}, {7, 200, 300}};
        for (boolean simd : new boolean[]{true, false})
            for (int[] s : shapes)
                for (boolean acc : new boolean[]{false, true}) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = random(rng, m * k), b = random(rng, k * n), bT = new float[k * n], c1 = random(rng, m * n), c2 = c1.clone();
                    for (int p = 0; p < k; p++)
                        for (int j = 0; j < n; j++) bT[j * k + p] = b[p * n + j];
                    MatMul.mm(simd, a, 0, false, b, 0, false, c1, 0, m, n, k, acc);
                    MatMul.mm(simd, a, 0, false, bT, 0, true, c2, 0, m, n, k, acc);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(c2, c1, "mm " + m + "x" + n + "x" + k + " simd=" + simd + " acc=" + acc);
                }
    }

    /**
     * Blocks inside larger row-major matrices (rows lda, ldb, ldc apart) against the same blocks copied
     * out: the same bits, in every transpose, with and without accumulating, in both twins, and C's
     * floats outside the block left alone. Among the shapes, a convolution sample's first 192 of 196
     * columns, as the convolution multiplies them.
     */
    @Test
    void blocksOfLargerMatricesGiveTheBitsOfTheBlocksAlone() {
        Rng rng = new Rng(6);
        int[][] shapes = {{64, 192, 288, 0, 4, 4}, {288, 192, 64, 0, 4, 4}, {5, 70, 9, 3, 2, 7}, {9, 17, 600, 1, 5, 2}, {1, 1, 1, 2, 2, 2}};
        for (int[] s : shapes)
            for (int t = 0; t < 16; t++) {
                int m = s[0], n = s[1], k = s[2];
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0, acc = (t & 4) != 0, simd = (t & 8) != 0;
                int rowsA = ta ? k : m, colsA = ta ? m : k, rowsB = tb ? n : k, colsB = tb ? k : n;
                int lda = colsA + s[3], ldb = colsB + s[4], ldc = n + s[5];
                float[] a = random(rng, rowsA * lda), b = random(rng, rowsB * ldb), c = random(rng, m * ldc), c0 = c.clone();
                float[] aBlock = new float[rowsA * colsA], bBlock = new float[rowsB * colsB], cBlock = new float[m * n];
                for (int i = 0; i < rowsA; i++) System.arraycopy(a, i * lda, aBlock, i * colsA, colsA);
                for (int i = 0; i < rowsB; i++) System.arraycopy(b, i * ldb, bBlock, i * colsB, colsB);
                for (int i = 0; i < m; i++) System.arraycopy(c, i * ldc, cBlock, i * n, n);
                MatMul.mm(simd, a, 0, ta, lda, b, 0, tb, ldb, c, 0, ldc, m, n, k, acc);
                MatMul.mm(simd, aBlock, 0, ta, bBlock, 0, tb, cBlock, 0, m, n, k, acc);
                String what = "mm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc + " simd=" + simd;
                for (int i = 0; i < m; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(cBlock, i * n, (i + 1) * n),
                            java.util.Arrays.copyOfRange(c, i * ldc, i * ldc + n), what + " row " + i);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(c0, i * ldc + n, (i + 1) * ldc),
                            java.util.Arrays.copyOfRange(c, i * ldc + n, (i + 1) * ldc), what + " past row " + i);
                }
            }
    }

    @Test
    void longKInBlocksGivesTheScalarTwinsBits() {
        // K past two blocks: the SIMD tiles keep their sums in memory between blocks, the scalar twin runs each chain through
        Rng rng = new Rng(5);
        int[][] shapes = {{5, 64, 1100}, {64, 288, 3528}, {7, 130, 600}, {9, 20, 513}};
        for (int[] s : shapes)
            for (int t = 0; t < 8; t++) {
                int m = s[0], n = s[1], k = s[2];
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0, acc = (t & 4) != 0;
                float[] a = random(rng, m * k), b = random(rng, k * n), c1 = random(rng, m * n), c2 = c1.clone();
                MatMul.mm(true, a, 0, ta, b, 0, tb, c1, 0, m, n, k, acc);
                MatMul.mm(false, a, 0, ta, b, 0, tb, c2, 0, m, n, k, acc);
                org.junit.jupiter.api.Assertions.assertArrayEquals(c2, c1, "mm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc);
            }
    }

    /**
     * One thread against two, on a shape for each way of splitting the work: the shared panel of
     * a batch's forward pass (64×256×784, B transposed), column strips (128×3136×64 from Aᵀ, B too
     * large to read in place), and row ranges over a B read in place (a weight gradient, 512×784×64
     * from Aᵀ, whose last 16 columns take a narrow strip).
     */
    @Test
    void sameInputsGiveBitIdenticalResultsAcrossThreadCounts() {
        Rng rng = new Rng(3);
        int[][] shapes = {{64, 256, 784, 0, 1}, {128, 3136, 64, 1, 0}, {512, 784, 64, 1, 0}};
        int before = Parallel.threads();
        try {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                boolean ta = s[3] == 1, tb = s[4] == 1;
                float[] a = random(rng, m * k), b = random(rng, k * n), c1 = new float[m * n], c2 = new float[m * n];
                Parallel.setThreads(1);
                MatMul.mm(a, 0, ta, b, 0, tb, c1, 0, m, n, k, false);
                Parallel.setThreads(2);
                MatMul.mm(a, 0, ta, b, 0, tb, c2, 0, m, n, k, false);
                org.junit.jupiter.api.Assertions.assertArrayEquals(c1, c2, m + "x" + n + "x" + k);
                assertClose(naive(a, ta, b, tb, m, n, k), c2, null, m + "x" + n + "x" + k + " on 2 threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
