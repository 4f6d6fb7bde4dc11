package jgrad.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import jgrad.data.ImageDataset;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.train.Evaluation;
import jgrad.report.Misclassifications;
import jgrad.report.Report;
import jgrad.report.ReportWriter;
import jgrad.report.RunRecord;
import jgrad.report.RunRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad seed}: the whole notebook (1a, 1b, 1c, 1d) and a table of jgrad's results beside the notebook's. */
@Command(name = "seed", modelTransformer = SettingOptions.Threads.class, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole notebook (1a, 1b, 1c, 1d) and prints jgrad's results beside the notebook's.",
                "1c and 1d train on real Fashion-MNIST with the notebook's settings; the comparison of the two networks follows.",
                "Then, beyond the notebook, the cnn preset (a convolutional network) with the same data and epochs."})
final class SeedCommand implements Callable<Integer> {
    @Option(names = {"-e", "--epochs"}, defaultValue = "10", description = "Epochs for every run (default: ${DEFAULT-VALUE}, the notebook's).")
    int epochs;
    @Option(names = "--no-cnn", description = "Leave out the cnn run beyond the notebook (it takes the longest).")
    boolean noCnn;
    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    CommonOptions common;
    @Option(names = "--report", paramLabel = "DIR", description = {"Write an HTML report with charts of every run to DIR/index.html,",
            "beside the notebook's numbers. Scores both sets after every epoch for the curves."})
    java.nio.file.Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ImageDataset[] data = common.load();
        out.println("== Exercise 1a: backpropagation and gradient descent, the essay's claims measured");
        Exercise1aOutput.print(out, data[0]);
        out.println();
        out.println("== Exercise 1b: 5-3-2-1 network, manual backward pass, one SGD step (lr 0.2)");
        var b = NotebookOutput.print1b(out, 0.2f);
        Map<Preset, Run.Result> runs = new EnumMap<>(Preset.class);
        List<RunRecord> records = new ArrayList<>();
        Map<String, Map<String, String>> published = new LinkedHashMap<>();
        Map<Preset, Evaluation> notebookWay = new EnumMap<>(Preset.class);
        boolean fullLength = epochs == 10;
        List<Preset> presets = noCnn ? List.of(Preset.SIMPLE, Preset.COMPLEX) : Preset.FASHION_MNIST;
        for (Preset p : presets) {
            out.println();
            if (p.fromNotebook()) out.printf("== Exercise %s: %s preset%n", p.exercise, p.id());
            else out.printf("== Beyond the notebook: %s preset (%s)%n", p.id(), p.spec);
            var progress = new Progress(out, err, Progress.isTerminal(), p, true);
            var recorder = report != null ? new RunRecorder(progress) : null;
            Run.Result r = Run.run(common.settings(p, epochs, seed).build(), data[0], data[1], recorder != null ? recorder : progress);
            NotebookOutput.printResult(out, r, fullLength);
            if (recorder != null) {
                records.add(recorder.record(p.label(), r, Misclassifications.mostConfident(r.model(), data[1], 16)));
                if (p.fromNotebook()) published.put(p.label(), Report.notebookNumbers(p, epochs));
            }
            runs.put(p, r);
            notebookWay.put(p, Run.evaluate(r.model(), data[1], false));
        }
        out.println();
        out.println("== jgrad beside the notebook (" + epochs + (epochs == 1 ? " epoch" : " epochs") + ", seed " + seed + ")");
        String f = "%-46s %16s %16s%n";
        out.printf(f, "", "notebook", "jgrad");
        out.printf(f, "1b prediction a3", "1.0", NotebookOutput.num(b.manual().a3().item()));
        out.printf(f, "1b loss / max |gradient| / weights changed", "0.0 / 0.0 / no", NotebookOutput.num(b.manual().loss())
                + " / " + NotebookOutput.num(b.maxAbsGrad()) + " / " + (b.weightsChanged() ? "yes" : "no"));
        out.printf(f, "1b max |manual - autograd| gradient", "-", NotebookOutput.num(b.maxDiffFromAutograd()));
        // the notebook's figures are after 10 epochs: beside a shorter run they are left out
        for (Preset p : presets) {
            Run.Result x = runs.get(p);
            int last = x.epochs().size();
            boolean compare = fullLength && p.fromNotebook();
            String l = p.fromNotebook() ? p.exercise : p.id() + " *";
            out.printf(Locale.ROOT, f, l + " final epoch loss", fmt(p.notebookEpochLoss(last)), fmt(x.epochs().get(last - 1).meanLoss()));
            out.printf(Locale.ROOT, f, l + " test accuracy", compare ? pct(p.notebookAccuracy) : "", pct(x.test().accuracy()));
            out.printf(Locale.ROOT, f, l + " cross-entropy, training set", compare ? fmt(p.notebookTrainCE) : "", fmt(x.train().meanLoss()));
            out.printf(Locale.ROOT, f, l + " cross-entropy, test set", compare ? fmt(p.notebookTestCE) : "", fmt(x.test().meanLoss()));
            out.printf(Locale.ROOT, f, l + " test accuracy without eval()", "", pct(notebookWay.get(p).accuracy()));
        }
        if (!noCnn) out.println("* beyond the notebook, which has no numbers for it");
        Run.Result s = runs.get(Preset.SIMPLE), c = runs.get(Preset.COMPLEX);
        out.println();
        out.println("== Comparison (1d minus 1c)");
        out.printf(Locale.ROOT, f, "test accuracy, points", fullLength ? signed(Preset.COMPLEX.notebookAccuracy - Preset.SIMPLE.notebookAccuracy, 2) : "",
                signed(c.test().accuracy() - s.test().accuracy(), 2));
        out.printf(Locale.ROOT, f, "cross-entropy, training set", fullLength ? signed(Preset.COMPLEX.notebookTrainCE - Preset.SIMPLE.notebookTrainCE, 4) : "",
                signed(c.train().meanLoss() - s.train().meanLoss(), 4));
        out.printf(Locale.ROOT, f, "cross-entropy, test set", fullLength ? signed(Preset.COMPLEX.notebookTestCE - Preset.SIMPLE.notebookTestCE, 4) : "",
                signed(c.test().meanLoss() - s.test().meanLoss(), 4));
        boolean better = c.test().accuracy() > s.test().accuracy() && c.train().meanLoss() < s.train().meanLoss()
                && c.test().meanLoss() < s.test().meanLoss();
        out.println(better
                ? "The deeper network with BatchNorm, LeakyReLU and Adam fits the training set better and generalises better:\n"
                  + "lower cross-entropy on both sets and higher test accuracy, as in the notebook."
                : "Unlike the notebook, the deeper network is not better on every measure in this run.");
        if (report != null) {
            ReportWriter.write(report, new Report("jgrad seed: the notebook's exercises", Main.VERSION, records, published));
            out.println("Report: " + report.resolve("index.html"));
        }
        return 0;
    }

    private static String signed(double v, int digits) {
        return String.format(Locale.ROOT, "%+." + digits + "f", v);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", v);
    }
}
