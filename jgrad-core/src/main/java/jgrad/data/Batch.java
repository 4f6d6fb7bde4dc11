package jgrad.data;

import jgrad.autograd.Tensor;

/**
 * One mini-batch from a {@link DataLoader}.
 *
 * @param inputs transformed samples, shape {@code [B, sampleShape…]}: {@code [B, C, H, W]} images as
 *               torchvision gives them (flatten for a fully connected network), {@code [B, F]} rows
 * @param labels the targets: class indices (or binary 0/1) as float32 values, shape {@code [B]}
 *               (jgrad has one dtype; integers are exact below 2²⁴), or real values, {@code [B]} for
 *               one target and {@code [B, T]} for T
 */
public record Batch(Tensor inputs, Tensor labels) {
    /** Number of samples, B. */
    public int size() {
        return labels.size(0);
    }
}
