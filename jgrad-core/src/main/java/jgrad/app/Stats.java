package jgrad.app;

/**
 * The mean of n measurements (one per seed), their sample standard deviation and a two-sided 95%
 * confidence interval for the mean from Student's t-distribution with n − 1 degrees of freedom:
 * <pre>
 *   mean = Σx / n     std = √(Σ(x − mean)² / (n − 1))     CI = mean ± t(0.975, n − 1)·std/√n
 * </pre>
 * {@code std} is the unbiased estimate, as {@code torch.std} and {@code numpy.std(ddof=1)} give it.
 * With one measurement the spread is unknown: std and the interval are NaN. The difference of two
 * such means has Welch's interval ({@link #minus}), which does not assume equal variances.
 * <pre>{@code
 * Stats s = Stats.of(new double[]{88.1, 88.5, 88.3});  // mean 88.3, std 0.2, CI 88.3 ± 4.303·0.2/√3
 * }</pre>
 *
 * @param half the interval's half width, so the interval is {@code [mean − half, mean + half]}
 */
public record Stats(int n, double mean, double std, double half) {
    public static Stats of(double[] x) {
        if (x.length == 0) throw new IllegalArgumentException("no measurements");
        double sum = 0;
        for (double v : x) sum += v;
        double mean = sum / x.length, ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        double std = x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : Double.NaN;
        return new Stats(x.length, mean, std, x.length > 1 ? tQuantile975(x.length - 1) * std / Math.sqrt(x.length) : Double.NaN);
    }

    /**
     * This mean minus {@code o}'s, with Welch's 95% interval: half width t(0.975, ν)·se, se² = s₁²/n₁ + s₂²/n₂,
     * ν by the Welch–Satterthwaite formula. Its {@code std} is the standard error se.
     */
    public Stats minus(Stats o) {
        double a = std * std / n, b = o.std * o.std / o.n, se = Math.sqrt(a + b);
        double df = (a + b) * (a + b) / (a * a / (n - 1) + b * b / (o.n - 1));
        // identical measurements (se = 0) give df = NaN: the difference is then exact
        double half = se == 0 ? 0 : tQuantile975(df) * se;
        return new Stats(Math.min(n, o.n), mean - o.mean, se, half);
    }

    /** True when the interval lies wholly above zero. */
    public boolean above0() {
        return mean - half > 0;
    }

    /** True when the interval lies wholly below zero. */
    public boolean below0() {
        return mean + half < 0;
    }

    /**
     * The 97.5% point of Student's t with {@code df} (&gt; 0, not necessarily whole) degrees of freedom, by
     * bisection on {@code P(|T| > t) = I(df/(df+t²); df/2, 1/2) = 0.05}.
     */
    public static double tQuantile975(double df) {
        if (!(df > 0)) return Double.NaN;
        double lo = 0, hi = 1e3;
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
            double t = (lo + hi) / 2;
            if (betaRegularized(df / (df + t * t), df / 2, 0.5) > 0.05) lo = t;
            else hi = t;
        }
        return (lo + hi) / 2;
    }

    /** The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz's method). */
    static double betaRegularized(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        // the fraction converges fast only below the mean a/(a+b); above it, use I_x(a,b) = 1 - I_(1-x)(b,a)
        if (x > (a + 1) / (a + b + 2)) return 1 - betaRegularized(1 - x, b, a);
        double front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x)) / a;
        double tiny = 1e-300, f = 1, c = 1, d = 0;
        for (int i = 0; i <= 400; i++) {
            int m = i / 2;
            double num = i == 0 ? 1 : i % 2 == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                    : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            if (Math.abs(c) < tiny) c = tiny;
            f *= c * d;
            if (Math.abs(1 - c * d) < 1e-15) break;
        }
        return front * (f - 1);
    }

    /** ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
    static double lnGamma(double x) {
        if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        x -= 1;
        double s = g[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) s += g[i] / (x + i);
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
    }
}
