package jgrad.data;

import jgrad.autograd.Tensor;

/**
 * One mini-batch from a {@link DataLoader}.
 *
 * @param inputs transformed images, shape {@code [B, 1, rows, cols]} as torchvision gives them
 *               (flatten for a fully connected network)
 * @param labels class indices as float32 values, shape {@code [B]} (jgrad has one dtype; integers
 *               are exact below 2²⁴)
 */
public record Batch(Tensor inputs, Tensor labels) {
    /** Number of samples, B. */
    public int size() {
        return labels.size(0);
    }
}
