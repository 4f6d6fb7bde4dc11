package jgrad.loss;

import jgrad.autograd.Tensor;

/**
 * Binary cross-entropy of probabilities, log clamped at -100 as PyTorch; see {@link Losses#binaryCrossEntropy}.
 * The target gets no gradient. Reduction defaults to {@link Reduction#MEAN}, as in PyTorch.
 * <pre>{@code Tensor loss = new BCELoss().forward(input, target);}</pre>
 */
public record BCELoss(Reduction reduction) implements Loss {
    public BCELoss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropy(input, target, reduction);
    }
}
