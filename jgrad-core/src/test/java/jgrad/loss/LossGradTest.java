package jgrad.loss;

import static jgrad.autograd.GradCheck.check;

import org.junit.jupiter.api.Test;

import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/** Every loss's input gradient against central finite differences, for each reduction. */
class LossGradTest {
    private final Rng rng = new Rng(21);

    @Test
    void classificationLosses() {
        Tensor target = Tensor.of(2f, 0f, 1f, 2f);
        for (Reduction r : Reduction.values()) {
            check(t -> Losses.crossEntropy(t[0], target, r), Tensor.randn(rng, 4, 3));
            check(t -> Losses.nll(t[0].logSoftmax(1), target, r), Tensor.randn(rng, 4, 3));
        }
    }

    @Test
    void binaryAndRegressionLosses() {
        Tensor y = Tensor.of(1f, 0f, 1f, 0f, 0.3f, 0.8f);
        for (Reduction r : Reduction.values()) {
            check(t -> Losses.binaryCrossEntropy(t[0], y, r), Tensor.rand(rng, 6).mul(0.8f).add(0.1f));
            check(t -> Losses.binaryCrossEntropyWithLogits(t[0], y, r), Tensor.randn(rng, 6));
            check(t -> Losses.mse(t[0], t[1], r), Tensor.randn(rng, 6), Tensor.randn(rng, 6));
        }
    }
}
