package jgrad.exercises;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.loss.Losses;
import jgrad.loss.Reduction;

/** The notebook's exercise 1b, its exact printed numbers, and its hand-written backward against autograd. */
class Exercise1bTest {
    private static final Tensor X = Tensor.of(Exercise1b.X);

    @Test
    void reproducesTheNotebooksNumbers() {
        Tensor[] w = Exercise1b.notebookWeights();
        var m = Exercise1b.manual(X, 1f, w, 0.2f);
        assertArrayEquals(new float[]{30, 30, 30}, m.a1().data());
        assertArrayEquals(new float[]{180, 180}, m.a2().data());
        assertEquals(1.0f, m.a3().item(), "sigmoid(720) rounds to exactly 1 in float32");
        assertEquals(0f, m.loss());
        for (int i = 0; i < 3; i++) {
            for (float g : m.grads()[i].data()) assertEquals(0f, g);
            assertArrayEquals(w[i].data(), m.updated()[i].data(), "weights unchanged after the SGD step");
        }
        assertEquals("tensor([[0., 0., 0., 0., 0.],\n        [0., 0., 0., 0., 0.],\n        [0., 0., 0., 0., 0.]])",
                m.grads()[0].toString().replace("-0.", "0."));
        assertEquals("tensor([[2., 2.]])", m.updated()[2].toString());

        var a = Exercise1b.autograd(X, 1f, w, 0.2f);
        assertEquals(0f, a.loss(), "BCELoss with the log clamp also gives 0");
        for (int i = 0; i < 3; i++) for (float g : a.grads()[i].data()) assertEquals(0f, g, "autograd agrees: all gradients 0");
    }

    /** Small weights, some z1 negative: the ReLU mask {@code a1 >= 0} lets gradient through where the true derivative is 0. */
    @Test
    void manualBackwardDiffersFromTheTrueGradientExactlyWhereZ1IsNegative() {
        Tensor[] w = {
                Tensor.of(new float[][]{{0.1f, 0.2f, 0.05f, 0.1f, -0.1f}, {-0.3f, 0.1f, 0.2f, -0.1f, 0.05f}, {0.05f, 0.05f, -0.1f, 0.2f, 0.1f}}),
                Tensor.of(new float[][]{{0.3f, -0.2f, 0.4f}, {-0.1f, 0.2f, 0.3f}}),
                Tensor.of(new float[][]{{0.5f, -0.4f}})};
        Tensor z1 = X.matmul(w[0].t());
        assertTrue(z1.get(0, 1) < 0 && z1.get(0, 0) > 0 && z1.get(0, 2) > 0, "unit 1 is off: " + z1);
        var manual = Exercise1b.manual(X, 1f, w, 0.2f);
        var auto = Exercise1b.autograd(X, 1f, w, 0.2f);
        assertEquals(auto.loss(), manual.loss(), 1e-6f);
        // dW2 and dW3 agree everywhere (the LeakyReLU mask has z2's sign)
        assertArrayEquals(auto.grads()[1].data(), manual.grads()[1].data(), 1e-6f);
        assertArrayEquals(auto.grads()[2].data(), manual.grads()[2].data(), 1e-6f);
        for (int unit = 0; unit < 3; unit++)
            for (int j = 0; j < 5; j++) {
                float m = manual.grads()[0].get(unit, j), a = auto.grads()[0].get(unit, j);
                if (unit == 1) {
                    assertEquals(0f, a, "true gradient through a ReLU that is off");
                    assertNotEquals(0f, m, "the notebook's mask passes it anyway");
                } else assertEquals(a, m, 1e-6f);
            }
        // autograd against central finite differences of the same loss, in double
        for (int layer = 0; layer < 3; layer++) {
            float[] d = w[layer].data();
            for (int i = 0; i < d.length; i++) {
                float orig = d[i];
                double h = 1e-3;
                d[i] = (float) (orig + h);
                double plus = loss(w);
                d[i] = (float) (orig - h);
                double minus = loss(w);
                d[i] = orig;
                assertEquals((plus - minus) / (2 * h), auto.grads()[layer].data()[i], 2e-3, "layer " + layer + " element " + i);
            }
        }
    }

    private static double loss(Tensor[] w) {
        try (var g = GradMode.noGrad()) {
            Tensor a3 = X.matmul(w[0].t()).relu().matmul(w[1].t()).leakyRelu(0.01f).matmul(w[2].t()).sigmoid();
            return Losses.binaryCrossEntropy(a3.reshape(1), Tensor.of(1f), Reduction.MEAN).item();
        }
    }
}
