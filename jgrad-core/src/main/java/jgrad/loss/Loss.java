package jgrad.loss;

import jgrad.autograd.Tensor;

/** A criterion: {@code loss = forward(input, target)}, differentiable with respect to the input. */
public interface Loss {
    Tensor forward(Tensor input, Tensor target);
}
