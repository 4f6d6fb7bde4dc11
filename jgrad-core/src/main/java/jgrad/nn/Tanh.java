package jgrad.nn;

import jgrad.autograd.Tensor;

/** {@code y = tanh(x)}, element-wise; any shape. */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
