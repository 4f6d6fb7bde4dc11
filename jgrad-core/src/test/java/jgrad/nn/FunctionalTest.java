package jgrad.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jgrad.autograd.GradCheck;
import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/** The functional forms against their definitions composed from Tensor ops, and by finite differences. */
class FunctionalTest {
    private static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.numel(); i++)
            assertEquals(expected.data()[i], actual.data()[i], tol * Math.max(1, Math.abs(expected.data()[i])), "element " + i);
    }

    @Test
    void linearIsXTimesWTransposedPlusB() {
        Rng rng = new Rng(1);
        Tensor x = Tensor.randn(rng, 2, 3, 5), w = Tensor.randn(rng, 4, 5), b = Tensor.randn(rng, 4);
        Tensor expected = x.reshape(6, 5).matmul(w.t()).add(b).reshape(2, 3, 4);
        assertClose(expected, Functional.linear(x, w, b), 1e-6);
        assertClose(x.reshape(6, 5).matmul(w.t()).reshape(2, 3, 4), Functional.linear(x, w, null), 1e-6);
        assertClose(expected.leakyRelu(0.2f), Functional.linear(x, w, b, Activation.leakyRelu(0.2f)), 1e-6);
        assertClose(expected.relu(), Functional.linear(x, w, b, Activation.RELU), 1e-6);
        GradCheck.check(in -> Functional.linear(in[0], in[1], in[2], Activation.leakyRelu(0.1f)),
                Tensor.randn(rng, 3, 5), Tensor.randn(rng, 4, 5), Tensor.randn(rng, 4));
    }

    @Test
    void batchNormNormalisesEachColumnWithTheBatchStatistics() {
        Rng rng = new Rng(2);
        Tensor x = Tensor.randn(rng, 6, 3), w = Tensor.randn(rng, 3), b = Tensor.randn(rng, 3);
        Tensor rm = Tensor.zeros(3), rv = Tensor.ones(3);
        Tensor mean = x.mean(0, true), var = x.var(0, false, true);
        Tensor expected = x.sub(mean).div(var.add(1e-5f).sqrt()).mul(w).add(b);
        assertClose(expected, Functional.batchNorm(x, rm, rv, w, b, true, 0.1f, 1e-5f), 1e-5);
        // the running statistics moved a tenth of the way to the batch's (unbiased variance)
        Tensor unbiased = x.var(0, true, false);
        for (int j = 0; j < 3; j++) {
            assertEquals(0.1f * mean.data()[j], rm.data()[j], 1e-6);
            assertEquals(0.9f + 0.1f * unbiased.data()[j], rv.data()[j], 1e-5);
        }
        // evaluation uses them
        Tensor eval = rm.neg().add(x).div(rv.add(1e-5f).sqrt()).mul(w).add(b);
        assertClose(eval, Functional.batchNorm(x, rm, rv, w, b, false, 0.1f, 1e-5f), 1e-5);
        GradCheck.check(in -> Functional.batchNorm(in[0], null, null, in[1], in[2], true, 0.1f, 1e-5f, Activation.leakyRelu(0.2f)),
                Tensor.randn(rng, 5, 3), Tensor.randn(rng, 3), Tensor.randn(rng, 3));
    }

    @Test
    void activationsSoftmaxAndFlattenAreTheTensorOps() {
        Tensor x = Tensor.randn(new Rng(3), 2, 3, 4);
        assertClose(x.relu(), Functional.relu(x), 0);
        assertClose(x.leakyRelu(0.3f), Functional.leakyRelu(x, 0.3f), 0);
        assertClose(x.sigmoid(), Functional.sigmoid(x), 0);
        assertClose(x.tanh(), Functional.tanh(x), 0);
        assertClose(x.softmax(1), Functional.softmax(x, 1), 0);
        assertClose(x.logSoftmax(-1), Functional.logSoftmax(x, -1), 0);
        assertArrayEquals(new int[]{2, 12}, Functional.flatten(x, 1).shape());
        Tensor p = Functional.softmax(x, 1).sum(1);
        for (float v : p.data()) assertEquals(1f, v, 1e-6f);
    }

    @Test
    void dropoutIsTheIdentityInEvaluationAndAtPZero() {
        Tensor x = Tensor.randn(new Rng(4), 100);
        assertSame(x, Functional.dropout(x, 0.5f, false, new Rng(0)));
        assertSame(x, Functional.dropout(x, 0f, true, new Rng(0)));
        Tensor all = Functional.dropout(x, 1f, true, new Rng(0));
        for (float v : all.data()) assertEquals(0f, Math.abs(v)); // x·0, so -0 for negative x, as in PyTorch
        Tensor half = Functional.dropout(x, 0.5f, true, new Rng(0));
        for (int i = 0; i < 100; i++) assertTrue(half.data()[i] == 0f || half.data()[i] == 2f * x.data()[i], "element " + i);
        assertThrows(IllegalArgumentException.class, () -> Functional.dropout(x, 1.5f, true, new Rng(0)));
    }
}
