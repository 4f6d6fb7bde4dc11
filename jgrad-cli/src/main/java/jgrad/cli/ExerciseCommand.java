package jgrad.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.autograd.Tensor;
import jgrad.exercises.Exercise1b;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad exercise 1b}: the notebook's manual forward/backward pass, printed as the notebook prints it. */
@Command(name = "exercise", mixinStandardHelpOptions = true,
        description = {"Runs the notebook's exercise 1b and prints what the notebook prints.",
                "1b: 5-3-2-1 network, manual forward and backward pass, one SGD step, checked against autograd."})
final class ExerciseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EXERCISE", description = "Which exercise: 1b (1c and 1d are `jgrad train --model simple|complex`).")
    String which;

    @Option(names = "--lr", defaultValue = "0.2", description = "SGD learning rate (default: ${DEFAULT-VALUE}, the notebook's).")
    float lr;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!which.equals("1b"))
            throw new ParameterException(spec.commandLine(), "unknown exercise '" + which
                    + "': expected 1b (1c and 1d are `jgrad train --model simple|complex`)");
        print1b(spec.commandLine().getOut(), lr);
        return 0;
    }

    static String num(float v) {
        return Float.isNaN(v) ? "nan" : Double.toString(v);
    }

    /** What {@code jgrad seed} tabulates from 1b: the manual pass and its largest difference from autograd. */
    record Checked(Exercise1b.Result manual, float maxDiffFromAutograd) {
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
    static Checked print1b(PrintWriter out, float lr) {
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
        return new Checked(m, diff);
    }

    static float maxAbsDiff(Tensor a, Tensor b) {
        float d = 0;
        for (int i = 0; i < a.numel(); i++) d = Math.max(d, Math.abs(a.data()[i] - b.data()[i]));
        return d;
    }
}
