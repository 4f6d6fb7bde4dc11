package jgrad.cli;

import java.io.PrintWriter;
import java.util.Locale;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.autograd.Tensor;
import jgrad.exercises.Exercise1b;
import jgrad.train.Evaluation;

/** What the notebook prints, printed by jgrad: exercise 1b's cells and a training run's final lines. */
final class NotebookOutput {
    private NotebookOutput() {}

    /** A float as Python prints it ({@code 1.0}, {@code nan}). */
    static String num(float v) {
        return Float.isNaN(v) ? "nan" : Double.toString(v);
    }

    /** What {@code jgrad seed} tabulates from 1b: the manual pass and its largest difference from autograd. */
    record Checked1b(Exercise1b.Result manual, float maxDiffFromAutograd) {
        float maxAbsGrad() {
            float g = 0;
            for (Tensor t : manual.grads()) for (float v : t.data()) g = Math.max(g, Math.abs(v));
            return g;
        }

        boolean weightsChanged() {
            Tensor[] w = Exercise1b.notebookWeights();
            for (int i = 0; i < w.length; i++) if (maxAbsDiff(w[i], manual.updated()[i]) != 0) return true;
            return false;
        }
    }

    /** Prints the notebook's cells In [4]–[6] with jgrad, then the autograd check. */
    static Checked1b print1b(PrintWriter out, float lr) {
        Tensor x = Tensor.of(Exercise1b.X);
        Tensor[] w = Exercise1b.notebookWeights();
        var m = Exercise1b.manual(x, Exercise1b.Y, w, lr);
        out.println("Predicted Output (a3): " + num(m.a3().item()));
        out.println("Expected Output (y_true): " + num(Exercise1b.Y));
        out.println("Binary Cross-Entropy Loss: " + num(m.loss()));
        out.println();
        for (int i = 0; i < 3; i++) out.println("dL_dW" + (i + 1) + ": " + m.grads()[i]);
        out.println();
        for (int i = 0; i < 3; i++) out.println("Updated W" + (i + 1) + ": " + m.updated()[i]);
        var a = Exercise1b.autograd(x, Exercise1b.Y, w, lr);
        float diff = 0;
        for (int i = 0; i < 3; i++) diff = Math.max(diff, maxAbsDiff(m.grads()[i], a.grads()[i]));
        out.println();
        out.printf(Locale.ROOT, "Autograd check (BCELoss, log clamped at -100): loss %s, max |manual - autograd| gradient = %s%n",
                num(a.loss()), num(diff));
        if (m.loss() == 0f)
            out.println("The loss is already 0 (a3 = 1.0 in float32 = y), so every gradient is 0 and the weights do not change.");
        return new Checked1b(m, diff);
    }

    private static float maxAbsDiff(Tensor a, Tensor b) {
        float d = 0;
        for (int i = 0; i < a.numel(); i++) d = Math.max(d, Math.abs(a.data()[i] - b.data()[i]));
        return d;
    }

    /**
     * A run's final lines. For classes, the notebook's last three lines (test accuracy, cross-entropy
     * on the training and test sets), with the notebook's figures beside them when {@code compare};
     * for a binary label the same with binary cross-entropy, then ROC AUC on both sets; for real
     * values RMSE, MAE and R² on the test and training sets, in the targets' units.
     */
    static void printResult(PrintWriter out, Run.Result r, boolean compare) {
        switch (r.data().task()) {
            case CLASSIFY -> {
                Preset p = r.settings().preset();
                compare &= p.fromNotebook();
                String a = compare ? String.format(Locale.ROOT, "   [notebook: %.2f%%]", p.notebookAccuracy) : "";
                String tr = compare ? String.format(Locale.ROOT, "   [notebook: %.4f]", p.notebookTrainCE) : "";
                String te = compare ? String.format(Locale.ROOT, "   [notebook: %.4f]", p.notebookTestCE) : "";
                out.printf(Locale.ROOT, "Accuracy on test set: %.2f%%%s%n", r.test().accuracy(), a);
                out.printf(Locale.ROOT, "Cross-Entropy on training set: %s%s%n", r.train().meanLoss(), tr);
                out.printf(Locale.ROOT, "Cross-Entropy on test set: %s%s%n", r.test().meanLoss(), te);
            }
            case BINARY -> {
                out.printf(Locale.ROOT, "Accuracy on test set: %.2f%%%n", r.test().accuracy());
                out.printf(Locale.ROOT, "Binary Cross-Entropy on training set: %s%n", r.train().meanLoss());
                out.printf(Locale.ROOT, "Binary Cross-Entropy on test set: %s%n", r.test().meanLoss());
                out.printf(Locale.ROOT, "ROC AUC on training set: %.4f%n", r.train().auc());
                out.printf(Locale.ROOT, "ROC AUC on test set: %.4f%n", r.test().auc());
            }
            case REGRESS -> {
                for (String set : new String[]{"test", "training"}) {
                    Evaluation e = set.equals("test") ? r.test() : r.train();
                    out.printf(Locale.ROOT, "RMSE on %s set: %.4f%n", set, e.rmse());
                    out.printf(Locale.ROOT, "MAE on %s set: %.4f%n", set, e.mae());
                    out.printf(Locale.ROOT, "R² on %s set: %.4f%n", set, e.r2());
                }
            }
        }
        out.flush();
    }
}
