package bench.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The three networks jgrad benchmarks, as DJL blocks, each with its optimiser. Every input is
 * {@code [N, 1, 28, 28]}; every output is {@code [N, 10]} logits.
 *
 * <ul>
 *   <li>{@code simple}: Flatten → Linear(784→256) → ReLU → Linear(256→128) → ReLU → Linear(128→10); SGD lr 0.01.
 *   <li>{@code complex}: Flatten → 3 × [Linear → BatchNorm → LeakyReLU(0.2)] with 512, 256, 128 units →
 *       Linear(128→10); Adam lr 1e-3, weight decay 1e-5.
 *   <li>{@code cnn}: 2 × [Conv2d(3×3, padding 1) → BatchNorm2d → ReLU → MaxPool 2×2] with 32, 64 channels →
 *       Flatten → Linear(3136→128) → ReLU → Dropout(0.3) → Linear(128→10); Adam lr 1e-3.
 * </ul>
 *
 * <p>Linear and convolution weights and biases start as PyTorch's do, uniform in ±1/√fan_in
 * (its kaiming_uniform with a = √5), rather than DJL's default He-normal weights and zero
 * biases, so both peers start from the same distribution. BatchNorm keeps DJL's defaults, which
 * are PyTorch's: ε = 1e-5, running statistics updated with weight 0.1 (DJL's momentum 0.9).
 * Adam is β = (0.9, 0.999), ε = 1e-8 with L2 weight decay added to the gradient, as
 * {@code torch.optim.Adam}.
 *
 * <p>Example: {@code Block net = Nets.block("cnn"); Optimizer opt = Nets.optimizer("cnn");}
 */
final class Nets {
    private Nets() {}

    static Block block(String model) {
        return switch (model) {
            case "simple" -> new SequentialBlock().add(Blocks.batchFlattenBlock())
                    .add(linear(784, 256)).add(Activation.reluBlock())
                    .add(linear(256, 128)).add(Activation.reluBlock())
                    .add(linear(128, 10));
            case "complex" -> {
                SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
                int in = 784;
                for (int out : new int[] {512, 256, 128}) {
                    net.add(linear(in, out)).add(BatchNorm.builder().build()).add(Activation.leakyReluBlock(0.2f));
                    in = out;
                }
                yield net.add(linear(128, 10));
            }
            case "cnn" -> {
                SequentialBlock net = new SequentialBlock();
                int in = 1;
                for (int out : new int[] {32, 64}) {
                    net.add(conv3x3(in, out)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                            .add(Pool.maxPool2dBlock(new Shape(2, 2)));
                    in = out;
                }
                yield net.add(Blocks.batchFlattenBlock())
                        .add(linear(64 * 7 * 7, 128)).add(Activation.reluBlock())
                        .add(Dropout.builder().optRate(0.3f).build())
                        .add(linear(128, 10));
            }
            default -> throw new IllegalArgumentException("unknown model '" + model + "': expected simple, complex or cnn");
        };
    }

    static Optimizer optimizer(String model) {
        return switch (model) {
            case "simple" -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build();
            case "complex", "cnn" -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f))
                    .optBeta1(0.9f).optBeta2(0.999f).optEpsilon(1e-8f)
                    .optWeightDecays(model.equals("complex") ? 1e-5f : 0f).build();
            default -> throw new IllegalArgumentException("unknown model '" + model + "': expected simple, complex or cnn");
        };
    }

    private static Block linear(int in, int out) {
        return torchInit(Linear.builder().setUnits(out).build(), in);
    }

    private static Block conv3x3(int in, int out) {
        return torchInit(Conv2d.builder().setFilters(out).setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1)).build(), in * 9);
    }

    private static Block torchInit(Block layer, int fanIn) {
        UniformInitializer bound = new UniformInitializer((float) (1 / Math.sqrt(fanIn)));
        layer.setInitializer(bound, Parameter.Type.WEIGHT);
        layer.setInitializer(bound, Parameter.Type.BIAS);
        return layer;
    }
}
