package jgrad.nn;

import jgrad.autograd.Tensor;

/** {@code y = x if x > 0 else negativeSlope·x}, element-wise; any shape. PyTorch's default slope is 0.01. */
public final class LeakyReLU extends Module implements Activation.Fusable {
    final float slope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        slope = negativeSlope;
    }

    public float negativeSlope() {
        return slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }

    /** This activation, for a layer to apply in its own pass ({@link Activation}), or null for a negative or NaN slope. */
    @Override
    public Activation activation() {
        return Activation.fusable(slope) ? Activation.leakyRelu(slope) : null;
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + repr(slope);
    }
}
