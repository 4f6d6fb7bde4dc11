package jgrad.models;

import jgrad.autograd.Tensor;
import jgrad.nn.Activation;
import jgrad.nn.Linear;
import jgrad.nn.Module;

/**
 * The notebook's exercise 1c network, 784-256-128-10 with ReLU, trained with SGD lr 0.01:
 * <pre>
 *   x: [N, 1, 28, 28] or [N, 784]  →  logits: [N, 10]
 *   h1 = relu(x·W1ᵀ + b1),  h2 = relu(h1·W2ᵀ + b2),  y = h2·W3ᵀ + b3
 * </pre>
 * Parameter names match the notebook's PyTorch {@code Net}: {@code fc1.weight} … {@code fc3.bias}.
 */
public final class Net extends Module {
    public final Linear fc1 = register("fc1", new Linear(784, 256));
    public final Linear fc2 = register("fc2", new Linear(256, 128));
    public final Linear fc3 = register("fc3", new Linear(128, 10));

    @Override
    public Tensor forward(Tensor x) {
        x = x.view(-1, 784);
        // relu(fc(x)), the ReLU applied in the pass that adds the bias
        x = fc1.forward(x, Activation.RELU);
        x = fc2.forward(x, Activation.RELU);
        return fc3.forward(x);
    }
}
