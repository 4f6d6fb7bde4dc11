package jgrad.data;

import java.util.List;

/**
 * Samples with a shape and a target, as PyTorch's map-style {@code torch.utils.data.Dataset}: a
 * size, and sample {@code i} is an input of {@link #sampleShape()} ({@code [C, H, W]} for an image,
 * {@code [F]} for a table row) with a target (a class index, or {@link #targetWidth()} real values).
 * A {@link DataLoader} stacks samples into {@link Batch}es.
 *
 * <p>Two kinds hold the samples: {@link ImageDataset}, uint8 images as torchvision holds them
 * before {@code ToTensor} (a quarter of the memory of floats), and {@link TensorDataset}, float
 * samples, as {@code torch.utils.data.TensorDataset}.
 */
public sealed interface Dataset permits ImageDataset, TensorDataset {
    /** For messages, e.g. {@code fashion-mnist/train} or {@code iris.csv}. */
    String name();

    /** Number of samples. */
    int size();

    /** One sample's shape, without the batch dimension: {@code [C, H, W]} or {@code [F]}. */
    int[] sampleShape();

    /** The class names in class-index order; empty when the targets are real values. */
    List<String> classNames();

    /** What the target is (see {@link Task}). */
    Task task();

    /** Values per target: 1 for a class index or a binary label, T for T real-valued targets. */
    int targetWidth();

    /** The first {@code targetWidth()} values of the target of sample {@code i}, into {@code out[at..]}. */
    void target(int i, float[] out, int at);

    /** The samples at {@code indices} (in that order), as a dataset of the same kind sharing nothing with this one. */
    Dataset subset(int[] indices, String name);
}
