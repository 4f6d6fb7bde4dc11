package jgrad.loss;

import java.util.Arrays;

import jgrad.autograd.Tensor;
import jgrad.tensor.Shapes;

/**
 * The loss functions in functional form, like {@code torch.nn.functional}'s. Each has a module
 * form ({@link CrossEntropyLoss}, …) holding its reduction.
 */
public final class Losses {
    private Losses() {}

    /**
     * Cross-entropy of logits against class indices, {@code ℓᵢ = -log softmax(xᵢ)[yᵢ]
     * = log Σⱼ e^(xᵢⱼ - mᵢ) - (xᵢ[yᵢ] - mᵢ)} with mᵢ the row's maximum, so large logits stay finite.
     * One fused pass (the value of {@code nll(logSoftmax(x))}); the gradient is
     * {@code ∂ℓᵢ/∂xᵢⱼ = softmax(xᵢ)ⱼ - [j = yᵢ]}.
     * <pre>  input: [N, C] logits   target: [N] class indices in [0, C)   →   [] or [N] (NONE)</pre>
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Reduction reduction) {
        int[] cls = checkClassInput("cross_entropy", input, target);
        int n = input.size(0), c = input.size(1);
        float[] x = input.data(), out = new float[n], prob = new float[n * c];
        for (int i = 0, row = 0; i < n; i++, row += c) {
            float m = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) m = Math.max(m, x[row + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp(x[row + j] - m);
            float logSum = (float) Math.log(s);
            out[i] = -((x[row + cls[i]] - m) - logSum);
            for (int j = 0; j < c; j++) prob[row + j] = (float) Math.exp((x[row + j] - m) - logSum);
        }
        Tensor perSample = Tensor.result("CrossEntropyLossBackward0", out, new int[]{n}, g -> {
            // in the forward pass this was ℓᵢ = logΣexp - x[yᵢ]: dx = g·(softmax - onehot)
            float[] dx = input.gradBuffer();
            for (int i = 0, row = 0; i < n; i++, row += c) {
                for (int j = 0; j < c; j++) dx[row + j] += g[i] * prob[row + j];
                dx[row + cls[i]] -= g[i];
            }
        }, input);
        return reduction.apply(perSample);
    }

    /**
     * Negative log-likelihood of log-probabilities, {@code ℓᵢ = -xᵢ[yᵢ]}.
     * <pre>  input: [N, C] log-probabilities   target: [N] class indices   →   [] or [N] (NONE)</pre>
     */
    public static Tensor nll(Tensor input, Tensor target, Reduction reduction) {
        return nll(input, checkClassInput("nll_loss", input, target), reduction);
    }

    private static Tensor nll(Tensor input, int[] cls, Reduction reduction) {
        int n = input.size(0), c = input.size(1);
        float[] x = input.data(), out = new float[n];
        for (int i = 0; i < n; i++) out[i] = -x[i * c + cls[i]];
        Tensor perSample = Tensor.result("NllLossBackward0", out, new int[]{n}, g -> {
            float[] dx = input.gradBuffer();
            for (int i = 0; i < n; i++) dx[i * c + cls[i]] -= g[i];
        }, input);
        return reduction.apply(perSample);
    }

    /** Validates logits/log-probs [N, C] against integer labels [N] and returns the labels. */
    private static int[] checkClassInput(String op, Tensor input, Tensor target) {
        if (input.dim() != 2 || target.dim() != 1 || target.size(0) != input.size(0))
            throw new IllegalArgumentException(op + ": expected input [N, C] and target [N], got input " + Shapes.str(input.shape())
                    + " and target " + Shapes.str(target.shape()));
        int c = input.size(1);
        float[] t = target.data();
        int[] cls = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            float v = t[i];
            if (v != Math.rint(v) || v < 0 || v >= c)
                throw new IllegalArgumentException(op + ": target " + v + " at position " + i + " is out of bounds: "
                        + "expected a class index in [0, " + c + ") for " + c + " classes");
            cls[i] = (int) v;
        }
        return cls;
    }

    /**
     * Binary cross-entropy of probabilities, {@code ℓ = -(y·log x + (1-y)·log(1-x))}; like PyTorch each
     * log is clamped at -100 so x = 0 or 1 gives a finite loss. Inputs must lie in [0, 1].
     * The gradient is PyTorch's: {@code (x - y) / max(x(1-x), 1e-12)}. The target is not differentiated.
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("binary_cross_entropy", input, target);
        float[] x = input.data(), y = target.data(), out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= 0f && x[i] <= 1f))
                throw new IllegalArgumentException("binary_cross_entropy: all elements of input should be between 0 and 1, got "
                        + x[i] + " at flat index " + i);
            double lx = Math.max(Math.log(x[i]), -100), l1x = Math.max(Math.log1p(-x[i]), -100);
            out[i] = (float) -(y[i] * lx + (1 - y[i]) * l1x);
        }
        Tensor perElement = Tensor.result("BinaryCrossEntropyBackward0", out, input.shape(), g -> {
            float[] dx = input.gradBuffer();
            for (int i = 0; i < g.length; i++)
                dx[i] += g[i] * (x[i] - y[i]) / Math.max((1f - x[i]) * x[i], 1e-12f);
        }, input);
        return reduction.apply(perElement);
    }

    /**
     * Binary cross-entropy of logits, {@code ℓ = -(y·log σ(x) + (1-y)·log(1-σ(x)))}, in the stable form
     * {@code max(x,0) - x·y + log(1 + e^-|x|)}; the gradient is {@code σ(x) - y}.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("binary_cross_entropy_with_logits", input, target);
        float[] x = input.data(), y = target.data(), out = new float[x.length];
        for (int i = 0; i < x.length; i++)
            out[i] = (float) (Math.max(x[i], 0) - (double) x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i]))));
        Tensor perElement = Tensor.result("BinaryCrossEntropyWithLogitsBackward0", out, input.shape(), g -> {
            float[] dx = input.gradBuffer();
            for (int i = 0; i < g.length; i++) dx[i] += g[i] * ((float) (1.0 / (1.0 + Math.exp(-x[i]))) - y[i]);
        }, input);
        return reduction.apply(perElement);
    }

    /** Mean squared error, {@code ℓ = (x - y)²}, composed of differentiable ops (both sides get gradients). */
    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("mse_loss", input, target);
        Tensor d = input.sub(target);
        return reduction.apply(d.mul(d));
    }

    private static void checkSameShape(String op, Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape()))
            throw new IllegalArgumentException(op + ": target size " + Shapes.str(target.shape())
                    + " must be the same as input size " + Shapes.str(input.shape()));
    }
}
