package jgrad.app;

import java.util.List;

import jgrad.models.ComplexNet;
import jgrad.models.Net;
import jgrad.models.Spec;
import jgrad.nn.Module;
import jgrad.optim.Optimizers;
import jgrad.tensor.Rng;
import jgrad.tensor.Shapes;
import jgrad.data.FashionMNIST;

/**
 * The named training set-ups. {@code simple} is the notebook's exercise 1c ({@link Net}, SGD lr
 * 0.01), {@code complex} its 1d ({@link ComplexNet}, Adam lr 1e-3, weight decay 1e-5), {@code cnn}
 * goes beyond the notebook: a small convolutional network, Adam lr 1e-3; and {@code mlp} is
 * {@code simple}'s layers with Adam lr 1e-3 for 200 epochs, the defaults of sklearn's
 * {@code MLPClassifier} (Adam, lr 1e-3, {@code max_iter=200}) that converge on standardised
 * tables without tuning. All train with batch 64. Each is a named {@link Spec} whose last
 * {@code linear} has as many outputs as the data has classes or targets; the notebook's two are
 * built as the notebook's own classes, which the spec reproduces weight for weight. The notebook's
 * reported numbers are kept so runs can be printed beside them.
 */
public enum Preset {
    SIMPLE("1c", "flatten, fc1=linear 256, relu, fc2=linear 128, relu, fc3=linear", "sgd", 0.01f, 0f, 84.47, new double[]{0.961732804616377, 0.5474599316430244, 0.4815413070512987,
            0.44872575202412696, 0.4265495993689433, 0.4093995988051266, 0.39465504908549, 0.38299932659689045,
            0.3717110209754789, 0.36276883485792544}, 0.37405235665058023, 0.4217475307215551),
    COMPLEX("1d", "flatten, fc1=linear 512, batch_norm1=bn, leakyrelu 0.2, fc2=linear 256, batch_norm2=bn, leakyrelu 0.2, "
            + "fc3=linear 128, batch_norm3=bn, leakyrelu 0.2, fc4=linear", "adam", 1e-3f, 1e-5f, 88.66, new double[]{0.45866134827896987, 0.3540881048721164, 0.32221466568169566,
            0.2985416015884134, 0.28089767953416683, 0.2671330156070845, 0.25372612392946853, 0.24080968309027045,
            0.23350627290239848, 0.22304274401526208}, 0.19269801209222026, 0.320014977293789),
    /**
     * Two conv-BN-ReLU blocks with 2×2 max pooling (28 → 14 → 7), then a 128-wide hidden layer with
     * dropout: the standard small CNN for 28×28 images, about 420k parameters, most of them in the
     * first linear layer.
     */
    CNN(null, "conv 32 3 same, bn, relu, maxpool 2, conv 64 3 same, bn, relu, maxpool 2, flatten, linear 128, relu, dropout 0.3, "
            + "linear", "adam", 1e-3f, 0f, Double.NaN, null, Double.NaN, Double.NaN),
    /** {@code simple}'s layers with sklearn's MLP defaults: the default network for tables. */
    MLP(null, "flatten, fc1=linear 256, relu, fc2=linear 128, relu, fc3=linear", "adam", 1e-3f, 0f, 200, Double.NaN, null, Double.NaN,
            Double.NaN);

    /** The presets {@code jgrad seed} and {@code jgrad bench} run on Fashion-MNIST: the notebook's two and the cnn ({@code mlp} is for tables). */
    public static final List<Preset> FASHION_MNIST = List.of(SIMPLE, COMPLEX, CNN);

    /**
     * The notebook's exercise (null beyond the notebook), the network as a {@link Spec}, and the
     * optimizer's name ({@link Optimizers}).
     */
    public final String exercise, spec, optimizer;
    public final float lr, weightDecay;
    public final int epochs, batchSize = 64;
    /** The notebook's printed results. */
    public final double notebookAccuracy, notebookTrainCE, notebookTestCE;
    private final double[] notebookEpochLoss;

    Preset(String exercise, String spec, String optimizer, float lr, float weightDecay, double acc, double[] epochLoss,
           double trainCE, double testCE) {
        this(exercise, spec, optimizer, lr, weightDecay, 10, acc, epochLoss, trainCE, testCE);
    }

    Preset(String exercise, String spec, String optimizer, float lr, float weightDecay, int epochs, double acc, double[] epochLoss,
           double trainCE, double testCE) {
        this.epochs = epochs;
        this.exercise = exercise;
        this.spec = spec;
        this.optimizer = optimizer;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.notebookAccuracy = acc;
        this.notebookEpochLoss = epochLoss;
        this.notebookTrainCE = trainCE;
        this.notebookTestCE = testCE;
    }

    /** True for the notebook's own exercises, whose published numbers runs can be compared with. */
    public boolean fromNotebook() {
        return exercise != null;
    }

    /** The notebook's loss for epoch {@code e} (from 1), or NaN beyond its 10 epochs or the notebook. */
    public double notebookEpochLoss(int e) {
        return notebookEpochLoss != null && e >= 1 && e <= notebookEpochLoss.length ? notebookEpochLoss[e - 1] : Double.NaN;
    }

    /** "1c", "1d", or the id for a preset beyond the notebook: how tables label its runs. */
    public String label() {
        return fromNotebook() ? exercise : id();
    }

    /** A freshly initialised network of this preset for Fashion-MNIST (from the global generator). */
    public Module model() {
        return model(FashionMNIST.SHAPE, FashionMNIST.SPEC.classNames().size());
    }

    /**
     * A freshly initialised network of this preset for samples of {@code inputShape} (without the
     * batch) and {@code outputs} outputs, its weights drawn from the global generator.
     */
    public Module model(int[] inputShape, int outputs) {
        Spec s = spec(inputShape, outputs); // checks that the network fits the data
        return switch (this) {
            case SIMPLE -> new Net(Shapes.numel(inputShape), outputs);
            case COMPLEX -> new ComplexNet(Shapes.numel(inputShape), outputs);
            case CNN, MLP -> s.build(Rng.global());
        };
    }

    /** This preset's network as a {@link Spec} for samples of {@code inputShape} and {@code outputs} outputs. */
    public Spec spec(int[] inputShape, int outputs) {
        return Spec.parse(spec, inputShape, outputs);
    }

    /** "simple", "complex", "cnn" or "mlp", as the CLI spells it. */
    public String id() {
        return name().toLowerCase();
    }

    /** The preset spelled {@code id}, or null if there is none. */
    public static Preset byId(String id) {
        for (Preset p : values()) if (p.id().equals(id)) return p;
        return null;
    }
}
