package jgrad.exercises;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.loss.Losses;
import jgrad.loss.Reduction;

/**
 * The notebook's exercise 1b: a 5-3-2-1 network without biases (ReLU, LeakyReLU 0.01, sigmoid),
 * binary cross-entropy, a hand-written forward and backward pass and one SGD step, written as the
 * notebook writes them ({@code ForwardPass}, {@code BCE_Loss}, {@code BackwardPass},
 * {@code StochasticGradintDescent}) so the numbers can be compared line by line, and checked against
 * jgrad's autograd.
 *
 * <pre>
 *   z1 = X·W1ᵀ   a1 = relu(z1)              X: [1,5]  W1: [3,5]
 *   z2 = a1·W2ᵀ  a2 = leaky_relu(z2, 0.01)            W2: [2,3]
 *   z3 = a2·W3ᵀ  a3 = σ(z3)                           W3: [1,2]
 *   L  = -(y·log a3 + (1-y)·log(1-a3))
 * </pre>
 *
 * <p><b>The notebook's ReLU mask.</b> Its backward computes {@code dL_dz1 = where(a1 >= 0, dL_da1, 0)}.
 * Since {@code a1 = relu(z1)} is never negative, that mask is always true: the gradient flows through
 * units whose {@code z1 < 0}, where the true derivative of ReLU is 0. The result differs from the
 * true gradient exactly in the rows of {@code dL_dW1} of units with {@code z1 < 0} (for the notebook's
 * all-twos weights every z1 is 30, so nothing differs; {@link #manual} reproduces it faithfully and
 * {@link #autograd} gives the true one). The LeakyReLU mask {@code a2 >= 0} has the sign of z2, so it
 * is right except at z2 = 0 exactly, where it takes slope 1 and PyTorch takes 0.01.
 */
public final class Exercise1b {
    private Exercise1b() {}

    /** The notebook's input, target and all-twos weights. */
    public static final float[][] X = {{5, 4, 1, 3, 2}};
    public static final float Y = 1f;

    public static Tensor[] notebookWeights() {
        return new Tensor[]{Tensor.full(2f, 3, 5), Tensor.full(2f, 2, 3), Tensor.full(2f, 1, 2)};
    }

    /** Everything the notebook prints for 1b, and the updated weights. */
    public record Result(Tensor a1, Tensor a2, Tensor a3, float loss, Tensor[] grads, Tensor[] updated) {}

    /** The notebook's own code path: manual forward, {@code BCE_Loss}, manual {@code BackwardPass}, SGD. */
    public static Result manual(Tensor x, float y, Tensor[] w, float lr) {
        try (var g = GradMode.noGrad()) {
            Tensor a1 = x.matmul(w[0].t()).relu();
            Tensor a2 = a1.matmul(w[1].t()).leakyRelu(0.01f);
            Tensor a3 = a2.matmul(w[2].t()).sigmoid();
            float p = a3.item();
            // BCE_Loss returns exactly 0 when the prediction equals the target
            float loss = y == p ? 0f : (float) -(y * Math.log(p) + (1 - y) * Math.log(1 - p));

            Tensor dLda3 = Tensor.of(y != p ? -(y / p - (1 - y) / (1 - p)) : 0f).reshape(1, 1);
            Tensor dLdz3 = dLda3.mul(a3.mul(a3.rsub(1f)));
            Tensor dW3 = dLdz3.t().matmul(a2);
            Tensor dLda2 = dLdz3.matmul(w[2]);
            Tensor dLdz2 = Tensor.where(a2.ge(0f), dLda2, dLda2.mul(0.01f));
            Tensor dW2 = dLdz2.t().matmul(a1);
            Tensor dLda1 = dLdz2.matmul(w[1]);
            Tensor dLdz1 = Tensor.where(a1.ge(0f), dLda1, dLda1.mul(0f)); // always true: see the class comment
            Tensor dW1 = dLdz1.t().matmul(x);
            Tensor[] grads = {dW1, dW2, dW3};
            return new Result(a1, a2, a3, loss, grads, sgd(w, grads, lr));
        }
    }

    /**
     * The same network through autograd, with {@link Losses#binaryCrossEntropy} (PyTorch's BCELoss,
     * log clamped at -100): the true gradient.
     */
    public static Result autograd(Tensor x, float y, Tensor[] w, float lr) {
        Tensor[] p = {w[0].copy().requiresGrad(true), w[1].copy().requiresGrad(true), w[2].copy().requiresGrad(true)};
        Tensor a1 = x.matmul(p[0].t()).relu();
        Tensor a2 = a1.matmul(p[1].t()).leakyRelu(0.01f);
        Tensor a3 = a2.matmul(p[2].t()).sigmoid();
        Tensor loss = Losses.binaryCrossEntropy(a3.reshape(1), Tensor.of(y), Reduction.MEAN);
        loss.backward();
        Tensor[] grads = new Tensor[3];
        for (int i = 0; i < 3; i++) grads[i] = p[i].grad() == null ? Tensor.zeros(p[i].shape()) : p[i].grad();
        return new Result(a1.detach(), a2.detach(), a3.detach(), loss.item(), grads, sgd(w, grads, lr));
    }

    /** The notebook's {@code StochasticGradintDescent}: {@code W[i] -= lr·dL_dW[i]}, on copies. */
    static Tensor[] sgd(Tensor[] w, Tensor[] grads, float lr) {
        Tensor[] out = new Tensor[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i].copy();
            float[] d = out[i].data(), g = grads[i].data();
            for (int j = 0; j < d.length; j++) d[j] -= lr * g[j];
        }
        return out;
    }
}
