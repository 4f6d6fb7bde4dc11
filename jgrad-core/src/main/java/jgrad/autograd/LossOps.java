package jgrad.autograd;

import java.util.Arrays;

import jgrad.tensor.Shapes;
import jgrad.tensor.SoftmaxKernels;

/**
 * The losses' fused primitives, each per sample or per element (unreduced): {@code jgrad.loss}
 * applies the reduction. Each forward is followed by its backward; targets are not differentiated.
 */
public final class LossOps {
    private LossOps() {}

    /**
     * Cross-entropy of logits against class indices, {@code ℓᵢ = -log softmax(xᵢ)[yᵢ]}, with
     * {@link SoftmaxKernels#logSoftmaxForward} (so large logits stay finite); the gradient is
     * {@code ∂ℓᵢ/∂xᵢⱼ = softmax(xᵢ)ⱼ - [j = yᵢ]}.
     * <pre>  input: [N, C] logits   target: [N] class indices in [0, C)   →   [N]</pre>
     */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        int[] cls = classIndices("cross_entropy", input, target);
        int n = input.shape[0], c = input.shape[1];
        float[] logp = new float[n * c], out = new float[n];
        SoftmaxKernels.logSoftmaxForward(input.data, logp, n, c, 1);
        for (int i = 0; i < n; i++) out[i] = -logp[i * c + cls[i]];
        return Tape.record("CrossEntropyLossBackward0", out, new int[]{n}, g -> input.writeGrad((dx, add) -> {
            for (int i = 0, row = 0; i < n; i++, row += c) {
                for (int j = 0; j < c; j++) {
                    float d = g[i] * (float) Math.exp(logp[row + j]);
                    dx[row + j] = add ? dx[row + j] + d : d;
                }
                dx[row + cls[i]] -= g[i];
            }
        }), input);
    }

    /**
     * Negative log-likelihood of log-probabilities, {@code ℓᵢ = -xᵢ[yᵢ]}.
     * <pre>  input: [N, C] log-probabilities   target: [N] class indices   →   [N]</pre>
     */
    public static Tensor nll(Tensor input, Tensor target) {
        int[] cls = classIndices("nll_loss", input, target);
        int n = input.shape[0], c = input.shape[1];
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = -input.data[i * c + cls[i]];
        return Tape.record("NllLossBackward0", out, new int[]{n}, g -> input.writeGrad((dx, add) -> {
            if (!add) Arrays.fill(dx, 0f); // only the target classes receive a gradient
            for (int i = 0; i < n; i++) dx[i * c + cls[i]] -= g[i];
        }), input);
    }

    /** Validates logits/log-probs [N, C] against integer labels [N] and returns the labels. */
    private static int[] classIndices(String op, Tensor input, Tensor target) {
        if (input.shape.length != 2 || target.shape.length != 1 || target.shape[0] != input.shape[0])
            throw new IllegalArgumentException(op + ": expected input [N, C] and target [N], got input " + Shapes.str(input.shape)
                    + " and target " + Shapes.str(target.shape));
        int c = input.shape[1];
        float[] t = target.data;
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
     * The gradient is PyTorch's: {@code (x - y) / max(x(1-x), 1e-12)}.
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
        sameShape("binary_cross_entropy", input, target);
        float[] x = input.data, y = target.data, out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= 0f && x[i] <= 1f))
                throw new IllegalArgumentException("binary_cross_entropy: all elements of input should be between 0 and 1, got "
                        + x[i] + " at flat index " + i);
            double lx = Math.max(Math.log(x[i]), -100), l1x = Math.max(Math.log1p(-x[i]), -100);
            out[i] = (float) -(y[i] * lx + (1 - y[i]) * l1x);
        }
        return Tape.record("BinaryCrossEntropyBackward0", out, input.shape, g -> input.writeGrad((dx, add) -> {
            for (int i = 0; i < g.length; i++) {
                float d = g[i] * (x[i] - y[i]) / Math.max((1f - x[i]) * x[i], 1e-12f);
                dx[i] = add ? dx[i] + d : d;
            }
        }), input);
    }

    /**
     * Binary cross-entropy of logits, {@code ℓ = -(y·log σ(x) + (1-y)·log(1-σ(x)))}, in the stable form
     * {@code max(x,0) - x·y + log(1 + e^-|x|)}; the gradient is {@code σ(x) - y}.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        sameShape("binary_cross_entropy_with_logits", input, target);
        float[] x = input.data, y = target.data, out = new float[x.length];
        for (int i = 0; i < x.length; i++)
            out[i] = (float) (Math.max(x[i], 0) - (double) x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i]))));
        return Tape.record("BinaryCrossEntropyWithLogitsBackward0", out, input.shape, g -> input.writeGrad((dx, add) -> {
            for (int i = 0; i < g.length; i++) {
                float d = g[i] * ((float) (1.0 / (1.0 + Math.exp(-x[i]))) - y[i]);
                dx[i] = add ? dx[i] + d : d;
            }
        }), input);
    }

    /** The check of losses that compare element-wise: input and target of one shape. */
    public static void sameShape(String op, Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape, target.shape))
            throw new IllegalArgumentException(op + ": target size " + Shapes.str(target.shape)
                    + " must be the same as input size " + Shapes.str(input.shape));
    }
}
