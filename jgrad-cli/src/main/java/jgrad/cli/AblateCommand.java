package jgrad.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.app.Ablation;
import jgrad.app.Stats;
import jgrad.data.ImageDataset;
import jgrad.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad ablate}: from 1c to 1d one change at a time, several seeds per rung, with confidence intervals. */
@Command(name = "ablate", modelTransformer = SettingOptions.Threads.class, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Puts the notebook's 1d claims to the test: from 1c to 1d one change at a time, each rung",
                "trained with several seeds on real Fashion-MNIST. Prints mean ± std of test accuracy and test",
                "cross-entropy, a 95%% confidence interval (Student's t, n-1 degrees of freedom), the difference from",
                "the rung above (Welch's 95%% interval), and which claims the numbers support.",
                "Rungs: 1c, deeper (784-512-256-128-10), leakyrelu (0.2), batchnorm, adam (lr 1e-3),",
                "1d (+ weight decay 1e-5), dropout0.5 (1d + Dropout(0.5)), dropout0.2 (1d + Dropout(0.2))."})
final class AblateCommand implements Callable<Integer> {
    @Option(names = {"-e", "--epochs"}, defaultValue = "10", description = "Epochs per run (default: ${DEFAULT-VALUE}, the notebook's).")
    int epochs;
    @Option(names = "--seeds", defaultValue = "5", description = "Runs per rung, seeds SEED.. SEED+N-1 (default: ${DEFAULT-VALUE}).")
    int seeds;
    @Option(names = "--seed", defaultValue = "0", description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--variants", split = ",", paramLabel = "NAMES|N",
            description = "Rungs to run: names separated by commas, or a count N for the first N (default: all).")
    List<String> variants;
    @Mixin
    CommonOptions common;
    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;
    @Option(names = "--report", paramLabel = "DIR", description = "Also write DIR/index.html with the table and a bar chart with the 95%% intervals.")
    Path report;
    /** Trains on the first N training images only: for quick checks and tests, not for numbers to quote. */
    @Option(names = "--train-subset", hidden = true)
    Integer trainSubset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        if (seeds < 1) throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        List<Ablation.Variant> ladder = ladder();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ImageDataset[] data = common.load();
        ImageDataset train = trainSubset != null ? Ablation.head(data[0], trainSubset) : data[0];
        out.printf(Locale.ROOT, "Ablation: %d rungs × %d seeds (%d..%d), %d epochs, batch 64, %s (%d images), %d threads%n",
                ladder.size(), seeds, seed, seed + seeds - 1, epochs, train.name(), train.size(), common.threads());
        long steps = (long) ladder.size() * seeds * epochs * ((train.size() + 63) / 64);
        var bar = new Bar(out, err, !noProgress && Progress.isTerminal(), steps);
        List<Ablation.Rung> rungs = Ablation.run(ladder, seeds, epochs, seed, common.threads(), train, data[1], bar);
        String table = Ablation.table(rungs);
        List<String> verdicts = Ablation.verdicts(rungs);
        out.println();
        out.print(table);
        out.println("mean ± std over seeds (std with n-1); 95% CI: Student's t with n-1 degrees of freedom;");
        out.println("Δ: minus the rung above, Welch's 95% interval. Accuracy and cross-entropy on the 10,000 test images.");
        out.println();
        for (String v : verdicts) out.println(v);
        if (report != null) {
            var chart = new double[rungs.size()][];
            for (int i = 0; i < rungs.size(); i++) {
                Stats a = rungs.get(i).accuracy();
                chart[i] = new double[]{a.mean(), a.half()};
            }
            ReportWriter.writeBars(report, "jgrad ablate: from 1c to 1d, one change at a time",
                    rungs.stream().map(r -> r.variant().name()).toList(), chart, "test accuracy (%), mean and 95% CI",
                    table + "\n" + String.join("\n", verdicts));
            out.println("Report: " + report.resolve("index.html"));
        }
        return 0;
    }

    private List<Ablation.Variant> ladder() {
        try {
            if (variants == null) return Ablation.LADDER;
            if (variants.size() == 1 && variants.get(0).matches("\\d+")) {
                int n = Integer.parseInt(variants.get(0));
                if (n < 1 || n > Ablation.LADDER.size())
                    throw new IllegalArgumentException("--variants count must be 1.." + Ablation.LADDER.size() + ", got " + n);
                return Ablation.LADDER.subList(0, n);
            }
            return Ablation.select(variants);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** One line per finished run on stdout; on a terminal a bar over all runs' steps with the time remaining on stderr. */
    private static final class Bar implements Ablation.Listener {
        private final PrintWriter out, err;
        private final boolean bar;
        private final long total, start = System.nanoTime();
        private long done, lastDraw;

        Bar(PrintWriter out, PrintWriter err, boolean bar, long total) {
            this.out = out;
            this.err = err;
            this.bar = bar;
            this.total = total;
        }

        @Override
        public void onStep(int epoch, int step, int steps, float loss) {
            done++;
            long now = System.nanoTime();
            if (!bar || now - lastDraw < 500_000_000L) return;
            lastDraw = now;
            double elapsed = (now - start) / 1e9, left = elapsed / done * (total - done);
            int width = 30, filled = (int) (width * done / total);
            err.printf(Locale.ROOT, "\r[%s%s] %5.1f%%  %s elapsed, %s left ", "=".repeat(filled), " ".repeat(width - filled),
                    100.0 * done / total, clock(elapsed), clock(left));
            err.flush();
        }

        @Override
        public void ran(Ablation.Variant v, long seed, double accuracy, double crossEntropy) {
            if (bar) err.print("\r" + " ".repeat(78) + "\r");
            err.flush();
            out.printf(Locale.ROOT, "%-11s seed %d: test accuracy %.2f%%, cross-entropy %.4f  (%s elapsed)%n", v.name(), seed,
                    accuracy, crossEntropy, clock((System.nanoTime() - start) / 1e9));
            out.flush();
        }

        private static String clock(double s) {
            long t = Math.round(s);
            return t >= 3600 ? String.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String.format("%d:%02d", t / 60, t % 60);
        }
    }
}
