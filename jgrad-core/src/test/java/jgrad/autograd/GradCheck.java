package jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;

import jgrad.tensor.Rng;

/**
 * Central finite differences against autograd. The scalar checked is {@code L = Σ f(x)·w} with a
 * random fixed w, so every output element's gradient matters. jgrad computes in float32, so the
 * step is 1e-2 and an element passes when |numeric - autograd| ≤ 2e-3 + 1e-2·|numeric| (the float32
 * difference quotient's rounding noise is ~1e-4 here, its truncation error ~h² = 1e-4).
 */
public final class GradCheck {
    private GradCheck() {}

    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, 1e-2f, 1e-2, inputs);
    }

    public static void check(Function<Tensor[], Tensor> f, float h, double tol, Tensor... inputs) {
        for (Tensor t : inputs) t.requiresGrad(true).clearGrad();
        Tensor out = f.apply(inputs);
        Tensor w = Tensor.randn(new Rng(99), out.shape());
        out.mul(w).sum().backward();
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            float[] d = x.data();
            float[] analytic = x.grad() == null ? new float[d.length] : x.grad().data();
            for (int i = 0; i < d.length; i++) {
                float orig = d[i];
                d[i] = orig + h;
                double plus = dot(f, inputs, w);
                d[i] = orig - h;
                double minus = dot(f, inputs, w);
                d[i] = orig;
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, analytic[i], 2e-3 + tol * Math.abs(numeric),
                        "input " + k + " element " + i + ": finite difference " + numeric + " vs autograd " + analytic[i]);
            }
        }
    }

    private static double dot(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor w) {
        try (var g = GradMode.noGrad()) {
            float[] o = f.apply(inputs).data(), wd = w.data();
            double s = 0;
            for (int i = 0; i < o.length; i++) s += (double) o[i] * wd[i];
            return s;
        }
    }
}
