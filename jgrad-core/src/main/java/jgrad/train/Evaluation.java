package jgrad.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.loss.Losses;
import jgrad.loss.Reduction;
import jgrad.nn.Module;

/**
 * A classifier's scores on N samples: {@code accuracy = 100·#(argmax logits = label)/N},
 * {@code meanLoss = Σᵢ CE(logitsᵢ, labelᵢ)/N} (over samples, summed in double, so it does not depend on
 * the batch size; not the mean of batch means), and the
 * confusion matrix (rows true class, columns predicted).
 *
 * <p>{@link #evaluate} switches the model to {@code eval()} (restoring its mode after), which the
 * notebook forgot: for 1d that means BatchNorm uses its running statistics instead of each test
 * batch's own, and evaluation no longer changes those statistics. {@code evalMode=false} reproduces
 * the notebook's way for comparison (batch statistics), but restores the model's buffers after, so
 * evaluating never changes the model.
 */
public record Evaluation(long samples, long correct, double meanLoss, long[][] confusion, List<String> classNames) {
    /** Runs the model over {@code data} without recording gradients. */
    public static Evaluation evaluate(Module model, Iterable<Batch> data, List<String> classNames, boolean evalMode) {
        int k = classNames.size();
        long[][] confusion = new long[k][k];
        long n = 0, correct = 0;
        double lossSum = 0;
        boolean wasTraining = model.isTraining();
        // in train mode batch norm would fold the evaluated data into its running statistics: keep them
        Map<String, float[]> buffers = new LinkedHashMap<>();
        if (!evalMode) model.namedBuffers().forEach((name, t) -> buffers.put(name, t.data().clone()));
        if (evalMode) model.eval();
        else model.train();
        try (var g = GradMode.noGrad()) {
            for (Batch b : data) {
                Tensor logits = model.forward(b.inputs());
                if (logits.dim() != 2 || logits.size(1) != k)
                    throw new IllegalArgumentException("the model outputs shape " + jgrad.tensor.Shapes.str(logits.shape())
                            + " but there are " + k + " class names: expected [N, " + k + "]");
                // each sample's loss summed in double: the mean does not depend on how the data is batched
                for (float v : Losses.crossEntropy(logits, b.labels(), Reduction.NONE).data()) lossSum += v;
                float[] pred = logits.argmax(1).data(), y = b.labels().data();
                for (int i = 0; i < y.length; i++) {
                    confusion[(int) y[i]][(int) pred[i]]++;
                    if (pred[i] == y[i]) correct++;
                }
                n += y.length;
            }
        } finally {
            var current = model.namedBuffers();
            buffers.forEach((name, saved) -> System.arraycopy(saved, 0, current.get(name).data(), 0, saved.length));
            if (wasTraining) model.train();
            else model.eval();
        }
        return new Evaluation(n, correct, n == 0 ? Double.NaN : lossSum / n, confusion, List.copyOf(classNames));
    }

    /** Percentage of samples whose arg-max logit is the label. */
    public double accuracy() {
        return samples == 0 ? Double.NaN : 100.0 * correct / samples;
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
}
