package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The batch-norm kernels against their definitions, on every length from 0 past two vectors (so
 * the SIMD body, the scalar tail and both together are covered). The same tests run again with
 * {@code -Djgrad.simd=false}, for the scalar twins.
 */
class BatchNormKernelsTest {
    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.normal();
        return a;
    }

    /** The float term each sum adds: x, or (x - s)·(y - s) rounded to float. */
    private static double term(float[] x, float[] y, float s, int i) {
        return y == null ? x[i] : (x[i] - s) * (y[i] - s);
    }

    /** Column sums in their documented order: a double per column, rows in order. */
    private static double columnSum(float[] x, float[] y, float s, int rows, int cols, int c) {
        double acc = 0;
        for (int r = 0; r < rows; r++) acc += term(x, y, s, r * cols + c);
        return acc;
    }

    @Test
    void columnStatisticsAndGradientSumsAddInTheirDocumentedOrder() {
        Rng rng = new Rng(5);
        for (int rows = 0; rows <= 3; rows++)
            for (int cols = 0; cols <= 2 * Simd.VL + 3; cols++) {
                float[] x = random(rng, rows * cols), y = random(rng, rows * cols);
                float[] mean = new float[cols];
                double[] sq = new double[cols], sumDy = new double[cols], sumDyXhat = new double[cols];
                if (rows > 0) BatchNormKernels.statistics(x, rows, cols, mean, sq);
                BatchNormKernels.columnGradientSums(x, y, rows, cols, sumDy, sumDyXhat);
                for (int c = 0; c < cols; c++) {
                    String at = "rows " + rows + " cols " + cols + " column " + c;
                    if (rows > 0) {
                        float m = (float) (columnSum(x, null, 0f, rows, cols, c) / rows);
                        assertEquals(m, mean[c], 0f, at);
                        assertEquals(columnSum(x, x, m, rows, cols, c), sq[c], 0.0, at);
                    }
                    assertEquals(columnSum(x, null, 0f, rows, cols, c), sumDy[c], 0.0, at);
                    assertEquals(columnSum(x, y, 0f, rows, cols, c), sumDyXhat[c], 0.0, at);
                }
            }
    }

    /** Plane sums in their documented order: 16 double lanes, position k of a plane in lane k mod 16, the tails after. */
    private static double planeSum(float[] x, float[] y, float s, int n, int c, int l, int ch) {
        int lanes = BatchNormKernels.LANES, body = l - l % lanes;
        double[] acc = new double[lanes];
        double tail = 0;
        for (int i = 0; i < n; i++) {
            int off = (i * c + ch) * l;
            for (int k = 0; k < body; k++) acc[k % lanes] += term(x, y, s, off + k);
            for (int k = body; k < l; k++) tail += term(x, y, s, off + k);
        }
        double sum = 0;
        for (double v : acc) sum += v;
        return sum + tail;
    }

    @Test
    void planeStatisticsAddInTheirDocumentedOrder() {
        Rng rng = new Rng(6);
        for (int n = 1; n <= 3; n++)
            for (int c = 1; c <= 3; c++)
                for (int l = 1; l <= 2 * BatchNormKernels.LANES + 3; l++) {
                    float[] x = random(rng, n * c * l);
                    float[] mean = new float[c];
                    double[] sq = new double[c];
                    BatchNormKernels.planeStatistics(x, n, c, l, mean, sq);
                    for (int ch = 0; ch < c; ch++) {
                        String at = "n " + n + " c " + c + " l " + l + " channel " + ch;
                        float m = (float) (planeSum(x, null, 0f, n, c, l, ch) / (n * l));
                        assertEquals(m, mean[ch], 0f, at);
                        assertEquals(planeSum(x, x, m, n, c, l, ch), sq[ch], 0.0, at);
                    }
                }
    }

    /** The fused activation's gradient, written out: act'(y)·dY, 0 (not -0 or NaN) where y ≤ 0 when slope is 0. */
    private static float dZ(float y, float dY, float slope) {
        if (slope == 1f) return dY;
        return y <= 0f ? (slope == 0f ? 0f : dY * slope) : dY;
    }

    /**
     * planeSums through ReLU, LeakyReLU and no activation: dY becomes dZ = act'(y)·dY bit for bit
     * (and is left alone without activation), and Σ dZ, Σ dZ·xhat, with xhat = (x - mean)·invStd,
     * add in the documented order. y has exact zeros of both signs, dY negative values and zeros
     * of both signs, where a multiplication by slope 0 would give -0. Every N and C up to 3, every
     * L up to two lane groups and a tail (L < 16 and not a multiple of 16 among them).
     */
    @Test
    void planeGradientSumsFuseTheActivationAndAddInTheDocumentedOrder() {
        Rng rng = new Rng(16);
        for (int n = 0; n <= 3; n++)
            for (int c = 1; c <= 3; c++)
                for (int l = 0; l <= 2 * BatchNormKernels.LANES + 3; l++)
                    for (float slope : new float[]{0f, 0.2f, 1f}) {
                        int size = n * c * l;
                        float[] x = random(rng, size), y = random(rng, size), dY = random(rng, size), mean = random(rng, c), invStd = random(rng, c);
                        for (int i = 0; i < size; i++) {
                            if (i % 5 == 1) y[i] = 0f;
                            if (i % 5 == 3) y[i] = -0f;
                            if (i % 7 == 2) dY[i] = i % 2 == 0 ? 0f : -0f;
                        }
                        float[] dY0 = dY.clone(), dz = new float[size], xhat = new float[size];
                        for (int i = 0; i < size; i++) {
                            dz[i] = dZ(y[i], dY0[i], slope);
                            xhat[i] = (x[i] - mean[i / l % c]) * invStd[i / l % c];
                        }
                        double[] sumDz = new double[c], sumDzXhat = new double[c];
                        BatchNormKernels.planeSums(dY, y, slope, x, mean, invStd, n, c, l, sumDz, sumDzXhat);
                        String shape = "slope " + slope + " n " + n + " c " + c + " l " + l;
                        for (int i = 0; i < size; i++)
                            assertEquals(Float.floatToRawIntBits(dz[i]), Float.floatToRawIntBits(dY[i]), shape + " dZ at " + i);
                        for (int ch = 0; ch < c; ch++) {
                            assertEquals(planeSum(dz, null, 0f, n, c, l, ch), sumDz[ch], 0.0, shape + " channel " + ch);
                            assertEquals(planeSum(dz, xhat, 0f, n, c, l, ch), sumDzXhat[ch], 0.0, shape + " channel " + ch);
                        }
                    }
    }

    /**
     * A [64, 1, 28, 28] batch whose every image is half one repeated value (a flat background): the
     * mean is the float nearest the exact one, and the centred sum of squares within float's
     * rounding of each term, as PyTorch's double accumulation gives. Float lanes were off by about
     * 1e-5 relative here. The same for the [N, C] kernels on columns with such a background.
     */
    @Test
    void statisticsOverAFlatBackgroundMatchAFloat64Reference() {
        Rng rng = new Rng(8);
        int n = 64, l = 28 * 28;
        float[] x = new float[n * l];
        for (int i = 0; i < x.length; i++) x[i] = i % l < l / 2 ? 0.1234567f : rng.uniform();
        float[] mean = new float[1];
        double[] sq = new double[1];
        BatchNormKernels.planeStatistics(x, n, 1, l, mean, sq);
        assertFlatStatistics(x, mean[0], sq[0]);

        int rows = 4096, cols = 3;
        float[] xc = new float[rows * cols];
        for (int i = 0; i < xc.length; i++) xc[i] = i / cols % 2 == 0 ? -0.7654321f : rng.normal();
        float[] meanC = new float[cols];
        double[] sqC = new double[cols];
        BatchNormKernels.statistics(xc, rows, cols, meanC, sqC);
        for (int c = 0; c < cols; c++) {
            float[] column = new float[rows];
            for (int r = 0; r < rows; r++) column[r] = xc[r * cols + c];
            assertFlatStatistics(column, meanC[c], sqC[c]);
        }
    }

    private static void assertFlatStatistics(float[] values, float mean, double sq) {
        double s = 0;
        for (float v : values) s += v;
        double exact = s / values.length, q = 0;
        assertEquals((float) exact, mean, 0f, "the float nearest the exact mean " + exact);
        for (float v : values) q += (v - (double) mean) * (v - (double) mean);
        assertEquals(q, sq, 2e-7 * q, "centred sum of squares");
    }

    @Test
    void normaliseAffineAndInputGradient() {
        Rng rng = new Rng(7);
        for (int rows = 0; rows <= 3; rows++)
            for (int cols = 0; cols <= 2 * Simd.VL + 3; cols++)
                for (float slope : new float[]{0f, 0.2f, 1f}) {
                    float[] x = random(rng, rows * cols), dY = random(rng, rows * cols), mean = random(rng, cols), invStd = random(rng, cols);
                    float[] gamma = random(rng, cols), beta = random(rng, cols), xhat = new float[rows * cols], y = new float[rows * cols];
                    float[] dX = random(rng, rows * cols), dX0 = dX.clone(), assigned = random(rng, rows * cols);
                    BatchNormKernels.shiftScale(x, mean, invStd, rows, cols, xhat);
                    BatchNormKernels.scaleShiftActivation(xhat, gamma, beta, slope, rows, cols, y);
                    BatchNormKernels.batchNormBackward(dY, xhat, gamma, mean, beta, rows, cols, dX, true);
                    BatchNormKernels.batchNormBackward(dY, xhat, gamma, mean, beta, rows, cols, assigned, false);   // overwrites
                    for (int r = 0; r < rows; r++)
                        for (int c = 0; c < cols; c++) {
                            int i = r * cols + c;
                            String at = "slope " + slope + " rows " + rows + " cols " + cols + " at " + i;
                            float h = (x[i] - mean[c]) * invStd[c];
                            assertEquals(h, xhat[i], 0f, at);
                            assertEquals(Elementwise.activate(Math.fma(h, gamma[c], beta[c]), slope), y[i], 0f, at);
                            assertEquals(dX0[i] + gamma[c] * (dY[i] - mean[c] - h * beta[c]), dX[i], 1e-5, at);
                            assertEquals((dY[i] - mean[c] - h * beta[c]) * gamma[c], assigned[i], 0f, at);
                        }
                }
    }

    /**
     * planeNormalize, planeSums and planeBackward composed as the backward composes them, against
     * their per-element definitions, on every small [N, C, L]: the backward recomputes xhat from x,
     * so its values must be the forward's bits.
     */
    @Test
    void planeNormaliseAndInputGradient() {
        Rng rng = new Rng(8);
        for (int n = 0; n <= 3; n++)
            for (int c = 1; c <= 3; c++)
                for (int l = 0; l <= 2 * Simd.VL + 3; l++)
                    for (float slope : new float[]{0f, 0.2f, 1f}) checkPlanes(rng, n, c, l, slope);
    }

    /**
     * A [64, 32, 28·28] batch, the cnn's first batch norm, which the plane kernels split across the
     * threads: the same bits for 1, 2 and 3 threads, and equal to the definitions.
     */
    @Test
    void largePlanesDoNotDependOnTheThreadCount() {
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                checkPlanes(new Rng(9), 64, 32, 28 * 28, 0f);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static void checkPlanes(Rng rng, int n, int c, int l, float slope) {
        int size = n * c * l;
        float[] x = random(rng, size), dY = random(rng, size), mean = random(rng, c), invStd = random(rng, c);
        float[] gamma = random(rng, c), beta = random(rng, c), y = new float[size];
        float[] dX = random(rng, size), dX0 = dX.clone(), assigned = random(rng, size), dz = new float[size], xhat = new float[size];
        for (int i = 0; i < size; i++) {
            int ch = i / l % c;
            xhat[i] = (x[i] - mean[ch]) * invStd[ch];
        }
        BatchNormKernels.planeNormalize(x, mean, invStd, gamma, beta, slope, n, c, l, y);
        for (int i = 0; i < size; i++) dz[i] = dZ(y[i], dY[i], slope);
        double[] sumDz = new double[c], sumDzXhat = new double[c], sq = new double[c];
        float[] means = new float[c];
        BatchNormKernels.planeSums(dY, y, slope, x, mean, invStd, n, c, l, sumDz, sumDzXhat);   // dY becomes dZ
        BatchNormKernels.planeBackward(dY, x, mean, invStd, gamma, mean, beta, n, c, l, dX, true);
        BatchNormKernels.planeBackward(dY, x, mean, invStd, gamma, mean, beta, n, c, l, assigned, false);   // overwrites
        if (size > 0) BatchNormKernels.planeStatistics(x, n, c, l, means, sq);
        for (int ch = 0; ch < c; ch++) {
            String at = "n " + n + " c " + c + " l " + l + " channel " + ch;
            assertEquals(planeSum(dz, null, 0f, n, c, l, ch), sumDz[ch], 0.0, at);
            assertEquals(planeSum(dz, xhat, 0f, n, c, l, ch), sumDzXhat[ch], 0.0, at);
            if (size > 0) {
                float m = (float) (planeSum(x, null, 0f, n, c, l, ch) / ((double) n * l));
                assertEquals(m, means[ch], 0f, at);
                assertEquals(planeSum(x, x, m, n, c, l, ch), sq[ch], 0.0, at);
            }
        }
        for (int i = 0; i < size; i++) {
            int ch = i / l % c;
            String at = "slope " + slope + " n " + n + " c " + c + " l " + l + " at " + i;
            float h = xhat[i];
            assertEquals(Elementwise.activate(Math.fma(h, gamma[ch], beta[ch]), slope), y[i], 0f, at);
            assertEquals(Float.floatToRawIntBits(dz[i]), Float.floatToRawIntBits(dY[i]), at);
            assertEquals(Math.fma(dz[i] - mean[ch] - h * beta[ch], gamma[ch], dX0[i]), dX[i], 0f, at);
            assertEquals((dz[i] - mean[ch] - h * beta[ch]) * gamma[ch], assigned[i], 0f, at);
        }
    }
}
