package jgrad.loss;

import jgrad.autograd.LossOps;
import jgrad.autograd.Tensor;

/**
 * The loss functions in functional form, like {@code torch.nn.functional}'s: each reduces the
 * per-sample values of its primitive in {@link LossOps} (where the formulas and gradients are
 * documented). Each has a module form ({@link CrossEntropyLoss}, …) holding its reduction.
 */
public final class Losses {
    private Losses() {}

    /**
     * Cross-entropy of logits against class indices, {@code ℓᵢ = -log softmax(xᵢ)[yᵢ]}.
     * <pre>  input: [N, C] logits   target: [N] class indices in [0, C)   →   [] or [N] (NONE)</pre>
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Reduction reduction) {
        return reduction.apply(LossOps.crossEntropy(input, target));
    }

    /**
     * Negative log-likelihood of log-probabilities, {@code ℓᵢ = -xᵢ[yᵢ]}.
     * <pre>  input: [N, C] log-probabilities   target: [N] class indices   →   [] or [N] (NONE)</pre>
     */
    public static Tensor nll(Tensor input, Tensor target, Reduction reduction) {
        return reduction.apply(LossOps.nll(input, target));
    }

    /** Binary cross-entropy of probabilities in [0, 1], {@code ℓ = -(y·log x + (1-y)·log(1-x))}, logs clamped at -100. */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Reduction reduction) {
        return reduction.apply(LossOps.binaryCrossEntropy(input, target));
    }

    /** Binary cross-entropy of logits, {@code ℓ = -(y·log σ(x) + (1-y)·log(1-σ(x)))}, computed stably. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Reduction reduction) {
        return reduction.apply(LossOps.binaryCrossEntropyWithLogits(input, target));
    }

    /** Mean squared error, {@code ℓ = (x - y)²}, composed of differentiable ops (both sides get gradients). */
    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        LossOps.sameShape("mse_loss", input, target);
        Tensor d = input.sub(target);
        return reduction.apply(d.mul(d));
    }
}
