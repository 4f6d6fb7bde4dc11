package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * An activation a layer applies in its own pass over its output:
 * <pre>
 *   act(z) = z if z > 0 else negativeSlope·z        (ReLU when negativeSlope = 0, else LeakyReLU)
 * </pre>
 * {@link Linear#forward(Tensor, Activation)} applies it in the pass that adds the
 * bias, and {@link BatchNorm#forward(Tensor, Activation)} in its affine pass; the
 * backward turns the incoming gradient into the pre-activation's in place. The values and
 * gradients are those of {@link ReLU} or {@link LeakyReLU} after the layer (up to the sign of a
 * zero gradient), with a pass over the output fewer each way and no array for the pre-activation
 * or its gradient. {@link Sequential} fuses by itself a layer that {@linkplain Fusing can apply an
 * activation} followed by a module that {@linkplain Fusable is one}: a {@code Linear} or
 * {@code BatchNorm1d}/{@code BatchNorm2d} followed by {@code ReLU} or {@code LeakyReLU}.
 *
 * <p>The slope must be finite and ≥ 0: the backward pass reads the sign of z from the output,
 * which a negative slope would flip (an unfused {@code LeakyReLU} takes any slope).
 * <pre>{@code Tensor h = fc1.forward(x, Activation.RELU);   // relu(fc1(x))}</pre>
 */
public record Activation(float negativeSlope) {
    public static final Activation RELU = new Activation(0f);

    /** A layer that can apply a following activation in its own pass over its output. */
    public interface Fusing {
        /** {@code act(forward(x))}, computed in one pass; {@code act} null is plain {@code forward(x)}. */
        Tensor forward(Tensor x, Activation act);
    }

    /** An activation module that such a layer can apply instead. */
    public interface Fusable {
        /** This module as an {@link Activation}, or null when it cannot be fused (a negative slope). */
        Activation activation();
    }

    public Activation {
        if (!fusable(negativeSlope))
            throw new IllegalArgumentException("a fused activation needs a finite negative slope ≥ 0, got " + negativeSlope);
    }

    /** Whether a LeakyReLU with this slope can be fused: finite and ≥ 0 (so not NaN). */
    static boolean fusable(float negativeSlope) {
        return negativeSlope >= 0f && Float.isFinite(negativeSlope);
    }

    public static Activation leakyRelu(float negativeSlope) {
        return new Activation(negativeSlope);
    }

    /** The slope the kernels take, where 1 (the identity) stands for no activation. */
    static float slopeOf(Activation act) {
        return act == null ? 1f : act.negativeSlope;
    }

    String gradFn() {
        return negativeSlope == 0f ? "ReluBackward0" : "LeakyReluBackward0";
    }
}
