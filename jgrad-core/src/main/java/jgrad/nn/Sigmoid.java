package jgrad.nn;

import jgrad.autograd.Tensor;

/** {@code y = 1 / (1 + e⁻ˣ)}, element-wise; any shape. */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
