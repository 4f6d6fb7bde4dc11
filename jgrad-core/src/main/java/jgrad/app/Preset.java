package jgrad.app;

import jgrad.models.ComplexNet;
import jgrad.models.Net;
import jgrad.nn.Module;
import jgrad.optim.Optimizers;

/**
 * The notebook's two training set-ups: {@code simple} is exercise 1c ({@link Net}, SGD lr 0.01),
 * {@code complex} is 1d ({@link ComplexNet}, Adam lr 1e-3, weight decay 1e-5); both batch 64, 10
 * epochs, inputs normalised with mean 0.5 and std 0.5. The notebook's reported numbers are kept here
 * so runs can be printed beside them.
 */
public enum Preset {
    SIMPLE("1c", "784-256-128-10 ReLU", "sgd", 0.01f, 0f, 84.47, new double[]{0.961732804616377, 0.5474599316430244, 0.4815413070512987,
            0.44872575202412696, 0.4265495993689433, 0.4093995988051266, 0.39465504908549, 0.38299932659689045,
            0.3717110209754789, 0.36276883485792544}, 0.37405235665058023, 0.4217475307215551),
    COMPLEX("1d", "784-512-256-128-10 BatchNorm1d LeakyReLU(0.2)", "adam", 1e-3f, 1e-5f, 88.66, new double[]{0.45866134827896987, 0.3540881048721164, 0.32221466568169566,
            0.2985416015884134, 0.28089767953416683, 0.2671330156070845, 0.25372612392946853, 0.24080968309027045,
            0.23350627290239848, 0.22304274401526208}, 0.19269801209222026, 0.320014977293789);

    /** The notebook's exercise, its network in a few words, and the optimizer's name ({@link Optimizers}). */
    public final String exercise, network, optimizer;
    public final float lr, weightDecay;
    public final int epochs = 10, batchSize = 64;
    /** The notebook's printed results. */
    public final double notebookAccuracy, notebookTrainCE, notebookTestCE;
    private final double[] notebookEpochLoss;

    Preset(String exercise, String network, String optimizer, float lr, float weightDecay, double acc, double[] epochLoss,
           double trainCE, double testCE) {
        this.exercise = exercise;
        this.network = network;
        this.optimizer = optimizer;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.notebookAccuracy = acc;
        this.notebookEpochLoss = epochLoss;
        this.notebookTrainCE = trainCE;
        this.notebookTestCE = testCE;
    }

    /** The notebook's loss for epoch {@code e} (from 1). */
    public double notebookEpochLoss(int e) {
        return notebookEpochLoss[e - 1];
    }

    /** A freshly initialised network of this preset (from the global generator). */
    public Module model() {
        return this == SIMPLE ? new Net() : new ComplexNet();
    }

    /** "simple" or "complex", as the CLI spells it. */
    public String id() {
        return name().toLowerCase();
    }

    /** The preset spelled {@code id}, or null if there is none. */
    public static Preset byId(String id) {
        for (Preset p : values()) if (p.id().equals(id)) return p;
        return null;
    }
}
