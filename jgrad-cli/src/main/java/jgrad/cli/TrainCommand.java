package jgrad.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import jgrad.app.Preset;
import jgrad.app.Predictor;
import jgrad.app.Run;
import jgrad.app.Setting;
import jgrad.app.Settings;
import jgrad.app.Sources;
import jgrad.app.Stats;
import jgrad.data.Task;
import jgrad.models.Layers;
import jgrad.models.Spec;
import jgrad.nn.SafeTensors;
import jgrad.report.Misclassifications;
import jgrad.report.Report;
import jgrad.report.ReportWriter;
import jgrad.report.RunRecord;
import jgrad.report.RunRecorder;
import jgrad.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code jgrad train}: a preset or any network from a spec, on Fashion-MNIST or the user's own data,
 * with every {@link Setting} an option.
 */
@Command(name = "train", modelTransformer = SettingOptions.class, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a network: a preset, or any MLP or CNN written as a spec (--arch), on Fashion-MNIST or your own data (--data).",
                "Prints what the notebook prints: per-epoch loss, then the test scores (accuracy and cross-entropy for classes;",
                "RMSE, MAE and R² for real-valued targets). The presets and the network grammar are listed at the end."})
public class TrainCommand implements Callable<Integer> {
    @Option(names = "--seeds", paramLabel = "N", description = {"Train N times, seeds SEED..SEED+N-1, and print mean ± std and the 95%% interval",
            "(Student's t) of the test scores; --save and --report are for one seed only."})
    Integer seeds;
    @Mixin
    CommonOptions common;
    @Option(names = "--confusion", description = "Also print the confusion matrix and per-class accuracy on the test set.")
    boolean confusion;
    @Option(names = "--notebook-eval", description = "Also evaluate as the notebook did, without eval() (BatchNorm on batch statistics).")
    boolean notebookEval;
    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;
    @Option(names = "--save", paramLabel = "FILE", description = {"Save the trained weights and buffers (state dict, PyTorch names) as safetensors,",
            "with the network's spec, classes and input transform, for jgrad predict and jgrad export."})
    java.nio.file.Path save;
    @Option(names = "--report", paramLabel = "DIR", description = {"Write an HTML report with charts to DIR/index.html.",
            "Scores both sets after every epoch for the curves (about 0.3 s an epoch for simple)."})
    java.nio.file.Path report;
    @Mixin
    CheckpointOptions checkpoints;

    @picocli.CommandLine.Spec
    protected CommandSpec spec;

    /** The presets and the spec grammar, for the end of {@code --help}. */
    static String[] footer() {
        List<String> lines = new java.util.ArrayList<>(List.of("", "Presets (each a named spec whose last linear gets the data's outputs; batch 64):"));
        for (Preset p : Preset.values())
            lines.add(String.format(Locale.ROOT, "  %-8s %s lr %s%s, %d epochs: %s", p.id(), p.optimizer, Setting.LR.shown(p.lr),
                    p.weightDecay != 0 ? ", weight decay " + Setting.WEIGHT_DECAY.shown(p.weightDecay) : "", p.epochs, p.spec));
        lines.add("A spec lists layers separated by commas; input sizes are inferred from the data, so only outputs are written:");
        for (String l : Layers.helpLines()) lines.add("  " + l);
        lines.add("NAME=LAYER names a layer's state-dict keys.");
        return lines.toArray(String[]::new);
    }

    /** The settings the command line gives, for {@code preset}'s defaults (the one {@code --model} names, else simple). */
    protected Settings settings(Preset preset) {
        Preset named = SettingOptions.preset(spec.commandLine());
        return SettingOptions.read(spec.commandLine(), named != null ? named : preset, List.of());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        var cl = spec.commandLine();
        if (report != null && checkpoints.resume != null)
            throw new ParameterException(cl, "--report cannot be combined with --resume: its curves need every epoch's scores");
        if (seeds != null && seeds < 1) throw new ParameterException(cl, "--seeds must be at least 1, got " + seeds);
        if (seeds != null && (save != null || report != null)) throw new ParameterException(cl, "--save and --report need a single seed, not --seeds");
        CheckpointOptions.Plan plan = checkpoints.plan(settings(Preset.SIMPLE), cl, out, err);
        Settings s = plan.settings();
        if (save != null) Errors.checkWritable(save, false);
        if (plan.checkpoints().dir() != null) Errors.checkWritable(plan.checkpoints().dir(), true);
        if (report != null) ReportWriter.checkTarget(report); // refused now, not after the training
        Sources.Loaded data;
        try {
            data = load(s);
        } catch (IllegalArgumentException e) { // an option that does not apply to the source, an unknown source
            throw new ParameterException(cl, e.getMessage());
        }
        // with --data and neither --model nor --arch, the preset that fits the data
        String chose = "";
        if (plan.checkpoints().resume() == null && !SettingOptions.given(cl, Setting.MODEL) && s.arch() == null) {
            Preset fit = Sources.defaultPreset(data);
            if (fit != s.preset()) {
                s = settings(fit);
                chose = ", the default for " + (data.train().sampleShape().length == 1 ? "a table" : "images");
            }
        }
        // data[0] is null when the training set lives elsewhere (Spark reads its shards from Parquet)
        if (data.train() != null && s.batchSize() > data.train().size())
            throw new ParameterException(cl, "--batch-size " + s.batchSize() + " is larger than the training set ("
                    + data.train().size() + " images)");
        Run.Data prepared;
        Spec network;
        try {
            prepared = data.train() != null ? Run.prepare(s, data.train(), data.test()) : Run.prepare(s, data.test(), data.test());
            network = Run.spec(s, prepared);
        } catch (IllegalArgumentException e) { // a spec that does not fit the data, a task the data cannot have
            throw new ParameterException(cl, e.getMessage());
        }
        if (seeds != null) return seeds(s, data, out, err);
        boolean fashion = data.kind().equals("fashion-mnist");
        if (!fashion) out.println("Data " + Sources.describe(data) + "; " + prepared.task().id() + ", inputs " + describe(prepared.transform()));
        out.printf(Locale.ROOT, "Training %s%s: %s (%,d parameters); %s lr %s%s, batch %d, %d epochs, seed %d, %d threads%n",
                s.arch() != null ? "--arch" : s.preset().id() + (s.preset().fromNotebook() ? " (notebook " + s.preset().exercise + ")" : ""),
                chose, network.resolved(), network.parameterCount(), s.optimizer(), Setting.LR.shown(s.lr()),
                s.weightDecay() != 0 ? ", weight decay " + Setting.WEIGHT_DECAY.shown(s.weightDecay()) : "", s.batchSize(), s.epochs(), s.seed(),
                s.threads());
        boolean notebookSettings = s.hasNotebookHyperparameters();
        var progress = new Progress(out, err, !noProgress && Progress.isTerminal(), s.preset(), notebookSettings);
        var recorder = report != null ? new RunRecorder(progress) : null;
        Run.Result r = train(s, data, recorder != null ? recorder : progress, plan.checkpoints(), out);
        // the notebook's final figures are for its 10 epochs; its per-epoch losses compare at any length
        NotebookOutput.printResult(out, r, notebookSettings && s.epochs() == s.preset().epochs);
        if (save != null) {
            var state = r.model().stateDict();
            // the spec, input shape, classes and transform let jgrad predict and jgrad export rebuild the network from the file alone
            try {
                SafeTensors.save(state, Predictor.metadata(network, r.data(), data.kind(), data.features(), Main.VERSION), save);
            } catch (java.io.IOException e) {
                throw Errors.cannotWrite("the model", save, e);
            }
            out.println("Saved " + state.size() + " tensors to " + save);
        }
        if (notebookEval) {
            Evaluation nb = r.data().evaluate(r.model(), r.data().test(), false);
            out.printf(Locale.ROOT, "Without eval() (the notebook's way): accuracy %.2f%%, cross-entropy %.4f%n", nb.accuracy(), nb.meanLoss());
        }
        if (confusion && r.data().task() != Task.REGRESS) out.print(r.test().report());
        if (report != null) {
            String name = s.arch() != null ? "arch" : s.preset().label();
            RunRecord run = recorder.record(name, r, Misclassifications.mostConfident(r, 16));
            var published = notebookSettings ? Map.of(name, Report.notebookNumbers(s.preset(), s.epochs())) : Map.<String, Map<String, String>>of();
            try {
                ReportWriter.write(report, new Report("jgrad train: " + name + ", " + network.resolved(), Main.VERSION, List.of(run), published));
            } catch (java.io.IOException e) {
                throw Errors.cannotWrite("the report", report, e);
            }
            out.println("Report: " + report.resolve("index.html"));
        }
        return 0;
    }

    private int seeds(Settings s, Sources.Loaded data, PrintWriter out, PrintWriter err) {
        double[] score = new double[seeds], loss = new double[seeds];
        boolean regress = false;
        for (int i = 0; i < seeds; i++) {
            Settings si = s.toBuilder().seed(s.seed() + i).build();
            out.printf(Locale.ROOT, "Seed %d: %s, %s lr %s, %d epochs%n", si.seed(), si.arch() != null ? si.arch() : si.preset().id(), si.optimizer(),
                    Setting.LR.shown(si.lr()), si.epochs());
            Run.Result r = train(si, data, new Progress(out, err, !noProgress && Progress.isTerminal(), si.preset(), false), Run.Checkpoints.NONE, out);
            NotebookOutput.printResult(out, r, false);
            regress = r.data().task() == Task.REGRESS;
            score[i] = regress ? r.test().r2() : r.test().accuracy();
            loss[i] = regress ? r.test().rmse() : r.test().meanLoss();
        }
        Stats a = Stats.of(score), c = Stats.of(loss);
        String what = regress ? "R²" : "accuracy", unit = regress ? "" : "%", lossName = regress ? "RMSE" : "cross-entropy";
        out.printf(Locale.ROOT, "Over %d seeds (%d..%d): test %s %.4f ± %.4f%s [95%% CI %.4f, %.4f], test %s %.4f ± %.4f [%.4f, %.4f]%n",
                seeds, s.seed(), s.seed() + seeds - 1, what, a.mean(), a.std(), unit, a.mean() - a.half(), a.mean() + a.half(), lossName,
                c.mean(), c.std(), c.mean() - c.half(), c.mean() + c.half());
        out.println("(std with n-1; 95% CI from Student's t with n-1 degrees of freedom)");
        return 0;
    }

    /** A transform as the run's first lines say it: fitted statistics are summarised, not listed. */
    static String describe(jgrad.data.Transform t) {
        String text = t.toString();
        return t.channels() > 3 ? text.replaceAll("Normalize\\(mean=\\[[^]]*], std=\\[[^]]*]\\)", "Normalize(each of the " + t.channels()
                + " columns' mean and std over the training set)") : text;
    }

    /** The training and test sets, as {@code s} and the data options say. */
    protected Sources.Loaded load(Settings s) throws java.io.IOException {
        return Sources.load(s, common.source());
    }

    /**
     * Trains and evaluates {@code s} on {@code data}; {@code progress} sees every step and epoch;
     * {@code checkpoints} says where to write and resume from.
     */
    protected Run.Result train(Settings s, Sources.Loaded data, jgrad.train.Trainer.Listener progress, Run.Checkpoints checkpoints,
                               PrintWriter out) {
        return Run.run(s, data.train(), data.test(), progress, checkpoints);
    }
}
