package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Softmax along one dimension, PyTorch's {@code nn.Softmax(dim)}:
 * <pre>  y_i = exp(x_i) / Σ_j exp(x_j)   over dimension dim (negative counts from the end); any shape</pre>
 * Computed stably as {@code exp(log_softmax(x))}, so large logits do not overflow. Its values on
 * each slice are positive and sum to 1: the class probabilities of logits along {@code dim = 1}.
 * <pre>{@code Tensor p = new Softmax(1).forward(logits);   // [64, 10] → [64, 10], each row sums to 1}</pre>
 */
public final class Softmax extends Module {
    private final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    /** The dimension, as given (it may be negative). */
    public int dim() {
        return dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.softmax(x, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
