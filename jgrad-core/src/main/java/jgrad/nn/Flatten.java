package jgrad.nn;

import jgrad.autograd.Tensor;

/** Flattens dimensions {@code startDim..} into one: [N, 1, 28, 28] → [N, 784] with the default startDim = 1. */
public final class Flatten extends Module {
    private final int startDim;

    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        this.startDim = startDim;
    }

    public int startDim() {
        return startDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=-1";
    }
}
