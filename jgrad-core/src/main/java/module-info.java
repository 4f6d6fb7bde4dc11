/**
 * jgrad's engine: float32 tensors with a dynamic autograd tape, PyTorch-style modules, losses,
 * optimizers, data loading, training and evaluation, in pure Java. The kernels use the JDK's
 * Vector API ({@code jdk.incubator.vector}); run with {@code --add-modules jdk.incubator.vector}.
 */
module dev.jgrad {
    requires jdk.incubator.vector;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires java.desktop; // javax.imageio, for ImageFiles

    exports jgrad.tensor;
    exports jgrad.io;
    exports jgrad.autograd;
    exports jgrad.nn;
    exports jgrad.loss;
    exports jgrad.optim;
    exports jgrad.data;
    exports jgrad.train;
    exports jgrad.models;
    exports jgrad.app;
    exports jgrad.exercises;
    exports jgrad.export;
}
