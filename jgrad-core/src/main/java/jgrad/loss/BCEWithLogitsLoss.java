package jgrad.loss;

import jgrad.autograd.Tensor;

/**
 * Binary cross-entropy of logits in the stable form; see {@link Losses#binaryCrossEntropyWithLogits}.
 * The target gets no gradient. Reduction defaults to {@link Reduction#MEAN}, as in PyTorch.
 * <pre>{@code Tensor loss = new BCEWithLogitsLoss().forward(input, target);}</pre>
 */
public record BCEWithLogitsLoss(Reduction reduction) implements Loss {
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(input, target, reduction);
    }
}
