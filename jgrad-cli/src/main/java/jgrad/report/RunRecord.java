package jgrad.report;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the report shows about one training run. {@link RunRecorder} fills one in from a
 * training; any other source can build one directly.
 *
 * @param name             the run's name, e.g. {@code 1c}
 * @param settings         what was run, in display order, e.g. {@code optimizer → sgd}
 * @param stepLoss         every optimizer step's batch loss, in order; {@code Σ epochs.steps} of them
 * @param confusion        test-set confusion counts {@code [K, K]}: row = true class, column = predicted
 * @param classNames       the K class names, in class-index order
 * @param worst            the most confidently misclassified test images, most confident first
 * @param seconds          wall-clock time of the whole run (training and evaluation)
 * @param samplesPerSecond training throughput: samples seen over training time
 */
public record RunRecord(String name, Map<String, String> settings, long seed, List<Double> stepLoss, List<EpochRecord> epochs,
                        long[][] confusion, List<String> classNames, List<Misclassified> worst, double seconds, double samplesPerSecond) {
    static final String FINAL_LOSS = "final epoch loss", TEST_ACCURACY = "test accuracy",
            TRAIN_CE = "cross-entropy, training set", TEST_CE = "cross-entropy, test set";

    public RunRecord {
        Objects.requireNonNull(name);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        stepLoss = List.copyOf(stepLoss);
        epochs = List.copyOf(epochs);
        classNames = List.copyOf(classNames);
        worst = List.copyOf(worst);
        if (epochs.isEmpty()) throw new IllegalArgumentException("run " + name + " has no epochs: a report needs at least one");
        int k = classNames.size();
        if (confusion.length != k || Arrays.stream(confusion).anyMatch(row -> row.length != k))
            throw new IllegalArgumentException("run " + name + ": the confusion matrix is " + confusion.length + "×"
                    + (confusion.length == 0 ? 0 : confusion[0].length) + " but there are " + k + " class names: expected " + k + "×" + k);
        confusion = Arrays.stream(confusion).map(long[]::clone).toArray(long[][]::new);
        long steps = epochs.stream().mapToLong(EpochRecord::steps).sum();
        if (steps != stepLoss.size())
            throw new IllegalArgumentException("run " + name + ": the epochs have " + steps + " steps but there are " + stepLoss.size() + " step losses");
        for (int e = 0; e < epochs.size(); e++)
            if (epochs.get(e).epoch() != e + 1)
                throw new IllegalArgumentException("run " + name + ": epoch " + epochs.get(e).epoch() + " is at position " + (e + 1));
        for (Misclassified m : worst)
            if (m.label() >= k || m.predicted() >= k || m.label() < 0 || m.predicted() < 0)
                throw new IllegalArgumentException("run " + name + ": image " + m.index() + " has classes " + m.label() + " → " + m.predicted() + ", not in 0.." + (k - 1));
    }

    /** Test accuracy in percent from the confusion matrix (its trace over its sum). */
    public double testAccuracy() {
        long correct = 0, total = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
            for (long v : confusion[c]) total += v;
        }
        return total == 0 ? Double.NaN : 100.0 * correct / total;
    }

    /** The headline numbers, as the comparison table prints them beside the notebook's (same keys as {@link Report#notebookNumbers}). */
    public Map<String, String> summary() {
        Map<String, String> m = new LinkedHashMap<>();
        EpochRecord last = epochs.getLast();
        m.put(FINAL_LOSS, fixed(last.meanLoss()));
        m.put(TEST_ACCURACY, percent(testAccuracy()));
        m.put(TRAIN_CE, fixed(last.trainCrossEntropy()));
        m.put(TEST_CE, fixed(last.testCrossEntropy()));
        return m;
    }

    static String fixed(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String percent(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f%%", v);
    }
}
