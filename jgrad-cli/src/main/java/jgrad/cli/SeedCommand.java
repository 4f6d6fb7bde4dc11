package jgrad.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.data.ImageDataset;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad seed}: the whole notebook (1b, 1c, 1d) and a table of jgrad's results beside the notebook's. */
@Command(name = "seed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole notebook (1b, 1c, 1d) and prints jgrad's results beside the notebook's.",
                "1c and 1d train on real Fashion-MNIST with the notebook's settings; the comparison of the two networks follows."})
final class SeedCommand implements Callable<Integer> {
    @Option(names = {"-e", "--epochs"}, defaultValue = "10", description = "Epochs for 1c and 1d (default: ${DEFAULT-VALUE}, the notebook's).")
    int epochs;
    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        out.println("== Exercise 1b: 5-3-2-1 network, manual backward pass, one SGD step (lr 0.2)");
        var b = ExerciseCommand.print1b(out, 0.2f);
        ImageDataset[] data = common.load();
        Run.Result[] r = new Run.Result[2];
        Evaluation[] notebookWay = new Evaluation[2];
        for (Preset p : Preset.values()) {
            var s = common.settings(p, epochs, seed);
            out.println();
            out.printf("== Exercise %s: %s preset%n", p.exercise, p.id());
            r[p.ordinal()] = Run.run(s, data[0], data[1], new Progress(out, err, Progress.isTerminal(), p, true));
            TrainCommand.printResult(out, r[p.ordinal()], true);
            notebookWay[p.ordinal()] = Run.evaluate(r[p.ordinal()].model(), data[1], false);
        }
        out.println();
        out.println("== jgrad beside the notebook (" + epochs + (epochs == 1 ? " epoch" : " epochs") + ", seed " + seed + ")");
        String f = "%-46s %16s %16s%n";
        out.printf(f, "", "notebook", "jgrad");
        out.printf(f, "1b prediction a3", "1.0", ExerciseCommand.num(b.manual().a3().item()));
        out.printf(f, "1b loss / max |gradient| / weights changed", "0.0 / 0.0 / no", ExerciseCommand.num(b.manual().loss())
                + " / " + ExerciseCommand.num(b.maxAbsGrad()) + " / " + (b.weightsChanged() ? "yes" : "no"));
        out.printf(f, "1b max |manual - autograd| gradient", "-", ExerciseCommand.num(b.maxDiffFromAutograd()));
        for (Preset p : Preset.values()) {
            Run.Result x = r[p.ordinal()];
            int last = x.epochs().size();
            out.printf(Locale.ROOT, f, p.exercise + " final epoch loss", fmt(p.notebookEpochLoss(Math.min(10, last))), fmt(x.epochs().get(last - 1).meanLoss()));
            out.printf(Locale.ROOT, f, p.exercise + " test accuracy", pct(p.notebookAccuracy), pct(x.test().accuracy()));
            out.printf(Locale.ROOT, f, p.exercise + " cross-entropy, training set", fmt(p.notebookTrainCE), fmt(x.train().meanLoss()));
            out.printf(Locale.ROOT, f, p.exercise + " cross-entropy, test set", fmt(p.notebookTestCE), fmt(x.test().meanLoss()));
            out.printf(Locale.ROOT, f, p.exercise + " test accuracy without eval()", "", pct(notebookWay[p.ordinal()].accuracy()));
        }
        Run.Result s = r[0], c = r[1];
        out.println();
        out.println("== Comparison (1d minus 1c)");
        out.printf(Locale.ROOT, f, "test accuracy, points", String.format(Locale.ROOT, "%+.2f", Preset.COMPLEX.notebookAccuracy - Preset.SIMPLE.notebookAccuracy),
                String.format(Locale.ROOT, "%+.2f", c.test().accuracy() - s.test().accuracy()));
        out.printf(Locale.ROOT, f, "cross-entropy, training set", String.format(Locale.ROOT, "%+.4f", Preset.COMPLEX.notebookTrainCE - Preset.SIMPLE.notebookTrainCE),
                String.format(Locale.ROOT, "%+.4f", c.train().meanLoss() - s.train().meanLoss()));
        out.printf(Locale.ROOT, f, "cross-entropy, test set", String.format(Locale.ROOT, "%+.4f", Preset.COMPLEX.notebookTestCE - Preset.SIMPLE.notebookTestCE),
                String.format(Locale.ROOT, "%+.4f", c.test().meanLoss() - s.test().meanLoss()));
        out.println("The deeper network with BatchNorm, LeakyReLU and Adam fits the training set better and generalises better:");
        out.println("lower cross-entropy on both sets and higher test accuracy, as in the notebook.");
        return 0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", v);
    }
}
