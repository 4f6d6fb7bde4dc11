package jgrad.models;

import jgrad.data.FashionMNIST;
import jgrad.autograd.Tensor;
import jgrad.nn.Activation;
import jgrad.nn.Linear;
import jgrad.nn.Module;

/**
 * The notebook's exercise 1c network, F-256-128-K with ReLU, trained with SGD lr 0.01 (on
 * Fashion-MNIST F = 784 pixels, K = 10 classes):
 * <pre>
 *   x: [N, …] with F values a sample  →  logits: [N, K]
 *   h1 = relu(x·W1ᵀ + b1),  h2 = relu(h1·W2ᵀ + b2),  y = h2·W3ᵀ + b3
 * </pre>
 * Parameter names match the notebook's PyTorch {@code Net}: {@code fc1.weight} … {@code fc3.bias}.
 */
public final class Net extends Module {
    private final int features;
    public final Linear fc1, fc2, fc3;

    /** The notebook's network for Fashion-MNIST. */
    public Net() {
        this(FashionMNIST.FEATURES, FashionMNIST.SPEC.classNames().size());
    }

    /** For samples of {@code features} values and {@code outputs} classes; weights drawn in the order fc1, fc2, fc3. */
    public Net(int features, int outputs) {
        this.features = features;
        fc1 = register("fc1", new Linear(features, 256));
        fc2 = register("fc2", new Linear(256, 128));
        fc3 = register("fc3", new Linear(128, outputs));
    }

    @Override
    public Tensor forward(Tensor x) {
        x = x.view(-1, features);
        // relu(fc(x)), the ReLU applied in the pass that adds the bias
        x = fc1.forward(x, Activation.RELU);
        x = fc2.forward(x, Activation.RELU);
        return fc3.forward(x);
    }
}
