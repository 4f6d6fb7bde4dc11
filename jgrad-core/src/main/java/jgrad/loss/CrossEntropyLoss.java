package jgrad.loss;

import jgrad.autograd.Tensor;

/**
 * Cross-entropy of logits [N, C] against class indices [N]; see {@link Losses#crossEntropy}.
 * Reduction defaults to {@link Reduction#MEAN}, as in PyTorch.
 * <pre>{@code Tensor loss = new CrossEntropyLoss().forward(input, target);}</pre>
 */
public record CrossEntropyLoss(Reduction reduction) implements Loss {
    public CrossEntropyLoss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.crossEntropy(input, target, reduction);
    }
}
