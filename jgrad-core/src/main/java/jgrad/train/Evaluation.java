package jgrad.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.autograd.Workspace;
import jgrad.data.Batch;
import jgrad.data.Task;
import jgrad.loss.Reduction;
import jgrad.nn.Module;
import jgrad.tensor.Shapes;

/**
 * A model's scores on N samples, for its {@link Task}:
 * <pre>
 *   CLASSIFY  accuracy = 100·#(argmax logits = label)/N,  meanLoss = Σᵢ CE(logitsᵢ, labelᵢ)/N,  confusion matrix
 *   BINARY    accuracy = 100·#((logit &gt; 0) = label)/N,  meanLoss = Σᵢ BCE(logitᵢ, labelᵢ)/N,  2×2 confusion,
 *             ROC AUC (the probability that a positive scores above a negative, ties counting half)
 *   REGRESS   meanLoss = MSE = Σ (ŷ − y)²/(N·T),  RMSE = √MSE,  MAE = Σ |ŷ − y|/(N·T),
 *             R² = 1 − Σ(ŷ − y)²/Σ(y − ȳ)² per target, averaged over targets (sklearn's r2_score)
 * </pre>
 * Sums are over samples in double, so no score depends on the batch size (not the mean of batch
 * means). Regression scores are in the targets' own units: a model trained on standardised
 * targets gives {@code targetMean} and {@code targetStd}, and its outputs and the targets are
 * mapped back ({@code y = z·std + mean}) before scoring. For BINARY and REGRESS the scores and the
 * true values are kept ({@link #scores}, {@link #truth}; for regression of the first target) for
 * ROC curves and predicted-against-true charts.
 *
 * <p>{@link #evaluate} switches the model to {@code eval()} (restoring its mode after), which the
 * notebook forgot: for 1d that means BatchNorm uses its running statistics instead of each test
 * batch's own, and evaluation no longer changes those statistics. {@code evalMode=false} reproduces
 * the notebook's way for comparison (batch statistics), but restores the model's buffers after, so
 * evaluating never changes the model.
 */
public record Evaluation(Task task, long samples, long correct, double meanLoss, long[][] confusion, List<String> classNames,
                         double auc, double mae, double r2, float[] scores, float[] truth) {

    /** A classifier's scores. */
    public Evaluation(long samples, long correct, double meanLoss, long[][] confusion, List<String> classNames) {
        this(Task.CLASSIFY, samples, correct, meanLoss, confusion, classNames, Double.NaN, Double.NaN, Double.NaN, null, null);
    }

    /** Runs a classifier over {@code data} without recording gradients. */
    public static Evaluation evaluate(Module model, Iterable<Batch> data, List<String> classNames, boolean evalMode) {
        return evaluate(model, data, Task.CLASSIFY, classNames, null, null, evalMode);
    }

    /**
     * Runs the model over {@code data} without recording gradients and scores it for {@code task}.
     *
     * @param classNames the classes (CLASSIFY, BINARY); empty for REGRESS
     * @param targetMean per target, what standardised regression targets are shifted by (null: they are not)
     * @param targetStd  per target, what they are scaled by
     */
    public static Evaluation evaluate(Module model, Iterable<Batch> data, Task task, List<String> classNames, float[] targetMean,
                                      float[] targetStd, boolean evalMode) {
        int k = classNames.size();
        long[][] confusion = new long[k][k];
        long n = 0, correct = 0;
        double lossSum = 0, absSum = 0;
        var loss = TaskLoss.of(task, Reduction.NONE);
        // regression: per target, Σy, Σy², Σ(ŷ − y)² for R²
        double[] sy = null, syy = null, sres = null;
        FloatList scores = task == Task.CLASSIFY ? null : new FloatList(), truth = task == Task.CLASSIFY ? null : new FloatList();
        boolean wasTraining = model.isTraining();
        // in train mode batch norm would fold the evaluated data into its running statistics: keep them
        Map<String, float[]> buffers = new LinkedHashMap<>();
        if (!evalMode) model.namedBuffers().forEach((name, t) -> buffers.put(name, t.data().clone()));
        if (evalMode) model.eval();
        else model.train();
        Workspace workspace = model.holdsNoActivations() ? new Workspace() : null;
        try (var g = GradMode.noGrad()) {
            for (Batch b : data) {
                // the batch's tensors die with it: their arrays serve the next batch
                try (var step = workspace == null ? null : workspace.enter()) {
                    Tensor out = model.forward(b.inputs());
                    int expected = task == Task.CLASSIFY ? k : task == Task.BINARY ? 1 : b.labels().numel() / Math.max(1, b.size());
                    if (out.dim() != 2 || out.size(1) != expected)
                        throw new IllegalArgumentException("the model outputs shape " + Shapes.str(out.shape()) + " but "
                                + (task == Task.CLASSIFY ? "there are " + k + " class names" : task == Task.BINARY ? "a binary target needs one output"
                                : "the targets are " + Shapes.str(b.labels().shape())) + ": expected [N, " + expected + "]");
                    float[] y = b.labels().data();
                    switch (task) {
                        case CLASSIFY -> {
                            // each sample's loss summed in double: the mean does not depend on how the data is batched
                            for (float v : loss.forward(out, b.labels()).data()) lossSum += v;
                            float[] pred = out.argmax(1).data();
                            for (int i = 0; i < y.length; i++) {
                                confusion[(int) y[i]][(int) pred[i]]++;
                                if (pred[i] == y[i]) correct++;
                            }
                        }
                        case BINARY -> {
                            for (float v : loss.forward(out, b.labels()).data()) lossSum += v;
                            float[] logit = out.data();
                            for (int i = 0; i < y.length; i++) {
                                int pred = logit[i] > 0 ? 1 : 0;
                                confusion[(int) y[i]][pred]++;
                                if (pred == y[i]) correct++;
                                scores.add(logit[i]);
                                truth.add(y[i]);
                            }
                        }
                        case REGRESS -> {
                            int t = expected;
                            if (sy == null) {
                                sy = new double[t];
                                syy = new double[t];
                                sres = new double[t];
                            }
                            float[] z = out.data();
                            for (int i = 0; i < b.size(); i++)
                                for (int j = 0; j < t; j++) {
                                    double m = targetMean == null ? 0 : targetMean[j], s = targetStd == null ? 1 : targetStd[j];
                                    double p = z[i * t + j] * s + m, v = y[i * t + j] * s + m, d = p - v;
                                    lossSum += d * d;
                                    absSum += Math.abs(d);
                                    sy[j] += v;
                                    syy[j] += v * v;
                                    sres[j] += d * d;
                                    if (j == 0) {
                                        scores.add((float) p);
                                        truth.add((float) v);
                                    }
                                }
                        }
                    }
                }
                n += b.size();
            }
        } finally {
            var current = model.namedBuffers();
            buffers.forEach((name, saved) -> System.arraycopy(saved, 0, current.get(name).data(), 0, saved.length));
            if (wasTraining) model.train();
            else model.eval();
        }
        if (task != Task.REGRESS)
            return new Evaluation(task, n, correct, n == 0 ? Double.NaN : lossSum / n, confusion, List.copyOf(classNames),
                    task == Task.BINARY ? auc(scores.toArray(), truth.toArray()) : Double.NaN, Double.NaN, Double.NaN,
                    scores == null ? null : scores.toArray(), truth == null ? null : truth.toArray());
        int t = sy == null ? 1 : sy.length;
        double r2 = 0;
        for (int j = 0; sy != null && j < t; j++) {
            double total = syy[j] - sy[j] * sy[j] / n;
            r2 += (total > 0 ? 1 - sres[j] / total : Double.NaN) / t;
        }
        long values = n * t;
        return new Evaluation(task, n, 0, values == 0 ? Double.NaN : lossSum / values, new long[0][0], List.of(), Double.NaN,
                values == 0 ? Double.NaN : absSum / values, n == 0 ? Double.NaN : r2, scores.toArray(), truth.toArray());
    }

    /**
     * The area under the ROC curve of scores {@code score} for 0/1 labels {@code label}: Mann–Whitney's
     * U over the positives' ranks, ties sharing their mean rank (sklearn's {@code roc_auc_score});
     * NaN without both a positive and a negative.
     */
    public static double auc(float[] score, float[] label) {
        int n = score.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(score[a], score[b]));
        double rankSum = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && score[order[j]] == score[order[i]]) j++;
            double rank = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
            for (int q = i; q < j; q++)
                if (label[order[q]] == 1) {
                    rankSum += rank;
                    positives++;
                }
            i = j;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return Double.NaN;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Percentage of samples classified correctly (NaN for regression). */
    public double accuracy() {
        return samples == 0 || task == Task.REGRESS ? Double.NaN : 100.0 * correct / samples;
    }

    /** The root of the mean squared error, in the targets' units (regression). */
    public double rmse() {
        return task == Task.REGRESS ? Math.sqrt(meanLoss) : Double.NaN;
    }

    /** Accuracy within each true class, in percent. */
    public double[] perClassAccuracy() {
        double[] out = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long total = 0;
            for (long v : confusion[c]) total += v;
            out[c] = total == 0 ? Double.NaN : 100.0 * confusion[c][c] / total;
        }
        return out;
    }

    /** The confusion matrix and per-class accuracy as a text table with the class names. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        int w = 4;
        for (String c : classNames) w = Math.max(w, c.length());
        sb.append(String.format("%-" + w + "s  %8s   predicted →%n", "class", "accuracy"));
        double[] acc = perClassAccuracy();
        for (int c = 0; c < confusion.length; c++) {
            sb.append(String.format("%-" + w + "s  %7.2f%%  ", classNames.get(c), acc[c]));
            for (long v : confusion[c]) sb.append(String.format(" %5d", v));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A growable float array, so that scores are not boxed. */
    private static final class FloatList {
        private float[] a = new float[256];
        private int n;

        void add(float v) {
            if (n == a.length) a = Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
