package jgrad.report;

import java.util.Objects;

/**
 * A test image the model got wrong: {@code predicted = argmax softmax(logits) ≠ label}, with
 * {@code probability = softmax(logits)[predicted]}, the confidence of the wrong answer (for a binary
 * model with one logit z: {@code predicted = [σ(z) > 0.5]}, {@code probability} σ(z) or 1 − σ(z)).
 *
 * @param index    the image's index in its dataset
 * @param channels 1 (grey) or 3 (RGB)
 * @param pixels   the image, row-major {@code [channels, rows, cols]} uint8 (read with {@code & 0xFF})
 */
public record Misclassified(int index, int label, int predicted, double probability, int channels, int rows, int cols, byte[] pixels) {
    /** A grey image. */
    public Misclassified(int index, int label, int predicted, double probability, int rows, int cols, byte[] pixels) {
        this(index, label, predicted, probability, 1, rows, cols, pixels);
    }

    public Misclassified {
        Objects.requireNonNull(pixels);
        if ((channels != 1 && channels != 3) || rows < 1 || cols < 1 || (long) channels * rows * cols != pixels.length)
            throw new IllegalArgumentException("image " + index + ": " + pixels.length + " pixels do not make a " + rows + "×" + cols + " image"
                    + (channels != 1 ? " of " + channels + " channels" : ""));
        if (label == predicted) throw new IllegalArgumentException("image " + index + " is not misclassified: label and prediction are both " + label);
        if (!(probability >= 0 && probability <= 1)) throw new IllegalArgumentException("image " + index + ": probability " + probability + " is not in [0, 1]");
    }
}
