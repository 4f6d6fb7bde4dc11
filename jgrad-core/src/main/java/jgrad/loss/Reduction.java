package jgrad.loss;

import jgrad.autograd.Tensor;

/** How a loss combines its per-element values: their mean (PyTorch's default), their sum, or none. */
public enum Reduction {
    MEAN, SUM, NONE;

    Tensor apply(Tensor perElement) {
        return switch (this) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }
}
