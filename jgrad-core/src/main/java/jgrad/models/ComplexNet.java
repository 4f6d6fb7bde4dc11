package jgrad.models;

import jgrad.data.FashionMNIST;
import jgrad.autograd.Tensor;
import jgrad.nn.Activation;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.Dropout;
import jgrad.nn.LeakyReLU;
import jgrad.nn.Linear;
import jgrad.nn.Module;

/**
 * The notebook's exercise 1d network, F-512-256-128-K with BatchNorm1d and LeakyReLU(0.2),
 * trained with Adam lr 1e-3, weight decay 1e-5 (on Fashion-MNIST F = 784 pixels, K = 10 classes):
 * <pre>
 *   x: [N, …] with F values a sample  →  logits: [N, K]
 *   hᵢ = leaky_relu(bnᵢ(hᵢ₋₁·Wᵢᵀ + bᵢ), 0.2)  for i = 1..3,   y = h3·W4ᵀ + b4
 * </pre>
 * As in the notebook, a {@code Dropout(0.5)} is registered but never applied in {@link #forward}
 * (the notebook's text says it adds dropout; its code does not), so the state dict and the
 * printed module match the notebook's {@code ComplexNet} exactly.
 */
public final class ComplexNet extends Module {
    private final int features;
    public final Linear fc1, fc2, fc3, fc4;
    public final LeakyReLU relu;
    public final Dropout dropout;
    public final BatchNorm1d batchNorm1, batchNorm2, batchNorm3;

    /** The notebook's network for Fashion-MNIST. */
    public ComplexNet() {
        this(FashionMNIST.FEATURES, FashionMNIST.SPEC.classNames().size());
    }

    /** For samples of {@code features} values and {@code outputs} classes; registered (and drawn) in the notebook's order. */
    public ComplexNet(int features, int outputs) {
        this.features = features;
        fc1 = register("fc1", new Linear(features, 512));
        fc2 = register("fc2", new Linear(512, 256));
        fc3 = register("fc3", new Linear(256, 128));
        fc4 = register("fc4", new Linear(128, outputs));
        relu = register("relu", new LeakyReLU(0.2f));
        dropout = register("dropout", new Dropout(0.5f));
        batchNorm1 = register("batch_norm1", new BatchNorm1d(512));
        batchNorm2 = register("batch_norm2", new BatchNorm1d(256));
        batchNorm3 = register("batch_norm3", new BatchNorm1d(128));
    }

    @Override
    public Tensor forward(Tensor x) {
        x = x.view(-1, features);
        // relu(bn(fc(x))), the LeakyReLU applied in batch norm's affine pass
        Activation act = relu.activation();
        x = batchNorm1.forward(fc1.forward(x), act);
        x = batchNorm2.forward(fc2.forward(x), act);
        x = batchNorm3.forward(fc3.forward(x), act);
        return fc4.forward(x);
    }
}
