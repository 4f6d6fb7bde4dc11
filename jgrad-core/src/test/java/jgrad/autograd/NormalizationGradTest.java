package jgrad.autograd;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jgrad.tensor.Rng;

/** Layer normalisation's backward against central finite differences, and its forward against the formula computed here in double. */
class NormalizationGradTest {
    @Test
    void layerNormGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(5);
        // over the last dimension, the last two, and the whole sample; with and without γ, β
        GradCheck.check(in -> Normalization.layerNorm(in[0], new int[]{5}, in[1], in[2], 1e-5f),
                Tensor.randn(rng, 3, 5), Tensor.randn(rng, 5), Tensor.randn(rng, 5));
        GradCheck.check(in -> Normalization.layerNorm(in[0], new int[]{3, 4}, in[1], in[2], 1e-5f),
                Tensor.randn(rng, 2, 2, 3, 4), Tensor.randn(rng, 3, 4), Tensor.randn(rng, 3, 4));
        GradCheck.check(in -> Normalization.layerNorm(in[0], new int[]{2, 3, 3}, null, null, 1e-5f), Tensor.randn(rng, 2, 2, 3, 3));
        // a large eps, so the variance term's gradient is not dwarfed
        GradCheck.check(in -> Normalization.layerNorm(in[0], new int[]{4}, in[1], null, 0.5f), Tensor.randn(rng, 3, 4), Tensor.randn(rng, 4));
    }

    @Test
    void layerNormNormalisesEachSampleWithTheBiasedVariance() {
        Tensor x = Tensor.randn(new Rng(6), 4, 6).mul(3f).add(2f), w = Tensor.randn(new Rng(7), 6), b = Tensor.randn(new Rng(8), 6);
        float[] y = Normalization.layerNorm(x, new int[]{6}, w, b, 1e-5f).data(), d = x.data();
        for (int r = 0; r < 4; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < 6; j++) mean += d[r * 6 + j] / 6.0;
            for (int j = 0; j < 6; j++) var += (d[r * 6 + j] - mean) * (d[r * 6 + j] - mean) / 6.0;
            for (int j = 0; j < 6; j++)
                assertEquals((d[r * 6 + j] - mean) / Math.sqrt(var + 1e-5) * w.data()[j] + b.data()[j], y[r * 6 + j], 2e-5);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Normalization.layerNorm(x, new int[]{4}, null, null, 1e-5f));
        assertTrue(e.getMessage().contains("Given normalized_shape=[4], expected input with shape [*, 4], but got input of size [4, 6]"), e.getMessage());
    }
}
