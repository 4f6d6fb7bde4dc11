package jgrad.autograd;

import static jgrad.autograd.GradCheck.check;

import org.junit.jupiter.api.Test;

import jgrad.tensor.Rng;

/** Every differentiable op of {@link Tensor} against central finite differences. */
class TensorGradTest {
    private final Rng rng = new Rng(7);

    private Tensor randn(int... shape) {
        return Tensor.randn(rng, shape);
    }

    private Tensor positive(int... shape) {
        return Tensor.rand(rng, shape).add(0.5f);
    }

    @Test
    void broadcastingArithmetic() {
        check(t -> t[0].add(t[1]), randn(3, 4), randn(4));
        check(t -> t[0].sub(t[1]), randn(3, 1), randn(1, 4));
        check(t -> t[0].mul(t[1]), randn(2, 3, 4), randn(3, 1));
        check(t -> t[0].div(t[1]), randn(3, 4), positive(1));
        check(t -> t[0].mul(t[0]), randn(5));
    }

    @Test
    void scalarArithmetic() {
        check(t -> t[0].add(2f).mul(3f).sub(1f).div(4f).neg().rsub(1f), randn(2, 3));
    }

    @Test
    void unary() {
        check(t -> t[0].exp(), randn(2, 3));
        check(t -> t[0].log(), positive(2, 3));
        check(t -> t[0].pow(3f), randn(2, 3));
        check(t -> t[0].pow(0.5f), positive(2, 3));
        check(t -> t[0].pow(-1f), positive(2, 3));
        check(t -> t[0].sqrt(), positive(2, 3));
        check(t -> t[0].abs(), Tensor.of(new float[]{-1.5f, -0.3f, 0.4f, 2f}, 4));
        check(t -> t[0].clamp(-0.5f, 0.5f), Tensor.of(new float[]{-1.5f, -0.3f, 0.4f, 2f, 0.1f}, 5));
        check(t -> t[0].relu(), Tensor.of(new float[]{-1.5f, -0.3f, 0.4f, 2f}, 2, 2));
        check(t -> t[0].leakyRelu(0.2f), Tensor.of(new float[]{-1.5f, -0.3f, 0.4f, 2f}, 2, 2));
        check(t -> t[0].sigmoid(), randn(3, 2));
        check(t -> t[0].tanh(), randn(3, 2));
    }

    @Test
    void reductions() {
        check(t -> t[0].sum(), randn(3, 4));
        check(t -> t[0].sum(0, false), randn(3, 4));
        check(t -> t[0].sum(1, true), randn(2, 3, 4));
        check(t -> t[0].mean(), randn(3, 4));
        check(t -> t[0].mean(-1, false), randn(3, 4));
        check(t -> t[0].var(0, true, false), randn(5, 3));
        check(t -> t[0].var(1, false, true), randn(3, 5));
        check(t -> t[0].max(1, false).values(), randn(3, 5));
        check(t -> t[0].max(0, true).values(), randn(2, 3, 2));
    }

    @Test
    void softmaxFamily() {
        check(t -> t[0].softmax(-1), randn(3, 5));
        check(t -> t[0].softmax(0), randn(3, 5));
        check(t -> t[0].logSoftmax(1), randn(3, 5));
        check(t -> t[0].logSoftmax(1), randn(2, 3, 4));
    }

    @Test
    void shapeOps() {
        check(t -> t[0].reshape(4, -1).mul(t[0].reshape(4, 3)), randn(2, 6));
        check(t -> t[0].transpose(0, 1), randn(3, 4));
        check(t -> t[0].transpose(0, 2), randn(2, 3, 4));
        check(t -> t[0].indexSelect(0, new int[]{2, 0, 2}), randn(3, 4));
        check(t -> t[0].indexSelect(1, new int[]{1, 1}), randn(2, 3, 2));
        Tensor mask = Tensor.of(new float[]{1, 0, 0, 1, 1, 0}, 2, 3);
        check(t -> Tensor.where(mask, t[0], t[1]), randn(2, 3), randn(3));
    }

    @Test
    void matmul() {
        check(t -> t[0].matmul(t[1]), randn(3, 4), randn(4, 5));
        check(t -> t[0].matmul(t[1]), randn(2, 3, 4), randn(2, 4, 5));
        check(t -> t[0].matmul(t[1]), randn(2, 3, 4), randn(4, 2));
        check(t -> t[0].matmul(t[1]), randn(5, 20), randn(20, 40));
    }

    @Test
    void composite() {
        check(t -> t[0].mul(t[1]).exp().sum(1, false).log(), randn(3, 4), randn(3, 4));
    }
}
