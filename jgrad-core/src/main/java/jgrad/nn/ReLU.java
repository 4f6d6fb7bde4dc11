package jgrad.nn;

import jgrad.autograd.Tensor;

/** {@code y = max(x, 0)}, element-wise; any shape. */
public final class ReLU extends Module implements Activation.Fusable {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    /** This activation, for a layer to apply in its own pass ({@link Activation}). */
    @Override
    public Activation activation() {
        return Activation.RELU;
    }
}
