package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Modules applied in order, {@code y = mₙ(…m₂(m₁(x)))}; children are named "0", "1", … as in PyTorch,
 * so state-dict keys read {@code 0.weight}, {@code 1.running_mean}, or by the names given, as
 * PyTorch's {@code Sequential(OrderedDict(...))}: {@code fc1.weight}. A layer that can apply an
 * activation ({@link Activation.Fusing}: {@link Linear}, {@link BatchNorm}) followed by one that
 * is fusable ({@link Activation.Fusable}: {@link ReLU}, {@link LeakyReLU} with slope ≥ 0) runs as one
 * fused layer: the same values and gradients, with fewer passes over memory.
 */
public final class Sequential extends Module {
    private final Module[] layers;

    public Sequential(Module... layers) {
        this.layers = layers.clone();
        for (int i = 0; i < layers.length; i++) register(Integer.toString(i), layers[i]);
    }

    /** Layers under the given names, in the map's order. */
    public Sequential(java.util.SequencedMap<String, ? extends Module> named) {
        this.layers = named.values().toArray(new Module[0]);
        named.forEach(this::register);
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
            if (act != null && layers[i] instanceof Activation.Fusing f) x = f.forward(x, act);
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
        return m instanceof Activation.Fusable f ? f.activation() : null;
    }
}
