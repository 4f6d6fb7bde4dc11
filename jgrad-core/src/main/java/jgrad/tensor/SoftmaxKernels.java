package jgrad.tensor;

/**
 * Log-softmax over one dimension of a row-major array seen as {@code [outer, n, inner]}: the
 * softmax is taken over n for each (outer, inner) pair. Used by {@code logSoftmax} and by the fused
 * cross-entropy, so both compute the same values.
 */
public final class SoftmaxKernels {
    private SoftmaxKernels() {}

    /**
     * {@code y = x - max - log Σ exp(x - max)}, stable for large logits.
     * <pre>  x, y: [outer, n, inner]</pre>
     */
    public static void logSoftmaxForward(float[] x, float[] y, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
                double s = 0;
                for (int k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
                // (x - max) - log Σ, in that order: folding max into one float first loses digits when max is large
                float logSum = (float) Math.log(s);
                for (int k = 0; k < n; k++) y[base + k * inner] = (x[base + k * inner] - m) - logSum;
            }
    }

    /**
     * {@code dX = dY - softmax(x)·Σ dY} over n, from the forward's output y = log softmax(x);
     * assigned, or added when {@code accumulate}.
     * <pre>  y, dY, dX: [outer, n, inner]</pre>
     */
    public static void logSoftmaxBackward(float[] y, float[] dY, float[] dX, int outer, int n, int inner, boolean accumulate) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double gs = 0;
                for (int k = 0; k < n; k++) gs += dY[base + k * inner];
                for (int k = 0; k < n; k++) {
                    int j = base + k * inner;
                    float d = dY[j] - (float) Math.exp(y[j]) * (float) gs;
                    dX[j] = accumulate ? dX[j] + d : d;
                }
            }
    }
}
