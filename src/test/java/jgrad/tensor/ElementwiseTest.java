package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The element-wise kernels against their definitions, on every length from 0 past two vectors (so
 * the SIMD body, the scalar tail and both together are covered). The same tests run again with
 * {@code -Djgrad.simd=false}, for the scalar twins.
 */
class ElementwiseTest {
    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.normal();
        return a;
    }

    @Test
    void activationsAndTheirGradients() {
        Rng rng = new Rng(4);
        for (int n = 0; n <= 2 * MatMul.VL + 3; n++) {
            float[] x = random(rng, n), g = random(rng, n), y = new float[n], dx = random(rng, n), dx0 = dx.clone();
            Elementwise.relu(x, y, n);
            for (int i = 0; i < n; i++) assertEquals(x[i] > 0 ? x[i] : 0f, y[i]);
            Elementwise.reluBackward(y, g, dx, n);
            for (int i = 0; i < n; i++) assertEquals(dx0[i] + (x[i] > 0 ? g[i] : 0f), dx[i]);
            Elementwise.leakyRelu(x, 0.2f, y, n);
            for (int i = 0; i < n; i++) assertEquals(x[i] > 0 ? x[i] : 0.2f * x[i], y[i]);
            dx = dx0.clone();
            Elementwise.leakyReluBackward(x, 0.2f, g, dx, n);
            for (int i = 0; i < n; i++) assertEquals(dx0[i] + (x[i] > 0 ? g[i] : 0.2f * g[i]), dx[i]);
        }
    }

    @Test
    void rowAndColumnKernels() {
        Rng rng = new Rng(5);
        for (int rows = 0; rows <= 3; rows++)
            for (int cols = 0; cols <= 2 * MatMul.VL + 3; cols++) {
                float[] x = random(rng, rows * cols), y = random(rng, rows * cols), b = random(rng, cols), b2 = random(rng, cols);
                float[] sum = random(rng, cols), sum0 = random(rng, cols), added = sum0.clone(), prod = new float[cols], sq = new float[cols], bias = x.clone();
                Elementwise.sumRows(x, rows, cols, sum, false);   // overwrites whatever was there
                Elementwise.sumRows(x, rows, cols, added, true);
                Elementwise.sumRowsOfProduct(x, y, rows, cols, prod);
                Elementwise.sumSquaredDeviations(x, b, rows, cols, sq);
                Elementwise.addRow(bias, b, rows, cols);
                float[] ss = new float[rows * cols], sh = new float[rows * cols];
                Elementwise.shiftScale(x, b, b2, rows, cols, ss);
                Elementwise.scaleShift(x, b, b2, rows, cols, sh);
                for (int c = 0; c < cols; c++) {
                    double s = 0, p = 0, q = 0;
                    for (int r = 0; r < rows; r++) {
                        int i = r * cols + c;
                        s += x[i];
                        p += (double) x[i] * y[i];
                        q += (double) (x[i] - b[c]) * (x[i] - b[c]);
                        assertEquals(x[i] + b[c], bias[i]);
                        assertEquals((x[i] - b[c]) * b2[c], ss[i], 1e-6);
                        assertEquals(x[i] * b[c] + b2[c], sh[i], 1e-5);
                    }
                    assertEquals(s, sum[c], 1e-5);
                    assertEquals(s + sum0[c], added[c], 1e-5);
                    assertEquals(p, prod[c], 1e-5);
                    assertEquals(q, sq[c], 1e-5);
                }
            }
    }

    @Test
    void lookupMapsEveryByteValueThroughTheTable() {
        Rng rng = new Rng(6);
        float[] table = random(rng, 256);
        byte[] x = new byte[256 + 3 * MatMul.VL + 5];
        for (int i = 0; i < x.length; i++) x[i] = (byte) (i * 37 + 11);   // every value 0..255, signed bytes included
        for (int n = 0; n <= x.length - 3; n += (n < 2 * MatMul.VL + 3 ? 1 : 29)) {
            float[] y = new float[n + 2];
            Elementwise.lookup(x, 3, table, y, 2, n);
            for (int i = 0; i < n; i++) assertEquals(table[x[3 + i] & 0xFF], y[2 + i], "n=" + n + " i=" + i);
            assertEquals(0f, y[0]);
            assertEquals(0f, y[1]);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Elementwise.lookup(x, 0, new float[255], new float[4], 0, 4));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
    }
}
