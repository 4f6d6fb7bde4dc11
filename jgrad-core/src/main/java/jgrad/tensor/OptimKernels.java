package jgrad.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * The optimizers' per-element updates over flat {@code float[]} parameter, gradient and state
 * arrays, split across {@link Parallel}'s threads. Each has a Vector API body and a scalar tail that
 * is also its scalar twin ({@link Simd}): the same operations in the same order, so the same values.
 */
public final class OptimKernels {
    /** Below this many elements one thread does the update: waking the pool would cost more. */
    private static final int GRAIN = 1 << 15;

    private OptimKernels() {}

    /**
     * One Adam step for n = w.length elements, PyTorch's order of operations:
     * <pre>
     *   w' = w·shrink;  g' = g + l2·w';  m = β₁m + (1-β₁)g';  v = β₂v + (1-β₂)g'²;  v̂ = max(v̂, v) if vmax
     *   w  = w' - stepSize·m / (√v̂ / bc2Sqrt + eps)
     * </pre>
     * {@code shrink} = 1 - lr·decay for AdamW's decoupled decay (else 1), {@code l2} = Adam's L2 decay
     * (else 0), {@code stepSize} = lr / (1 - β₁ᵗ), {@code bc2Sqrt} = √(1 - β₂ᵗ); {@code vmax} null
     * without amsgrad.
     */
    public static void adamStep(float[] w, float[] g, float[] m, float[] v, float[] vmax, float beta1, float beta2,
                                float eps, float stepSize, float bc2Sqrt, float l2, float shrink) {
        Parallel.forRange(w.length, GRAIN, (lo, hi) -> {
            int i = lo;
            for (int e = lo + Simd.loopBound(hi - lo); i < e; i += Simd.VL) {
                FloatVector wi = FloatVector.fromArray(Simd.S, w, i).mul(shrink);
                FloatVector gi = FloatVector.fromArray(Simd.S, g, i).add(wi.mul(l2));
                FloatVector mi = FloatVector.fromArray(Simd.S, m, i).mul(beta1).add(gi.mul(1f - beta1));
                FloatVector vi = FloatVector.fromArray(Simd.S, v, i).mul(beta2).add(gi.mul(1f - beta2).mul(gi));
                mi.intoArray(m, i);
                vi.intoArray(v, i);
                if (vmax != null) {
                    vi = vi.max(FloatVector.fromArray(Simd.S, vmax, i));
                    vi.intoArray(vmax, i);
                }
                wi.sub(mi.mul(stepSize).div(vi.sqrt().div(bc2Sqrt).add(eps))).intoArray(w, i);
            }
            for (; i < hi; i++) {
                float wi = w[i] * shrink;
                float gi = g[i] + wi * l2;
                m[i] = m[i] * beta1 + gi * (1f - beta1);
                v[i] = v[i] * beta2 + gi * (1f - beta2) * gi;
                float vi = v[i];
                if (vmax != null) vi = vmax[i] = Math.max(vi, vmax[i]);
                w[i] = wi - m[i] * stepSize / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
            }
        });
    }

    /**
     * One SGD step for n = w.length elements, PyTorch's order of operations:
     * <pre>
     *   d = g + decay·w;  with momentum: b = first ? d : momentum·b + (1-dampening)·d,
     *                                    d = nesterov ? d + momentum·b : b
     *   w = w - lr·d
     * </pre>
     * {@code b} null for no momentum; {@code first} is the step that creates b. Without momentum the
     * update has a Vector API body; with it (off the notebook's path) it runs the scalar loop.
     */
    public static void sgdStep(float[] w, float[] g, float[] b, boolean first, float lr, float momentum, float dampening,
                               float decay, boolean nesterov) {
        Parallel.forRange(w.length, GRAIN, (lo, hi) -> {
            int i = lo;
            if (b == null)
                for (int e = lo + Simd.loopBound(hi - lo); i < e; i += Simd.VL) {
                    FloatVector wi = FloatVector.fromArray(Simd.S, w, i);
                    wi.sub(FloatVector.fromArray(Simd.S, g, i).add(wi.mul(decay)).mul(lr)).intoArray(w, i);
                }
            for (; i < hi; i++) {
                float d = g[i] + w[i] * decay;
                if (b != null) {
                    b[i] = first ? d : b[i] * momentum + d * (1f - dampening);
                    d = nesterov ? d + b[i] * momentum : b[i];
                }
                w[i] -= d * lr;
            }
        });
    }
}
