package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Modules applied in order, {@code y = mₙ(…m₂(m₁(x)))}; children are named "0", "1", … as in PyTorch,
 * so state-dict keys read {@code 0.weight}, {@code 1.running_mean}, or by the names given, as
 * PyTorch's {@code Sequential(OrderedDict(...))}: {@code fc1.weight}. A layer that can apply an
 * activation ({@link Activation.Fusing}: {@link Linear}, {@link BatchNorm}) followed by one that
 * is fusable ({@link Activation.Fusable}: {@link ReLU}, {@link LeakyReLU} with slope ≥ 0) runs as one
 * fused layer, and a {@link BatchNorm} on [N, C, H, W], with or without such an activation,
 * followed by {@code MaxPool2d(2)} runs as one
 * ({@link jgrad.autograd.Normalization#batchNormMaxPool2x2}): the same values and gradients, with
 * fewer passes over memory.
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
        for (int i = 0; i < layers.length; ) {
            Module layer = layers[i];
            Activation act = layer instanceof Activation.Fusing && i + 1 < layers.length ? fusable(layers[i + 1]) : null;
            int next = act == null ? i + 1 : i + 2; // past the activation that runs inside the layer
            if (layer instanceof BatchNorm bn && next < layers.length && halves(layers[next], x)) {
                x = bn.forwardPooled(x, act);
                i = next + 1;
            } else {
                x = act == null ? layer.forward(x) : ((Activation.Fusing) layer).forward(x, act);
                i = next;
            }
        }
        return x;
    }

    /** Whether m is {@code MaxPool2d(2)} and x an [N, C, H, W] batch it can pool, so that a batch norm before it can run with it. */
    private static boolean halves(Module m, Tensor x) {
        int[] s = x.shape();
        return m instanceof MaxPool2d p && p.kernelSize() == 2 && p.stride() == 2 && p.padding() == 0 && p.dilation() == 1
                && s.length == 4 && s[2] >= 2 && s[3] >= 2;
    }

    /** The activation a preceding layer can apply for {@code m}, or null when m is not one. */
    static Activation fusable(Module m) {
        return m instanceof Activation.Fusable f ? f.activation() : null;
    }
}
