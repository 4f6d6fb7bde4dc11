package jgrad.loss;

import jgrad.autograd.Tensor;

/**
 * Negative log-likelihood of log-probabilities [N, C] against class indices [N]; see {@link Losses#nll}.
 * Reduction defaults to {@link Reduction#MEAN}, as in PyTorch.
 * <pre>{@code Tensor loss = new NLLLoss().forward(input, target);}</pre>
 */
public record NLLLoss(Reduction reduction) implements Loss {
    public NLLLoss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.nll(input, target, reduction);
    }
}
