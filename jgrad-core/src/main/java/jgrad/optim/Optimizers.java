package jgrad.optim;

import java.util.List;

import jgrad.autograd.Tensor;

/** The optimizers by name, as a command line or a configuration spells them. */
public final class Optimizers {
    /** The names {@link #create} knows. */
    public static final List<String> NAMES = List.of("sgd", "adam", "adamw");

    private Optimizers() {}

    /**
     * Optimizer {@code name} over {@code params}: {@code sgd} ({@link SGD}, with {@code momentum}),
     * {@code adam} ({@link Adam}, L2 weight decay in the gradient) or {@code adamw} ({@link AdamW},
     * decoupled weight decay); every other setting has PyTorch's default.
     */
    public static Optimizer create(String name, List<? extends Tensor> params, float lr, float weightDecay, float momentum) {
        return switch (name) {
            case "sgd" -> new SGD(params, lr, momentum, 0f, weightDecay, false);
            case "adam" -> new Adam(params, lr, weightDecay);
            case "adamw" -> new AdamW(params, lr, weightDecay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "': expected one of " + NAMES);
        };
    }
}
