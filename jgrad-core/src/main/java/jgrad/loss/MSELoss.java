package jgrad.loss;

import jgrad.autograd.Tensor;

/**
 * Mean squared error {@code (x - y)²}; see {@link Losses#mse}.
 * Reduction defaults to {@link Reduction#MEAN}, as in PyTorch.
 * <pre>{@code Tensor loss = new MSELoss().forward(input, target);}</pre>
 */
public record MSELoss(Reduction reduction) implements Loss {
    public MSELoss() {
        this(Reduction.MEAN);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.mse(input, target, reduction);
    }
}
