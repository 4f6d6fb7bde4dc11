package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Modules applied in order, {@code y = mₙ(…m₂(m₁(x)))}; children are named "0", "1", … as in PyTorch,
 * so state-dict keys read {@code 0.weight}, {@code 1.running_mean}.
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
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
