package jgrad.nn;

import jgrad.autograd.Tensor;

/** {@code y = x if x > 0 else negativeSlope·x}, element-wise; any shape. PyTorch's default slope is 0.01. */
public final class LeakyReLU extends Module {
    private final float slope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        slope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + repr(slope);
    }
}
