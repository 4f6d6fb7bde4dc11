package bench.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * DJL with its PyTorch engine (libtorch) on the work {@code jgrad bench} times: one of the
 * networks of {@link Nets} trained on real Fashion-MNIST with softmax cross-entropy on the
 * logits (mean over the batch, {@code nn.CrossEntropyLoss}), batches of 64 taken by index from a
 * fresh random permutation each epoch, the last batch partial.
 *
 * <p>Prints one line per epoch (its training-loop seconds and mean batch loss), then
 * {@code RESULT lib=djl model=M epochs=N median_epoch_s=X test_acc=Y}: the median over the
 * epochs after the first (the first carries warm-up), and the accuracy on the 10,000 test
 * images in inference mode (BatchNorm on running statistics, Dropout off).
 *
 * <p>Usage: {@code Main simple|complex|cnn [epochs]}, reading Debian's dataset-fashion-mnist;
 * run.sh sets DJL's offline mode and libtorch's thread counts. Example: {@code bench/djl/run.sh cnn 3}.
 */
public final class Main {
    private static final int BATCH = 64;

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Main simple|complex|cnn [epochs]");
            System.exit(2);
        }
        String name = args[0];
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        Engine.getInstance().setRandomSeed(0);

        try (Model model = Model.newInstance(name)) {
            model.setBlock(Nets.block(name));
            DefaultTrainingConfig config = new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss())
                    .optOptimizer(Nets.optimizer(name));
            try (Trainer trainer = model.newTrainer(config); NDManager data = model.getNDManager().newSubManager()) {
                trainer.initialize(new Shape(BATCH, 1, 28, 28));
                NDArray xTrain = images(data, dir.resolve("train-images-idx3-ubyte.gz"));
                NDArray yTrain = data.create(FashionMnist.labels(dir.resolve("train-labels-idx1-ubyte.gz")));
                NDArray xTest = images(data, dir.resolve("t10k-images-idx3-ubyte.gz"));
                NDArray yTest = data.create(FashionMnist.labels(dir.resolve("t10k-labels-idx1-ubyte.gz")));
                checkCount(xTrain, yTrain, "train");
                checkCount(xTest, yTest, "t10k");

                double[] seconds = new double[epochs];
                for (int epoch = 0; epoch < epochs; epoch++) {
                    long t0 = System.nanoTime();
                    double loss = trainEpoch(trainer, data, xTrain, yTrain);
                    seconds[epoch] = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("  %s epoch %d: %.3f s, loss %.4f%n", name, epoch + 1, seconds[epoch], loss);
                }
                double accuracy = accuracy(trainer, data, xTest, yTest);
                double[] rest = epochs > 1 ? Arrays.copyOfRange(seconds, 1, epochs) : seconds;
                System.out.printf("RESULT lib=djl model=%s epochs=%d median_epoch_s=%.3f test_acc=%.2f%n",
                        name, epochs, median(rest), 100 * accuracy);
            }
        }
    }

    /** One pass over the training set; returns the mean of the batch losses. */
    private static double trainEpoch(Trainer trainer, NDManager data, NDArray x, NDArray y) {
        long n = y.size();
        double total = 0;
        int steps = 0;
        try (NDManager epoch = data.newSubManager()) {
            NDArray perm = epoch.randomPermutation(n);
            for (long start = 0; start < n; start += BATCH) {
                // Every array of a step (batch, activations, loss) lives in this manager, so closing
                // it frees libtorch's memory at once instead of waiting for the garbage collector.
                try (NDManager step = epoch.newSubManager()) {
                    NDArray idx = perm.get(new NDIndex("{}:{}", start, Math.min(start + BATCH, n)));
                    idx.attach(step);
                    NDArray xb = x.get(new NDIndex("{}", idx));
                    NDArray yb = y.get(new NDIndex("{}", idx));
                    xb.attach(step);
                    yb.attach(step);
                    try (GradientCollector tape = trainer.newGradientCollector()) {
                        NDArray loss = trainer.getLoss().evaluate(new NDList(yb), trainer.forward(new NDList(xb)));
                        tape.backward(loss);
                        total += loss.getFloat();
                    }
                    trainer.step();
                    steps++;
                }
            }
        }
        return total / steps;
    }

    /** Fraction of correct argmax predictions, in batches of 1000, with the network in inference mode. */
    private static double accuracy(Trainer trainer, NDManager data, NDArray x, NDArray y) {
        long n = y.size();
        long correct = 0;
        for (long start = 0; start < n; start += 1000) {
            try (NDManager step = data.newSubManager()) {
                NDIndex rows = new NDIndex("{}:{}", start, Math.min(start + 1000, n));
                NDArray xb = x.get(rows);
                NDArray yb = y.get(rows);
                xb.attach(step);
                yb.attach(step);
                NDArray predicted = trainer.evaluate(new NDList(xb)).singletonOrThrow().argMax(1);
                correct += predicted.eq(yb).sum().getLong();
            }
        }
        return (double) correct / n;
    }

    private static NDArray images(NDManager manager, Path file) throws Exception {
        float[] pixels = FashionMnist.images(file);
        return manager.create(pixels, new Shape(pixels.length / 784, 1, 28, 28));
    }

    private static void checkCount(NDArray images, NDArray labels, String split) {
        if (images.getShape().get(0) != labels.size()) {
            throw new IllegalStateException(split + ": " + images.getShape() + " images but " + labels.getShape()
                    + " labels");
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
