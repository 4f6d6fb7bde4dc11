package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * A tensor that a {@link Module} owns as a learnable weight: a leaf that requires grad, listed by
 * {@link Module#parameters()} and saved in {@link Module#stateDict()}. Buffers (running statistics)
 * are plain tensors registered with {@link Module#registerBuffer}.
 */
public final class Parameter extends Tensor {
    public Parameter(Tensor init) {
        super(init);
        requiresGrad(true);
    }

    @Override
    public String toString() {
        return "Parameter containing:\n" + super.toString();
    }
}
