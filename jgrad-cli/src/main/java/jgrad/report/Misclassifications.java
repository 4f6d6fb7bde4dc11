package jgrad.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jgrad.app.Run;
import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.ImageDataset;
import jgrad.nn.Module;

/**
 * The test images a model gets most confidently wrong: for every image,
 * {@code p = softmax(model(x))} over the classes, {@code predicted = argmax p}; the images with
 * {@code predicted ≠ label}, ordered by {@code p[predicted]} (highest first, ties by index).
 *
 * <pre>{@code
 * List<Misclassified> worst = Misclassifications.mostConfident(model, test, 16);
 * }</pre>
 */
public final class Misclassifications {
    private Misclassifications() {}

    /**
     * The {@code k} most confidently misclassified images of {@code data}, inputs transformed as in
     * training ({@link Run#TRANSFORM}). Runs in eval mode without recording gradients, and leaves the
     * model in the mode it was in.
     */
    public static List<Misclassified> mostConfident(Module model, ImageDataset data, int k) {
        if (k < 0) throw new IllegalArgumentException("k must be non-negative, got " + k);
        record Wrong(int index, int predicted, double probability) {}
        List<Wrong> wrong = new ArrayList<>();
        boolean wasTraining = model.isTraining();
        model.eval();
        int base = 0;
        try (var g = GradMode.noGrad()) {
            for (Batch b : loader(data, Run.EVAL_BATCH)) {
                Tensor logits = model.forward(b.inputs());
                // the prediction as Evaluation makes it (arg-max of the logits), so it agrees with the confusion matrix
                float[] probs = logits.softmax(1).data(), pred = logits.argmax(1).data(), labels = b.labels().data();
                int n = b.size(), classes = logits.size(1);
                for (int i = 0; i < n; i++)
                    if (pred[i] != labels[i]) wrong.add(new Wrong(base + i, (int) pred[i], probs[i * classes + (int) pred[i]]));
                base += n;
            }
        } finally {
            if (wasTraining) model.train();
        }
        var pixels = data.pixels();
        int size = data.rows() * data.cols();
        return wrong.stream()
                .sorted(Comparator.comparingDouble(Wrong::probability).reversed().thenComparingInt(Wrong::index))
                .limit(k)
                .map(w -> {
                    byte[] img = new byte[size];
                    pixels.get(w.index() * size, img);
                    return new Misclassified(w.index(), data.label(w.index()), w.predicted(), w.probability(), data.rows(), data.cols(), img);
                })
                .toList();
    }

    /** The one place the report builds a {@link DataLoader}: batches of {@code data} transformed as in training. */
    static DataLoader loader(ImageDataset data, int batchSize) {
        return DataLoader.builder(data).batchSize(batchSize).transform(Run.TRANSFORM).build();
    }
}
