package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.Elementwise;
import jgrad.tensor.Shapes;

/**
 * The element-wise ops: arithmetic with broadcasting (NumPy/PyTorch rules: shapes align from the
 * right, a size-1 dimension stretches) and the unary functions. Each forward is followed by its
 * backward. A broadcast operand gets its gradient summed back down to its own shape
 * ({@link Shapes#sumTo}).
 *
 * <p>A unary op is one line: its function and its gradient contribution {@code g·f'(x)}, given the
 * incoming gradient g, the input x and the output y = f(x) (see {@link #unary}).
 */
public final class Pointwise {
    private Pointwise() {}

    /** {@code y = f(x)} for one element. */
    @FunctionalInterface
    public interface ScalarFunction {
        float apply(float x);
    }

    /**
     * The gradient reaching an operand, from the incoming gradient g and the values x and y: for a
     * unary op y = f(x), {@code g·f'(x)}; for a binary op z = x ∘ y, {@code g·∂z/∂x} or {@code g·∂z/∂y}.
     */
    @FunctionalInterface
    public interface Derivative {
        float apply(float g, float x, float y);
    }

    /** {@code y = f(x)} element-wise, recorded with the backward {@code dx = d(g, x, y)}. */
    public static Tensor unary(String gradFn, Tensor x, ScalarFunction f, Derivative d) {
        float[] in = x.data, out = new float[in.length];
        for (int i = 0; i < out.length; i++) out[i] = f.apply(in[i]);
        return Tape.record(gradFn, out, x.shape, g -> x.writeGrad((dx, add) -> {
            for (int i = 0; i < g.length; i++) {
                float v = d.apply(g[i], in[i], out[i]);
                dx[i] = add ? dx[i] + v : v;
            }
        }), x);
    }

    public static Tensor exp(Tensor x) { return unary("ExpBackward0", x, v -> (float) Math.exp(v), (g, v, y) -> g * y); }

    /** Natural logarithm; {@code -inf} at 0 and NaN below, as in PyTorch. */
    public static Tensor log(Tensor x) { return unary("LogBackward0", x, v -> (float) Math.log(v), (g, v, y) -> g / v); }

    public static Tensor sqrt(Tensor x) { return unary("SqrtBackward0", x, v -> (float) Math.sqrt(v), (g, v, y) -> g / (2f * y)); }

    /** {@code |x|}; the gradient is sign(x), 0 at 0. */
    public static Tensor abs(Tensor x) { return unary("AbsBackward0", x, Math::abs, (g, v, y) -> g * Math.signum(v)); }

    /** {@code σ(x) = 1/(1+e⁻ˣ)}; the gradient is σ(x)(1-σ(x)). */
    public static Tensor sigmoid(Tensor x) {
        return unary("SigmoidBackward0", x, v -> (float) (1.0 / (1.0 + Math.exp(-v))), (g, v, y) -> g * y * (1f - y));
    }

    /** {@code tanh(x)}; the gradient is 1 - tanh²(x). */
    public static Tensor tanh(Tensor x) { return unary("TanhBackward0", x, v -> (float) Math.tanh(v), (g, v, y) -> g * (1f - y * y)); }

    /** {@code xᵖ} for a constant exponent; the gradient is {@code p·xᵖ⁻¹}, and 0 for p = 0. */
    public static Tensor pow(Tensor x, float p) {
        return unary("PowBackward0", x, v -> p == 2f ? v * v : (float) Math.pow(v, p),
                (g, v, y) -> p == 0f ? 0f : g * (p == 2f ? 2f * v : p * (float) Math.pow(v, p - 1)));
    }

    /** {@code min(max(x, lo), hi)}; the gradient passes where lo ≤ x ≤ hi, as in PyTorch. */
    public static Tensor clamp(Tensor x, float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: min " + lo + " is greater than max " + hi);
        return unary("ClampBackward1", x, v -> Math.min(Math.max(v, lo), hi), (g, v, y) -> v >= lo && v <= hi ? g : 0f);
    }

    public static Tensor add(Tensor x, float c) { return unary("AddBackward1", x, v -> v + c, (g, v, y) -> g); }

    public static Tensor sub(Tensor x, float c) { return unary("SubBackward1", x, v -> v - c, (g, v, y) -> g); }

    public static Tensor mul(Tensor x, float c) { return unary("MulBackward1", x, v -> v * c, (g, v, y) -> g * c); }

    public static Tensor div(Tensor x, float c) { return unary("DivBackward1", x, v -> v / c, (g, v, y) -> g / c); }

    /** {@code max(x, 0)}; the gradient is 1 where the output is positive, 0 elsewhere (0 at x = 0, as in PyTorch). */
    public static Tensor relu(Tensor x) {
        float[] out = new float[x.data.length];
        Elementwise.activation(x.data, 0f, out, out.length);
        return Tape.record("ReluBackward0", out, x.shape,
                g -> x.writeGrad((dx, add) -> Elementwise.activationBackward(out, 0f, g, dx, g.length, add)), x);
    }

    /** {@code x if x > 0 else slope·x}; the gradient is 1 for x > 0 and slope otherwise. */
    public static Tensor leakyRelu(Tensor x, float slope) {
        float[] out = new float[x.data.length];
        Elementwise.activation(x.data, slope, out, out.length);
        return Tape.record("LeakyReluBackward0", out, x.shape,
                g -> x.writeGrad((dx, add) -> Elementwise.activationBackward(x.data, slope, g, dx, g.length, add)), x);
    }

    /** {@code z = x ∘ y} with broadcasting; {@code da}/{@code db} give each operand's gradient contribution. */
    private static Tensor binary(String gradFn, Tensor a, Tensor b, BinaryOp op, Derivative da, Derivative db) {
        int[] s = Shapes.broadcast(a.shape, b.shape);
        float[] x = expand(a, s), y = expand(b, s), out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = op.apply(x[i], y[i]);
        return Tape.record(gradFn, out, s, g -> {
            reduceInto(a, contribution(a, g, x, y, da), s);
            reduceInto(b, contribution(b, g, x, y, db), s);
        }, a, b);
    }

    @FunctionalInterface
    private interface BinaryOp {
        float apply(float x, float y);
    }

    /** The operand's gradient over the broadcast shape, or null when it needs none. */
    private static float[] contribution(Tensor t, float[] g, float[] x, float[] y, Derivative d) {
        if (!t.requiresGrad) return null;
        float[] c = new float[g.length];
        for (int i = 0; i < g.length; i++) c[i] = d.apply(g[i], x[i], y[i]);
        return c;
    }

    private static float[] expand(Tensor t, int[] s) {
        return Arrays.equals(t.shape, s) ? t.data : Shapes.expand(t.data, t.shape, s);
    }

    /** Writes a gradient {@code full} of the broadcast shape {@code s} into t, summed down to t's shape. */
    private static void reduceInto(Tensor t, float[] full, int[] s) {
        if (full != null) t.writeGrad((dt, add) -> Shapes.sumTo(full, s, t.shape, dt, add));
    }

    public static Tensor add(Tensor a, Tensor b) {
        return binary("AddBackward0", a, b, (x, y) -> x + y, (g, x, y) -> g, (g, x, y) -> g);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary("SubBackward0", a, b, (x, y) -> x - y, (g, x, y) -> g, (g, x, y) -> -g);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary("MulBackward0", a, b, (x, y) -> x * y, (g, x, y) -> g * y, (g, x, y) -> g * x);
    }

    /** {@code x / y}; d/dy = -x/y². */
    public static Tensor div(Tensor a, Tensor b) {
        return binary("DivBackward0", a, b, (x, y) -> x / y, (g, x, y) -> g / y, (g, x, y) -> -g * x / (y * y));
    }

    /** {@code mask ? a : b} element-wise, broadcasting all three; the mask is true where nonzero and is not differentiated. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] s = Shapes.broadcast(Shapes.broadcast(mask.shape, a.shape), b.shape);
        float[] m = expand(mask, s), x = expand(a, s), y = expand(b, s), out = new float[m.length];
        for (int i = 0; i < out.length; i++) out[i] = m[i] != 0f ? x[i] : y[i];
        return Tape.record("WhereBackward0", out, s, g -> {
            reduceInto(a, contribution(a, g, m, m, (gi, mi, unused) -> mi != 0f ? gi : 0f), s);
            reduceInto(b, contribution(b, g, m, m, (gi, mi, unused) -> mi == 0f ? gi : 0f), s);
        }, mask, a, b);
    }

    /** 1 where {@code x ≥ c}, else 0: a mask for {@link #where}. Not differentiable. */
    public static Tensor ge(Tensor x, float c) {
        float[] out = new float[x.data.length];
        for (int i = 0; i < out.length; i++) out[i] = x.data[i] >= c ? 1f : 0f;
        return new Tensor(out, x.shape);
    }
}
