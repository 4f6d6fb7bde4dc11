package jgrad.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.data.ImageDataset;
import jgrad.nn.SafeTensors;
import jgrad.optim.Optimizers;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad train}: the notebook's 1c/1d training on real Fashion-MNIST, with every setting overridable. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the notebook's 1c or 1d network on real Fashion-MNIST.",
                "Prints what the notebook prints: per-epoch loss, test accuracy, cross-entropy on the training and test sets.",
                "Presets: simple = exercise 1c (784-256-128-10 ReLU, SGD lr 0.01);",
                "         complex = exercise 1d (784-512-256-128-10, BatchNorm1d, LeakyReLU 0.2, Adam lr 1e-3, wd 1e-5)."})
public class TrainCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, defaultValue = "simple", description = "Preset: simple (1c) or complex (1d). Default: ${DEFAULT-VALUE}.")
    String model;
    @Option(names = {"-e", "--epochs"}, description = "Epochs (default: 10, the notebook's).")
    Integer epochs;
    @Option(names = {"-b", "--batch-size"}, description = "Batch size (default: 64).")
    Integer batchSize;
    @Option(names = "--lr", description = "Learning rate (default: the preset's, 0.01 or 0.001).")
    Float lr;
    @Option(names = "--optimizer", description = "sgd, adam or adamw (default: the preset's).")
    String optimizer;
    @Option(names = "--weight-decay", description = "Weight decay (default: the preset's, 0 or 1e-5).")
    Float weightDecay;
    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;
    @Option(names = "--seed", defaultValue = "0", description = "Seed for initial weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;
    @Mixin
    CommonOptions common;
    @Option(names = "--confusion", description = "Also print the confusion matrix and per-class accuracy on the test set.")
    boolean confusion;
    @Option(names = "--notebook-eval", description = "Also evaluate as the notebook did, without eval() (BatchNorm on batch statistics).")
    boolean notebookEval;
    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;
    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained weights and buffers (state dict, PyTorch names) as safetensors.")
    java.nio.file.Path save;

    @Spec
    protected CommandSpec spec;

    protected Settings settings() {
        Preset p = Preset.byId(model);
        if (p == null) throw new ParameterException(spec.commandLine(), "unknown model '" + model + "': expected simple or complex");
        Settings.Builder b = common.settings(p, epochs != null ? epochs : p.epochs, seed).momentum(momentum);
        if (batchSize != null) b.batchSize(batchSize);
        if (lr != null) b.lr(lr);
        if (optimizer != null) b.optimizer(optimizer);
        if (weightDecay != null) b.weightDecay(weightDecay);
        if (epochs != null && epochs < 1) throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        if (batchSize != null && batchSize < 1) throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        if (common.threads() < 1) throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + common.threads());
        if (lr != null && !(lr > 0)) throw new ParameterException(spec.commandLine(), "--lr must be positive, got " + lr);
        if (optimizer != null && !Optimizers.NAMES.contains(optimizer))
            throw new ParameterException(spec.commandLine(), "unknown optimizer '" + optimizer + "': expected one of " + Optimizers.NAMES);
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        Settings s = settings();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ImageDataset[] data = load();
        out.printf(Locale.ROOT, "Training %s (notebook %s): %s, %s lr %s%s, batch %d, %d epochs, seed %d, %d threads%n",
                s.preset().id(), s.preset().exercise, s.preset().network,
                s.optimizer(), plain(s.lr()), s.weightDecay() != 0 ? ", weight decay " + plain(s.weightDecay()) : "", s.batchSize(), s.epochs(), s.seed(), s.threads());
        boolean notebookSettings = s.hasNotebookHyperparameters();
        var progress = new Progress(out, err, !noProgress && Progress.isTerminal(), s.preset(), notebookSettings);
        Run.Result r = train(s, data, progress, out);
        // the notebook's final figures are for its 10 epochs; its per-epoch losses compare at any length
        NotebookOutput.printResult(out, r, notebookSettings && s.epochs() == s.preset().epochs);
        if (save != null) {
            var state = r.model().stateDict();
            SafeTensors.save(state, save);
            out.println("Saved " + state.size() + " tensors to " + save);
        }
        if (notebookEval) {
            Evaluation nb = Run.evaluate(r.model(), data[1], false);
            out.printf(Locale.ROOT, "Without eval() (the notebook's way): accuracy %.2f%%, cross-entropy %.4f%n", nb.accuracy(), nb.meanLoss());
        }
        if (confusion) out.print(r.test().report());
        return 0;
    }

    /** The train and test splits, as the data options say. */
    protected ImageDataset[] load() throws java.io.IOException {
        return common.load();
    }

    /** Trains and evaluates {@code s} on {@code data} (train, test); {@code progress} sees every step and epoch. */
    protected Run.Result train(Settings s, ImageDataset[] data, jgrad.train.Trainer.Listener progress, PrintWriter out) {
        return Run.run(s, data[0], data[1], progress);
    }

    /** 1e-05 as 0.00001: settings read as typed. */
    private static String plain(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }
}
