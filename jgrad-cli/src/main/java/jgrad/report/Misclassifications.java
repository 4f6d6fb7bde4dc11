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
import jgrad.data.Task;
import jgrad.data.Transform;
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
     * The {@code k} most confidently misclassified images of {@code data}, inputs transformed as the
     * notebook's ({@link Run#TRANSFORM}). Runs in eval mode without recording gradients, and leaves the
     * model in the mode it was in.
     */
    public static List<Misclassified> mostConfident(Module model, ImageDataset data, int k) {
        return mostConfident(model, data, Run.TRANSFORM, Task.CLASSIFY, k);
    }

    /**
     * The {@code k} test images a run's model gets most confidently wrong, with the run's transform;
     * none when its test samples are not images or its targets are real values.
     */
    public static List<Misclassified> mostConfident(Run.Result r, int k) {
        if (!(r.data().test() instanceof ImageDataset images) || r.data().task() == Task.REGRESS) return List.of();
        return mostConfident(r.model(), images, r.data().transform(), r.data().task(), k);
    }

    /** For a binary classifier the probability of its answer is σ(z) or 1 − σ(z), else the softmax's largest. */
    private static List<Misclassified> mostConfident(Module model, ImageDataset data, Transform transform, Task task, int k) {
        if (k < 0) throw new IllegalArgumentException("k must be non-negative, got " + k);
        record Wrong(int index, int predicted, double probability) {}
        List<Wrong> wrong = new ArrayList<>();
        boolean wasTraining = model.isTraining();
        model.eval();
        int base = 0;
        try (var g = GradMode.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(Run.EVAL_BATCH).transform(transform).build()) {
                Tensor logits = model.forward(b.inputs());
                float[] labels = b.labels().data();
                int n = b.size();
                if (task == Task.BINARY) {
                    float[] p = logits.sigmoid().data();
                    for (int i = 0; i < n; i++) {
                        int pred = p[i] > 0.5f ? 1 : 0;
                        if (pred != labels[i]) wrong.add(new Wrong(base + i, pred, pred == 1 ? p[i] : 1 - p[i]));
                    }
                } else {
                    // the prediction as Evaluation makes it (arg-max of the logits), so it agrees with the confusion matrix
                    float[] probs = logits.softmax(1).data(), pred = logits.argmax(1).data();
                    int classes = logits.size(1);
                    for (int i = 0; i < n; i++)
                        if (pred[i] != labels[i]) wrong.add(new Wrong(base + i, (int) pred[i], probs[i * classes + (int) pred[i]]));
                }
                base += n;
            }
        } finally {
            if (wasTraining) model.train();
        }
        var pixels = data.pixels();
        int size = data.channels() * data.rows() * data.cols();
        return wrong.stream()
                .sorted(Comparator.comparingDouble(Wrong::probability).reversed().thenComparingInt(Wrong::index))
                .limit(k)
                .map(w -> {
                    byte[] img = new byte[size];
                    pixels.get(w.index() * size, img);
                    return new Misclassified(w.index(), data.label(w.index()), w.predicted(), w.probability(), data.channels(), data.rows(),
                            data.cols(), img);
                })
                .toList();
    }
}
