package jgrad.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import jgrad.data.ImageDataset;
import jgrad.nn.SafeTensors;
import jgrad.optim.Optimizers;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.app.Stats;
import jgrad.train.Evaluation;
import jgrad.report.Misclassifications;
import jgrad.report.Report;
import jgrad.report.ReportWriter;
import jgrad.report.RunRecord;
import jgrad.report.RunRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad train}: a preset or any network from a spec, on real Fashion-MNIST, with every setting overridable. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a network on real Fashion-MNIST: a preset, or any MLP or CNN written as a spec (--arch).",
                "Prints what the notebook prints: per-epoch loss, test accuracy, cross-entropy on the training and test sets.",
                "Presets (each a named spec, with its optimizer; batch 64, 10 epochs):",
                "  simple   notebook 1c, SGD lr 0.01:       flatten, fc1=linear 256, relu, fc2=linear 128, relu, fc3=linear 10",
                "  complex  notebook 1d, Adam lr 1e-3, weight decay 1e-5:",
                "           flatten, fc1=linear 512, batch_norm1=bn, leakyrelu 0.2, fc2=linear 256, batch_norm2=bn, leakyrelu 0.2,",
                "           fc3=linear 128, batch_norm3=bn, leakyrelu 0.2, fc4=linear 10",
                "  cnn      beyond the notebook, Adam lr 1e-3:",
                "           conv 32 3 same, bn, relu, maxpool 2, conv 64 3 same, bn, relu, maxpool 2, flatten, linear 128, relu,",
                "           dropout 0.3, linear 10",
                "A spec lists layers separated by commas, inputs [1, 28, 28]; sizes in are inferred:",
                "  conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias], linear OUT [nobias], bn, relu,",
                "  leakyrelu [SLOPE], sigmoid, tanh, maxpool K [stride S] [pad P], avgpool K [stride S] [pad P],",
                "  adaptiveavgpool SIZE, dropout [P], dropout2d [P], flatten; NAME=LAYER names a layer's state-dict keys."})
public class TrainCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, defaultValue = "simple", description = "Preset: simple (1c), complex (1d) or cnn. Default: ${DEFAULT-VALUE}.")
    String model;
    @Option(names = "--arch", paramLabel = "SPEC", description = "The network as a spec (see above) instead of the preset's; the preset's optimizer settings apply.")
    String arch;
    @Option(names = {"-e", "--epochs"}, description = "Epochs (default: 10, the notebook's).")
    Integer epochs;
    @Option(names = {"-b", "--batch-size"}, description = "Batch size (default: 64).")
    Integer batchSize;
    @Option(names = "--lr", converter = CommonOptions.AnyFloat.class, description = "Learning rate (default: the preset's, 0.01 or 0.001).")
    Float lr;
    @Option(names = "--optimizer", description = "sgd, adam or adamw (default: the preset's).")
    String optimizer;
    @Option(names = "--weight-decay", converter = CommonOptions.AnyFloat.class, description = "Weight decay (default: the preset's, 0 or 1e-5).")
    Float weightDecay;
    @Option(names = "--momentum", defaultValue = "0", converter = CommonOptions.AnyFloat.class, description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;
    @Option(names = "--seed", defaultValue = "0", description = "Seed for initial weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--seeds", paramLabel = "N", description = {"Train N times, seeds SEED..SEED+N-1, and print mean ± std and the 95%% interval",
            "(Student's t) of test accuracy and cross-entropy; --save and --report are for one seed only."})
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
            "with the network's spec and class names, for jgrad predict and jgrad export."})
    java.nio.file.Path save;
    @Option(names = "--report", paramLabel = "DIR", description = {"Write an HTML report with charts to DIR/index.html.",
            "Scores both sets after every epoch for the curves (about 0.3 s an epoch for simple)."})
    java.nio.file.Path report;
    @Mixin
    CheckpointOptions checkpoints;

    @Spec
    protected CommandSpec spec;

    protected Settings settings() {
        Preset p = Preset.byId(model);
        if (p == null) throw new ParameterException(spec.commandLine(), "unknown model '" + model + "': expected simple, complex or cnn");
        Settings.Builder b = common.settings(p, epochs != null ? epochs : p.epochs, seed).momentum(momentum).arch(arch);
        if (batchSize != null) b.batchSize(batchSize);
        if (lr != null) b.lr(lr);
        if (optimizer != null) b.optimizer(optimizer);
        if (weightDecay != null) b.weightDecay(weightDecay);
        if (epochs != null && epochs < 1) throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        if (batchSize != null && batchSize < 1) throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        if (common.threads() < 1) throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + common.threads());
        CommonOptions.checkFinite(spec.commandLine(), "--lr", lr, 0, true);
        CommonOptions.checkFinite(spec.commandLine(), "--weight-decay", weightDecay, 0, false);
        CommonOptions.checkFinite(spec.commandLine(), "--momentum", momentum, 0, false);
        if (optimizer != null && !Optimizers.NAMES.contains(optimizer))
            throw new ParameterException(spec.commandLine(), "unknown optimizer '" + optimizer + "': expected one of " + Optimizers.NAMES);
        try {
            return b.build();
        } catch (IllegalArgumentException e) { // a bad --arch spec
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (report != null && checkpoints.resume != null)
            throw new ParameterException(spec.commandLine(), "--report cannot be combined with --resume: its curves need every epoch's scores");
        CheckpointOptions.Plan plan = checkpoints.plan(settings(), spec.commandLine(), out, err);
        Settings s = plan.settings();
        if (save != null) Errors.checkWritable(save, false);
        if (plan.checkpoints().dir() != null) Errors.checkWritable(plan.checkpoints().dir(), true);
        if (report != null) ReportWriter.checkTarget(report); // refused now, not after the training
        ImageDataset[] data = load();
        // data[0] is null when the training set lives elsewhere (Spark reads its shards from Parquet)
        if (data[0] != null && s.batchSize() > data[0].size())
            throw new ParameterException(spec.commandLine(), "--batch-size " + s.batchSize() + " is larger than the training set ("
                    + data[0].size() + " images)");
        if (seeds != null) return seeds(s, data, out, err);
        long params = Run.model(s).parameters().stream().mapToLong(jgrad.autograd.Tensor::numel).sum();
        out.printf(Locale.ROOT, "Training %s: %s (%,d parameters); %s lr %s%s, batch %d, %d epochs, seed %d, %d threads%n",
                s.arch() != null ? "--arch" : s.preset().id() + (s.preset().fromNotebook() ? " (notebook " + s.preset().exercise + ")" : ""),
                s.spec(), params, s.optimizer(), plain(s.lr()), s.weightDecay() != 0 ? ", weight decay " + plain(s.weightDecay()) : "",
                s.batchSize(), s.epochs(), s.seed(), s.threads());
        boolean notebookSettings = s.hasNotebookHyperparameters();
        var progress = new Progress(out, err, !noProgress && Progress.isTerminal(), s.preset(), notebookSettings);
        var recorder = report != null ? new RunRecorder(progress) : null;
        Run.Result r = train(s, data, recorder != null ? recorder : progress, plan.checkpoints(), out);
        // the notebook's final figures are for its 10 epochs; its per-epoch losses compare at any length
        NotebookOutput.printResult(out, r, notebookSettings && s.epochs() == s.preset().epochs);
        if (save != null) {
            var state = r.model().stateDict();
            // the spec, input shape and class names let jgrad predict and jgrad export rebuild the network from the file alone
            try {
                SafeTensors.save(state, jgrad.app.Predictor.metadata(s.spec(), Preset.INPUT, data[1].classNames(), Main.VERSION), save);
            } catch (java.io.IOException e) {
                throw Errors.cannotWrite("the model", save, e);
            }
            out.println("Saved " + state.size() + " tensors to " + save);
        }
        if (notebookEval) {
            Evaluation nb = Run.evaluate(r.model(), data[1], false);
            out.printf(Locale.ROOT, "Without eval() (the notebook's way): accuracy %.2f%%, cross-entropy %.4f%n", nb.accuracy(), nb.meanLoss());
        }
        if (confusion) out.print(r.test().report());
        if (report != null) {
            String name = s.arch() != null ? "arch" : s.preset().label();
            RunRecord run = recorder.record(name, r, Misclassifications.mostConfident(r.model(), data[1], 16));
            var published = notebookSettings ? Map.of(name, Report.notebookNumbers(s.preset(), s.epochs())) : Map.<String, Map<String, String>>of();
            try {
                ReportWriter.write(report, new Report("jgrad train: " + name + ", " + s.spec(), Main.VERSION, List.of(run), published));
            } catch (java.io.IOException e) {
                throw Errors.cannotWrite("the report", report, e);
            }
            out.println("Report: " + report.resolve("index.html"));
        }
        return 0;
    }

    private int seeds(Settings s, ImageDataset[] data, PrintWriter out, PrintWriter err) {
        if (seeds < 1) throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        if (save != null || report != null) throw new ParameterException(spec.commandLine(), "--save and --report need a single seed, not --seeds");
        double[] acc = new double[seeds], ce = new double[seeds];
        for (int i = 0; i < seeds; i++) {
            Settings si = s.toBuilder().seed(s.seed() + i).build();
            out.printf(Locale.ROOT, "Seed %d: %s, %s lr %s, %d epochs%n", si.seed(), si.spec(), si.optimizer(), plain(si.lr()), si.epochs());
            Run.Result r = Run.run(si, data[0], data[1], new Progress(out, err, !noProgress && Progress.isTerminal(), si.preset(), false));
            NotebookOutput.printResult(out, r, false);
            acc[i] = r.test().accuracy();
            ce[i] = r.test().meanLoss();
        }
        Stats a = Stats.of(acc), c = Stats.of(ce);
        out.printf(Locale.ROOT, "Over %d seeds (%d..%d): test accuracy %.2f ± %.2f%% [95%% CI %.2f, %.2f], test cross-entropy %.4f ± %.4f [%.4f, %.4f]%n",
                seeds, s.seed(), s.seed() + seeds - 1, a.mean(), a.std(), a.mean() - a.half(), a.mean() + a.half(), c.mean(), c.std(),
                c.mean() - c.half(), c.mean() + c.half());
        out.println("(std with n-1; 95% CI from Student's t with n-1 degrees of freedom)");
        return 0;
    }

    /** The train and test splits, as the data options say. */
    protected ImageDataset[] load() throws java.io.IOException {
        return common.load();
    }

    /**
     * Trains and evaluates {@code s} on {@code data} (train, test); {@code progress} sees every step
     * and epoch; {@code checkpoints} says where to write and resume from.
     */
    protected Run.Result train(Settings s, ImageDataset[] data, jgrad.train.Trainer.Listener progress, Run.Checkpoints checkpoints,
                               PrintWriter out) {
        return Run.run(s, data[0], data[1], progress, checkpoints);
    }

    /** 1e-05 as 0.00001: settings read as typed. */
    static String plain(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }
}
