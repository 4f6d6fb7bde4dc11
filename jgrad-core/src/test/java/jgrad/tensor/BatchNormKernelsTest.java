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

    @Test
    void columnStatistics() {
        Rng rng = new Rng(5);
        for (int rows = 0; rows <= 3; rows++)
            for (int cols = 0; cols <= 2 * Simd.VL + 3; cols++) {
                float[] x = random(rng, rows * cols), y = random(rng, rows * cols), b = random(rng, cols);
                float[] prod = new float[cols], sq = new float[cols];
                BatchNormKernels.sumRowsOfProduct(x, y, rows, cols, prod);
                BatchNormKernels.sumSquaredDeviations(x, b, rows, cols, sq);
                for (int c = 0; c < cols; c++) {
                    double p = 0, q = 0;
                    for (int r = 0; r < rows; r++) {
                        int i = r * cols + c;
                        p += (double) x[i] * y[i];
                        q += (double) (x[i] - b[c]) * (x[i] - b[c]);
                    }
                    assertEquals(p, prod[c], 1e-5);
                    assertEquals(q, sq[c], 1e-5);
                }
            }
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
}
