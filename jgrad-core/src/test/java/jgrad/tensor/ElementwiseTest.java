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
        for (int n = 0; n <= 2 * Simd.VL + 3; n++)
            for (float slope : new float[]{0f, 0.2f, 1f, -0.5f}) {
                float[] x = random(rng, n), g = random(rng, n), y = new float[n], dx = random(rng, n), dx0 = dx.clone();
                Elementwise.activation(x, slope, y, n);
                for (int i = 0; i < n; i++) assertEquals(x[i] > 0 ? x[i] : slope == 0 ? 0f : slope * x[i], y[i], "slope " + slope);
                Elementwise.activationBackward(x, slope, g, dx, n, true);
                for (int i = 0; i < n; i++) assertEquals(dx0[i] + (x[i] > 0 ? g[i] : slope * g[i]), dx[i], 0f, "slope " + slope);
                Elementwise.activationBackward(x, slope, g, dx, n, false);
                for (int i = 0; i < n; i++) assertEquals(x[i] > 0 ? g[i] : slope * g[i], dx[i], 0f, "slope " + slope);
                Elementwise.activation(x, slope, x, n);   // in place
                assertArrayEquals(y, x);
            }
        // ReLU's gradient is 0 where the input is not positive, even for an infinite upstream gradient
        int n = Simd.VL + 1;
        float[] x = new float[n], g = new float[n], dx = new float[n];
        java.util.Arrays.fill(x, -1f);
        java.util.Arrays.fill(g, Float.POSITIVE_INFINITY);
        Elementwise.activationBackward(x, 0f, g, dx, n, false);
        assertArrayEquals(new float[n], dx);
    }

    /** Infinities, NaN and signed zeros, in the SIMD body and the scalar tail alike. */
    @Test
    void activationsOnSpecialValuesFollowPyTorch() {
        float inf = Float.POSITIVE_INFINITY, nan = Float.NaN;
        float[] v = {-inf, inf, nan, -0f, 0f, -2f, 3f};
        float[] relu = {0f, inf, nan, 0f, 0f, 0f, 3f}, leaky = {-inf, inf, nan, -0f, 0f, -0.4f, 3f};
        // d/dx with dY = ∞ for ReLU (0 where x ≤ 0, dY where x is NaN) and dY = 1 for LeakyReLU(0.2)
        float[] reluGrad = {0f, inf, inf, 0f, 0f, 0f, inf}, leakyGrad = {0.2f, 1f, 1f, 0.2f, 0.2f, 0.2f, 1f};
        int n = 2 * Simd.VL + v.length;
        float[] x = new float[n], y = new float[n], inf1 = new float[n], one = new float[n], d = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = v[i % v.length];
            inf1[i] = inf;
            one[i] = 1f;
        }
        Elementwise.activation(x, 0f, y, n);
        for (int i = 0; i < n; i++) assertEquals(relu[i % v.length], y[i], "relu(" + x[i] + ") at " + i);
        Elementwise.activationBackward(x, 0f, inf1, d, n, false);
        for (int i = 0; i < n; i++) assertEquals(reluGrad[i % v.length], d[i], "relu'(" + x[i] + ") at " + i);
        Elementwise.activation(x, 0.2f, y, n);
        for (int i = 0; i < n; i++) assertEquals(leaky[i % v.length], y[i], "leaky(" + x[i] + ") at " + i);   // -0 and +0 differ here
        Elementwise.activationBackward(x, 0.2f, one, d, n, false);
        for (int i = 0; i < n; i++) assertEquals(leakyGrad[i % v.length], d[i], "leaky'(" + x[i] + ") at " + i);
        Elementwise.activation(x, 1f, y, n);
        for (int i = 0; i < n; i++) assertEquals(x[i], y[i], "slope 1 is the identity at " + i);
    }

    @Test
    void rowAndColumnKernels() {
        Rng rng = new Rng(5);
        for (int rows = 0; rows <= 3; rows++)
            for (int cols = 0; cols <= 2 * Simd.VL + 3; cols++) {
                float[] x = random(rng, rows * cols), y = random(rng, rows * cols), b = random(rng, cols), b2 = random(rng, cols);
                float[] sum = random(rng, cols), sum0 = random(rng, cols), added = sum0.clone();
                Elementwise.sumRows(x, rows, cols, sum, false);   // overwrites whatever was there
                Elementwise.sumRows(x, rows, cols, added, true);
                for (int c = 0; c < cols; c++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) s += x[r * cols + c];
                    assertEquals(s, sum[c], 1e-5);
                    assertEquals(s + sum0[c], added[c], 1e-5);
                }
            }
    }

    @Test
    void biasActivation() {
        Rng rng = new Rng(7);
        for (int rows = 0; rows <= 3; rows++)
            for (int cols = 0; cols <= 2 * Simd.VL + 3; cols++)
                for (float slope : new float[]{0f, 0.2f, 1f}) {
                    float[] x = random(rng, rows * cols), dY = random(rng, rows * cols), mean = random(rng, cols), invStd = random(rng, cols);
                    float[] gamma = random(rng, cols), beta = random(rng, cols), xhat = new float[rows * cols], y = new float[rows * cols];
                    float[] dX = random(rng, rows * cols), dX0 = dX.clone(), biased = x.clone(), activated = x.clone();
                    Elementwise.biasActivation(biased, beta, slope, rows, cols);
                    Elementwise.biasActivation(activated, null, slope, rows, cols);
                    for (int r = 0; r < rows; r++)
                        for (int c = 0; c < cols; c++) {
                            int i = r * cols + c;
                            String at = "slope " + slope + " rows " + rows + " cols " + cols + " at " + i;
                            assertEquals(Elementwise.activate(x[i] + beta[c], slope), biased[i], 0f, at);
                            assertEquals(Elementwise.activate(x[i], slope), activated[i], 0f, at);
                        }
                }
        assertEquals(0f, Elementwise.activate(-3f, 0f));
        assertEquals(-0.6f, Elementwise.activate(-3f, 0.2f), 1e-7f);
        assertEquals(2.5f, Elementwise.activate(2.5f, 0.2f));
        assertEquals(-3f, Elementwise.activate(-3f, 1f));
    }

    @Test
    void lookupMapsEveryByteValueThroughTheTable() {
        Rng rng = new Rng(6);
        float[] table = random(rng, 256);
        byte[] x = new byte[256 + 3 * Simd.VL + 5];
        for (int i = 0; i < x.length; i++) x[i] = (byte) (i * 37 + 11);   // every value 0..255, signed bytes included
        for (int n = 0; n <= x.length - 3; n += (n < 2 * Simd.VL + 3 ? 1 : 29)) {
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
