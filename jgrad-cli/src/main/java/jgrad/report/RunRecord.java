package jgrad.report;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import jgrad.data.Task;

/**
 * Everything the report shows about one training run. {@link RunRecorder} fills one in from a
 * training; any other source can build one directly.
 *
 * @param name             the run's name, e.g. {@code 1c}
 * @param settings         what was run, in display order, e.g. {@code optimizer → sgd}
 * @param stepLoss         every optimizer step's batch loss, in order; {@code Σ epochs.steps} of them
 * @param task             what the run learned: classes, a binary label or real values
 * @param confusion        test-set confusion counts {@code [K, K]}: row = true class, column = predicted
 *                         ({@code [2, 2]} for BINARY, {@code [0, 0]} for REGRESS)
 * @param classNames       the K class names, in class-index order (none for REGRESS)
 * @param worst            the most confidently misclassified test images, most confident first; null when the
 *                         test samples are not images or the targets are real values (there is nothing to draw)
 * @param scores           BINARY: each test sample's logit; REGRESS: each test sample's prediction of the first
 *                         target, in the targets' units; null for CLASSIFY
 * @param truth            BINARY: each test sample's label, 0 or 1; REGRESS: its true first target; null for CLASSIFY
 * @param seconds          wall-clock time of the whole run (training and evaluation)
 * @param samplesPerSecond training throughput: samples seen over training time
 */
public record RunRecord(String name, Map<String, String> settings, long seed, List<Double> stepLoss, List<EpochRecord> epochs, Task task,
                        long[][] confusion, List<String> classNames, List<Misclassified> worst, float[] scores, float[] truth,
                        double seconds, double samplesPerSecond) {
    static final String FINAL_LOSS = "final epoch loss", TEST_ACCURACY = "test accuracy",
            TRAIN_CE = "cross-entropy, training set", TEST_CE = "cross-entropy, test set";

    /** A classifier of images: {@link Task#CLASSIFY}, without scores. */
    public RunRecord(String name, Map<String, String> settings, long seed, List<Double> stepLoss, List<EpochRecord> epochs,
                     long[][] confusion, List<String> classNames, List<Misclassified> worst, double seconds, double samplesPerSecond) {
        this(name, settings, seed, stepLoss, epochs, Task.CLASSIFY, confusion, classNames, worst, null, null, seconds, samplesPerSecond);
    }

    public RunRecord {
        Objects.requireNonNull(name);
        Objects.requireNonNull(task);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        stepLoss = List.copyOf(stepLoss);
        epochs = List.copyOf(epochs);
        classNames = List.copyOf(classNames);
        if (epochs.isEmpty()) throw new IllegalArgumentException("run " + name + " has no epochs: a report needs at least one");
        int k = classNames.size();
        if (task == Task.BINARY && k != 2)
            throw new IllegalArgumentException("run " + name + ": a binary task has two classes, got " + classNames);
        if (task == Task.REGRESS && k != 0)
            throw new IllegalArgumentException("run " + name + ": real-valued targets have no classes, got " + classNames);
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
        if (worst != null) {
            if (task == Task.REGRESS && !worst.isEmpty())
                throw new IllegalArgumentException("run " + name + ": real-valued targets have no misclassified images");
            worst = task == Task.REGRESS ? null : List.copyOf(worst);
        }
        for (Misclassified m : worst == null ? List.<Misclassified>of() : worst)
            if (m.label() >= k || m.predicted() >= k || m.label() < 0 || m.predicted() < 0)
                throw new IllegalArgumentException("run " + name + ": image " + m.index() + " has classes " + m.label() + " → " + m.predicted() + ", not in 0.." + (k - 1));
        if (task == Task.CLASSIFY) {
            scores = null;
            truth = null;
        } else {
            if (scores == null || truth == null || scores.length != truth.length)
                throw new IllegalArgumentException("run " + name + ": a " + task.id() + " run needs each test sample's score and true value, got "
                        + (scores == null ? "no" : scores.length) + " scores and " + (truth == null ? "no" : truth.length) + " true values");
            scores = scores.clone();
            truth = truth.clone();
            if (task == Task.BINARY)
                for (int i = 0; i < truth.length; i++)
                    if (truth[i] != 0 && truth[i] != 1)
                        throw new IllegalArgumentException("run " + name + ": test sample " + i + " has label " + truth[i] + ", not 0 or 1");
        }
    }

    /** Test accuracy in percent from the confusion matrix (its trace over its sum); NaN for REGRESS. */
    public double testAccuracy() {
        long correct = 0, total = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
            for (long v : confusion[c]) total += v;
        }
        return total == 0 ? Double.NaN : 100.0 * correct / total;
    }

    /**
     * The headline numbers, as the comparison table prints them beside the notebook's (same keys as
     * {@link Report#notebookNumbers}): the final epoch's loss, then for CLASSIFY test accuracy and
     * cross-entropy on both sets; for BINARY test accuracy, binary cross-entropy and ROC AUC on both
     * sets; for REGRESS RMSE, MAE and R² on both sets.
     */
    public Map<String, String> summary() {
        Map<String, String> m = new LinkedHashMap<>();
        EpochRecord last = epochs.getLast();
        m.put(FINAL_LOSS, fixed(last.meanLoss()));
        switch (task) {
            case CLASSIFY -> {
                m.put(TEST_ACCURACY, percent(testAccuracy()));
                m.put(TRAIN_CE, fixed(last.train().loss()));
                m.put(TEST_CE, fixed(last.test().loss()));
            }
            case BINARY -> {
                m.put(TEST_ACCURACY, percent(testAccuracy()));
                m.put("binary cross-entropy, training set", fixed(last.train().loss()));
                m.put("binary cross-entropy, test set", fixed(last.test().loss()));
                m.put("ROC AUC, training set", fixed(last.train().auc()));
                m.put("ROC AUC, test set", fixed(last.test().auc()));
            }
            case REGRESS -> {
                for (String set : new String[]{"test", "training"}) {
                    EpochRecord.Scores s = set.equals("test") ? last.test() : last.train();
                    m.put("RMSE, " + set + " set", fixed(s.rmse()));
                    m.put("MAE, " + set + " set", fixed(s.mae()));
                    m.put("R², " + set + " set", fixed(s.r2()));
                }
            }
        }
        return m;
    }

    /** What the training loss is for this task, e.g. "cross-entropy". */
    String lossName() {
        return lossName(task);
    }

    static String lossName(Task t) {
        return switch (t) {
            case CLASSIFY -> "cross-entropy";
            case BINARY -> "binary cross-entropy";
            case REGRESS -> "MSE of standardised targets";
        };
    }

    /** The per-epoch value of {@code score} on the training or test set. */
    static ToDoubleFunction<EpochRecord> on(boolean train, ToDoubleFunction<EpochRecord.Scores> score) {
        return e -> score.applyAsDouble(train ? e.train() : e.test());
    }

    static String fixed(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String percent(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f%%", v);
    }
}
