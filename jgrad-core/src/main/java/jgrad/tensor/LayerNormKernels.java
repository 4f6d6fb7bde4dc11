package jgrad.tensor;

/**
 * Layer normalisation of a row-major array seen as {@code [rows, l]}: each row of l values is
 * normalised by its own mean and biased variance. The statistics are accumulated in double, so a
 * row's result does not depend on how the work is split. Plain scalar loops: a row is normalised in
 * two passes over memory, against the matrix products around it.
 */
public final class LayerNormKernels {
    private LayerNormKernels() {}

    /**
     * {@code y = (x − μ)·invStd·w + b} per row, with {@code μ = Σx/l}, {@code invStd = 1/√(Σ(x − μ)²/l + eps)};
     * fills {@code xhat = (x − μ)·invStd} and {@code invStd} for the backward. A null {@code w}
     * stands for ones, a null {@code b} for zeros.
     * <pre>  x, xhat, y: [rows, l]   w, b: [l]   invStd: [rows]</pre>
     */
    public static void forward(float[] x, float[] w, float[] b, int rows, int l, float eps, float[] xhat, float[] invStd, float[] y) {
        for (int r = 0; r < rows; r++) {
            int base = r * l;
            double s = 0;
            for (int j = 0; j < l; j++) s += x[base + j];
            double mean = s / l, sq = 0;
            for (int j = 0; j < l; j++) {
                double d = x[base + j] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / l + eps)), m = (float) mean;
            invStd[r] = inv;
            for (int j = 0; j < l; j++) {
                float h = (x[base + j] - m) * inv;
                xhat[base + j] = h;
                float v = w == null ? h : h * w[j];
                y[base + j] = b == null ? v : v + b[j];
            }
        }
    }

    /**
     * The input's gradient, with {@code g = dY·w} (dY when {@code w} is null):
     * {@code dX = invStd·(g − mean(g) − xhat·mean(g·xhat))} over each row; assigned, or added when
     * {@code accumulate}.
     * <pre>  dY, xhat, dX: [rows, l]   w: [l]   invStd: [rows]</pre>
     */
    public static void backward(float[] dY, float[] xhat, float[] invStd, float[] w, int rows, int l, float[] dX, boolean accumulate) {
        float[] g = new float[l];
        for (int r = 0; r < rows; r++) {
            int base = r * l;
            double sg = 0, sgx = 0;
            for (int j = 0; j < l; j++) {
                g[j] = w == null ? dY[base + j] : dY[base + j] * w[j];
                sg += g[j];
                sgx += (double) g[j] * xhat[base + j];
            }
            float a = (float) (sg / l), c = (float) (sgx / l), inv = invStd[r];
            for (int j = 0; j < l; j++) {
                float d = inv * (g[j] - a - xhat[base + j] * c);
                dX[base + j] = accumulate ? dX[base + j] + d : d;
            }
        }
    }

    /**
     * The affine parameters' gradients, summed over the rows: {@code dW = Σ dY·xhat}, {@code dB = Σ dY};
     * either array may be null; assigned, or added when {@code accumulate}.
     * <pre>  dY, xhat: [rows, l]   dW, dB: [l]</pre>
     */
    public static void affineBackward(float[] dY, float[] xhat, int rows, int l, float[] dW, float[] dB, boolean accumulate) {
        for (int j = 0; j < l; j++) {
            double sw = 0, sb = 0;
            for (int r = 0; r < rows; r++) {
                sw += (double) dY[r * l + j] * xhat[r * l + j];
                sb += dY[r * l + j];
            }
            if (dW != null) dW[j] = accumulate ? dW[j] + (float) sw : (float) sw;
            if (dB != null) dB[j] = accumulate ? dB[j] + (float) sb : (float) sb;
        }
    }
}
