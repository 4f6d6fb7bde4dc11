package jgrad.exercises;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.loss.Losses;
import jgrad.loss.Reduction;
import jgrad.nn.Linear;
import jgrad.nn.Module;
import jgrad.optim.Adam;
import jgrad.optim.SGD;
import jgrad.tensor.Rng;

/**
 * The notebook's exercise 1a essay on backpropagation and gradient descent, its claims put to
 * numbers. Backpropagation's gradient is compared with central finite differences computed in
 * double precision from the same float32 weights,
 * <pre>
 *   ∂L/∂w ≈ (L(w + h) − L(w − h)) / 2h,   h = 1e-5,   relative error |g − n| / max(|g|, |n|, 1e-6)
 * </pre>
 * on the 1b network (5-3-2-1, {@link Exercise1b}) and on an MLP of {@link Linear} layers with ReLU
 * between them (the 1c network) with mean cross-entropy. In double the difference quotient's
 * rounding is ~1e-16·L/h ≈ 1e-11, its truncation ~h² ≈ 1e-10, so what remains is autograd's float32
 * rounding (~1e-6 relative). The cost of a gradient is one backward pass by backpropagation and
 * 2·P forward passes by finite differences; gradient descent is then driven by either gradient, and
 * two small functions show where it struggles.
 */
public final class Exercise1a {
    private Exercise1a() {}

    /** Finite-difference step, in double. */
    public static final double H = 1e-5;

    /**
     * Small random weights for the 1b network, N(0, 0.5²), W1's taken positive so that every ReLU unit
     * is active on the notebook's positive x (else its gradient would be 0 and show nothing). With the
     * notebook's all-twos weights every gradient is 0.
     */
    public static Tensor[] randomWeights(Rng rng) {
        return new Tensor[]{Tensor.randn(rng, 3, 5).abs().mul(0.5f), Tensor.randn(rng, 2, 3).mul(0.5f), Tensor.randn(rng, 1, 2).mul(0.5f)};
    }

    /** The 1b network's binary cross-entropy at {@code w}, in double (ReLU, LeakyReLU 0.01, sigmoid, as {@link Exercise1b}). */
    public static double loss1b(Tensor[] w, float[] x, float y) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) a[i] = x[i];
        for (int l = 0; l < 3; l++) {
            int out = w[l].size(0), in = w[l].size(1);
            double[] z = new double[out];
            for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) z[o] += w[l].data()[o * in + i] * a[i];
            for (int o = 0; o < out; o++)
                z[o] = l == 0 ? Math.max(z[o], 0) : l == 1 ? (z[o] > 0 ? z[o] : 0.01 * z[o]) : 1 / (1 + Math.exp(-z[o]));
            a = z;
        }
        return -(y * Math.log(a[0]) + (1 - y) * Math.log(1 - a[0]));
    }

    /** Central finite differences of {@link #loss1b} for every weight, shaped as {@code w}. */
    public static Tensor[] finiteDifferences1b(Tensor[] w, float[] x, float y) {
        Tensor[] g = new Tensor[w.length];
        for (int l = 0; l < w.length; l++) {
            float[] d = new float[w[l].numel()];
            for (int i = 0; i < d.length; i++) d[i] = (float) central(w[l].data(), i, () -> loss1b(w, x, y));
            g[l] = Tensor.of(d, w[l].shape());
        }
        return g;
    }

    /** (f(v + h) − f(v − h)) / (step taken), with {@code v = p[i]} moved in place and restored. */
    private static double central(float[] p, int i, java.util.function.DoubleSupplier f) {
        // a float cannot hold w ± 1e-5 exactly, so the step actually taken is measured and divided by
        float orig = p[i];
        p[i] = (float) (orig + H);
        double plus = f.getAsDouble(), up = p[i];
        p[i] = (float) (orig - H);
        double minus = f.getAsDouble(), down = p[i];
        p[i] = orig;
        return (plus - minus) / (up - down);
    }

    /** The relative error of one gradient element, as the class defines it. */
    public static double relativeError(double g, double n) {
        return Math.abs(g - n) / Math.max(Math.max(Math.abs(g), Math.abs(n)), 1e-6);
    }

    /** The largest relative error between two sets of gradients of the same shapes. */
    public static double maxRelativeError(Tensor[] a, Tensor[] b) {
        double e = 0;
        for (int l = 0; l < a.length; l++)
            for (int i = 0; i < a[l].numel(); i++) e = Math.max(e, relativeError(a[l].data()[i], b[l].data()[i]));
        return e;
    }

    /** An MLP's gradient check: how many parameters were sampled and the largest relative error among them. */
    public record Check(int sampled, double maxRelativeError) {}

    /**
     * Backpropagation through {@code model} (its {@link Linear} layers in order, ReLU between them, as
     * the 1c network) on one batch with mean cross-entropy, against finite differences of the same
     * loss in double for {@code samples} parameters drawn with {@code seed}.
     *
     * @param x inputs {@code [N, in]}; {@code labels} class indices {@code [N]}
     */
    public static Check checkMlp(Module model, Tensor x, Tensor labels, int samples, long seed) {
        var rng = new SplittableRandom(seed);
        List<Linear> layers = new ArrayList<>();
        for (Module m : model.modules()) if (m instanceof Linear l) layers.add(l);
        model.zeroGrad();
        Losses.crossEntropy(model.forward(x), labels, Reduction.MEAN).backward();
        Mlp mlp = new Mlp(layers, x, labels);
        double worst = 0;
        for (int s = 0; s < samples; s++) {
            int k = rng.nextInt(layers.size());
            Linear l = layers.get(k);
            boolean bias = rng.nextInt(l.inFeatures + 1) == 0; // the layer's parameters in proportion
            Tensor p = bias ? l.bias : l.weight;
            int i = rng.nextInt(p.numel());
            int row = bias ? i : i / l.inFeatures, col = bias ? -1 : i % l.inFeatures;
            double n = central(p.data(), i, () -> mlp.lossPerturbed(k, row, col, p.data()[i] - (double) (bias ? mlp.b[k][row] : mlp.w[k][row][col])));
            worst = Math.max(worst, relativeError(p.grad().data()[i], n));
        }
        return new Check(samples, worst);
    }

    /**
     * The MLP's weights and its activations on the batch in double; the loss with one parameter of
     * layer k moved recomputes only from that layer's pre-activation on, which changes in one column.
     */
    private static final class Mlp {
        final double[][][] w;
        final double[][] b;
        final double[][][] in, z; // per layer: its input [N, in] and pre-activation [N, out]
        final int[] labels;

        Mlp(List<Linear> layers, Tensor x, Tensor labels) {
            int L = layers.size(), n = x.size(0);
            w = new double[L][][];
            b = new double[L][];
            in = new double[L][][];
            z = new double[L][][];
            this.labels = new int[n];
            for (int i = 0; i < n; i++) this.labels[i] = (int) labels.data()[i];
            double[][] a = new double[n][x.size(1)];
            for (int r = 0; r < n; r++) for (int c = 0; c < a[r].length; c++) a[r][c] = x.data()[r * a[r].length + c];
            for (int k = 0; k < L; k++) {
                Linear l = layers.get(k);
                w[k] = new double[l.outFeatures][l.inFeatures];
                b[k] = new double[l.outFeatures];
                for (int o = 0; o < l.outFeatures; o++) {
                    for (int i = 0; i < l.inFeatures; i++) w[k][o][i] = l.weight.data()[o * l.inFeatures + i];
                    b[k][o] = l.bias.data()[o];
                }
                in[k] = a;
                z[k] = affine(k, a);
                a = relu(z[k]);
            }
        }

        double[][] affine(int k, double[][] a) {
            double[][] out = new double[a.length][b[k].length];
            for (int r = 0; r < a.length; r++)
                for (int o = 0; o < b[k].length; o++) {
                    double s = b[k][o];
                    for (int i = 0; i < a[r].length; i++) s += w[k][o][i] * a[r][i];
                    out[r][o] = s;
                }
            return out;
        }

        static double[][] relu(double[][] z) {
            double[][] a = new double[z.length][];
            for (int r = 0; r < z.length; r++) a[r] = Arrays.stream(z[r]).map(v -> Math.max(v, 0)).toArray();
            return a;
        }

        /** Mean cross-entropy with weight (row, col) of layer k (or its bias, col −1) moved by {@code delta}. */
        double lossPerturbed(int k, int row, int col, double delta) {
            double[][] zk = new double[z[k].length][];
            for (int r = 0; r < zk.length; r++) {
                zk[r] = z[k][r].clone();
                zk[r][row] += delta * (col < 0 ? 1 : in[k][r][col]);
            }
            for (int j = k + 1; j < w.length; j++) zk = affine(j, relu(zk));
            double sum = 0;
            for (int r = 0; r < zk.length; r++) {
                double max = Arrays.stream(zk[r]).max().orElseThrow(), se = 0;
                for (double v : zk[r]) se += Math.exp(v - max);
                sum += max + Math.log(se) - zk[r][labels[r]];
            }
            return sum / zk.length;
        }
    }

    /**
     * Median seconds of one forward pass and of one forward-and-backward pass of {@code model} on the
     * batch, timed after {@link #WARM_UP_NANOS} of untimed passes.
     */
    public record Cost(long parameters, double forward, double backward) {
        /** Finite differences' 2·P forward passes, extrapolated from one. */
        public double finiteDifferences() {
            return 2.0 * parameters * forward;
        }

        public double ratio() {
            return finiteDifferences() / backward;
        }
    }

    /**
     * How long {@link #cost} runs its passes untimed first. A fresh JVM runs the first passes before
     * the JIT has compiled the kernels, each 100 times slower or more; timing those would measure the
     * compiler rather than the network.
     */
    public static final long WARM_UP_NANOS = 1_000_000_000L;

    public static Cost cost(Module model, Tensor x, Tensor labels, int repeats) {
        for (long until = System.nanoTime() + WARM_UP_NANOS; System.nanoTime() < until; ) passes(model, x, labels);
        double[] f = new double[repeats], b = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long[] t = passes(model, x, labels);
            f[r] = t[0] / 1e9;
            b[r] = t[1] / 1e9;
        }
        long p = model.parameters().stream().mapToLong(Tensor::numel).sum();
        return new Cost(p, median(f), median(b));
    }

    /** One forward pass without gradients, then one forward and backward pass: their nanoseconds. */
    private static long[] passes(Module model, Tensor x, Tensor labels) {
        long t0 = System.nanoTime();
        try (var g = GradMode.noGrad()) {
            Losses.crossEntropy(model.forward(x), labels, Reduction.MEAN).item();
        }
        long t1 = System.nanoTime();
        model.zeroGrad();
        Losses.crossEntropy(model.forward(x), labels, Reduction.MEAN).backward();
        return new long[]{t1 - t0, System.nanoTime() - t1};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The 1b network's loss before each of {@code steps} updates and after the last, and the seconds the gradients took. */
    public record Trajectory(double[] loss, double seconds) {}

    /** SGD driven by backpropagation ({@link Exercise1b#autograd}) or by {@link #finiteDifferences1b}. */
    public static Trajectory sgd1b(Tensor[] w, float lr, int steps, boolean finiteDifferences) {
        Tensor x = Tensor.of(Exercise1b.X);
        double[] loss = new double[steps + 1];
        long nanos = 0;
        for (int s = 0; s <= steps; s++) {
            long t0 = System.nanoTime();
            Tensor[] g;
            if (finiteDifferences) {
                loss[s] = loss1b(w, x.data(), Exercise1b.Y);
                g = finiteDifferences1b(w, x.data(), Exercise1b.Y);
            } else {
                var r = Exercise1b.autograd(x, Exercise1b.Y, w, lr);
                loss[s] = r.loss();
                g = r.grads();
            }
            nanos += System.nanoTime() - t0;
            w = Exercise1b.sgd(w, g, lr);
        }
        return new Trajectory(loss, nanos / 1e9);
    }

    /** Adam ({@link Adam}, PyTorch's defaults besides {@code lr}) driven by backpropagation's gradients on the 1b network. */
    public static Trajectory adam1b(Tensor[] w, float lr, int steps) {
        Tensor x = Tensor.of(Exercise1b.X);
        List<Tensor> p = Arrays.stream(w).map(t -> t.copy().requiresGrad(true)).toList();
        Adam adam = new Adam(p, lr);
        double[] loss = new double[steps + 1];
        long t0 = System.nanoTime();
        for (int s = 0; s <= steps; s++) {
            adam.zeroGrad();
            Tensor a3 = x.matmul(p.get(0).t()).relu().matmul(p.get(1).t()).leakyRelu(0.01f).matmul(p.get(2).t()).sigmoid();
            Tensor l = Losses.binaryCrossEntropy(a3.reshape(1), Tensor.of(Exercise1b.Y), Reduction.MEAN);
            loss[s] = l.item();
            if (s == steps) break;
            l.backward();
            adam.step();
        }
        return new Trajectory(loss, (System.nanoTime() - t0) / 1e9);
    }

    /** Where plain gradient descent (jgrad's {@link SGD}) ends on a function of two parameters. */
    public record Descent(double x, double y, double f) {}

    /**
     * {@code f(x, y) = (x² − 1)² + 0.3·x + y²}: two valleys, at x ≈ −1.04 (f ≈ −0.31, the global
     * minimum) and x ≈ 0.96 (f ≈ 0.29, a local one), with a ridge between near x ≈ 0.08.
     */
    public static Descent twoValleys(float x0, float y0, float lr, int steps) {
        return descend(x0, y0, lr, steps, (x, y) -> x.mul(x).sub(1f).pow(2f).add(x.mul(0.3f)).add(y.mul(y)));
    }

    /** {@code f(x, y) = x² + 10·y²}: gradient descent converges for lr &lt; 2/20 = 0.1 and diverges above. */
    public static Descent narrowValley(float x0, float y0, float lr, int steps) {
        return descend(x0, y0, lr, steps, (x, y) -> x.mul(x).add(y.mul(y).mul(10f)));
    }

    private static Descent descend(float x0, float y0, float lr, int steps, java.util.function.BinaryOperator<Tensor> f) {
        Tensor x = Tensor.of(x0).requiresGrad(true), y = Tensor.of(y0).requiresGrad(true);
        SGD sgd = new SGD(List.of(x, y), lr);
        for (int s = 0; s < steps; s++) {
            sgd.zeroGrad();
            f.apply(x, y).sum().backward();
            sgd.step();
        }
        try (var g = GradMode.noGrad()) {
            return new Descent(x.item(), y.item(), f.apply(x, y).sum().item());
        }
    }
}
