package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Modules applied in order, {@code y = mₙ(…m₂(m₁(x)))}; children are named "0", "1", … as in PyTorch,
 * so state-dict keys read {@code 0.weight}, {@code 1.running_mean}. A {@link Linear} or
 * {@link BatchNorm1d} followed by {@link ReLU} or {@link LeakyReLU} (slope ≥ 0) runs as one fused
 * layer ({@link Activation}): the same values and gradients, with fewer passes over memory.
 */
public final class Sequential extends Module {
    private final Module[] layers;

    public Sequential(Module... layers) {
        this.layers = layers.clone();
        for (int i = 0; i < layers.length; i++) register(Integer.toString(i), layers[i]);
    }

    public Module get(int i) {
        return layers[i];
    }

    public int size() {
        return layers.length;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.length; i++) {
            Activation act = i + 1 < layers.length ? fusable(layers[i + 1]) : null;
            if (act != null && layers[i] instanceof Linear l) x = l.forward(x, act);
            else if (act != null && layers[i] instanceof BatchNorm1d b) x = b.forward(x, act);
            else {
                x = layers[i].forward(x);
                continue;
            }
            i++; // the activation ran inside the layer
        }
        return x;
    }

    /** The activation a preceding layer can apply for {@code m}, or null when m is not one. */
    static Activation fusable(Module m) {
        if (m instanceof ReLU r) return r.activation();
        if (m instanceof LeakyReLU l && Activation.fusable(l.slope)) return l.activation();
        return null;
    }
}
