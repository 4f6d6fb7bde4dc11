package jgrad.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.ImageDataset;
import jgrad.app.Settings;
import jgrad.loss.CrossEntropyLoss;
import jgrad.tensor.MatMul;
import jgrad.nn.Module;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.tensor.Parallel;
import jgrad.tensor.Peak;
import jgrad.train.Evaluation;
import jgrad.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jgrad bench}: trains the presets on real Fashion-MNIST and reports speed: median epoch
 * seconds (epochs after the first), samples/s, test-set eval throughput, and two rates beside the
 * peak this machine reaches in a register-only FMA loop (measured first): end to end
 * ({@code gflops}, {@code peak_pct}), the step's GEMM arithmetic over the whole epoch time, and the
 * GEMMs' own ({@code gemm_gflops}, {@code gemm_peak_pct}), the same arithmetic over the time spent
 * inside {@link MatMul#mm}, which is {@code gemm_time_pct} of the epochs after the first. With more
 * than one thread each epoch's line also gives the cores' round trip ({@link Peak#roundTripNanos}),
 * which shows when a virtual machine's host has moved its cores apart.
 */
@Command(name = "bench", modelTransformer = SettingOptions.Threads.class, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures training and evaluation speed of the presets on real Fashion-MNIST."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, defaultValue = "simple,complex", split = ",",
            description = "Presets to measure: simple, complex, cnn, or all (default: ${DEFAULT-VALUE}).")
    List<String> model;
    @Option(names = {"-e", "--epochs"}, defaultValue = "3", description = "Epochs per model, at least 2 (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    /**
     * FLOP per training sample in the matrix multiplies (linear and convolution layers, forward and
     * backward), counted by {@link MatMul#multiplyAdds} over one real step of a fresh network; the
     * element-wise work is not counted, so this is what the GEMMs achieve.
     */
    static double trainFlopsPerSample(Settings s, ImageDataset train) {
        Module m = Run.model(s);
        Batch b = DataLoader.builder(train).batchSize(s.batchSize()).transform(Run.TRANSFORM).build().iterator().next();
        long before = MatMul.multiplyAdds();
        new CrossEntropyLoss().forward(m.forward(b.inputs()), b.labels()).backward();
        return 2.0 * (MatMul.multiplyAdds() - before) / b.size();
    }

    @Override
    public Integer call() throws Exception {
        if (epochs < 2) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--epochs must be at least 2 (the first is warm-up)");
        List<Preset> presets = new ArrayList<>();
        for (String id : model) {
            if (id.equals("all")) presets.addAll(Preset.FASHION_MNIST);
            else if (Preset.byId(id) != null) presets.add(Preset.byId(id));
            else throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown model '" + id + "': expected simple, complex, cnn or all");
        }
        PrintWriter out = spec.commandLine().getOut();
        int t = common.threads();
        Parallel.setThreads(t);
        double peak = Math.max(Peak.measureGflops(t), Peak.measureGflops(t)); // the first call still pays for some compilation
        out.printf(Locale.ROOT, "Peak: %.1f GFLOP/s (fp32 FMA, %d threads, %s SIMD, measured)%n", peak, t, jgrad.tensor.Simd.ENABLED ? "with" : "without");
        ImageDataset[] data = common.load();
        for (Preset p : presets) {
            var s = common.settings(p, epochs, 0L).build();
            List<Double> secs = new ArrayList<>();
            long[] gemm = new long[4];   // multiply-adds and nanoseconds at the end of epoch 1, then of the last
            Run.Result r = Run.run(s, data[0], data[1], new Trainer.Listener() {
                @Override
                public void onEpoch(Trainer.Epoch e) {
                    secs.add(e.seconds());
                    int at = e.epoch() == 1 ? 0 : 2;
                    gemm[at] = MatMul.multiplyAdds();
                    gemm[at + 1] = MatMul.nanos();
                    out.printf(Locale.ROOT, "  %s epoch %d: %.3f s, loss %.4f%s%n", p.id(), e.epoch(), e.seconds(), e.meanLoss(),
                            t > 1 ? String.format(Locale.ROOT, ", core round trip %.0f ns", Peak.roundTripNanos()) : "");
                    out.flush();
                }
            });
            double[] rest = secs.subList(1, secs.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = rest.length % 2 == 1 ? rest[rest.length / 2] : (rest[rest.length / 2 - 1] + rest[rest.length / 2]) / 2;
            double gflops = trainFlopsPerSample(s, data[0]) * data[0].size() / median / 1e9;
            double gemmGflops = 2.0 * (gemm[2] - gemm[0]) / (gemm[3] - gemm[1]);
            double evalSec = evalSeconds(r.model(), data[1]);
            out.printf(Locale.ROOT, "RESULT model=%s threads=%d median_epoch_s=%.3f samples_per_s=%.0f gflops=%.1f peak_pct=%.1f "
                            + "gemm_gflops=%.1f gemm_peak_pct=%.1f gemm_time_pct=%.1f eval_10k_s=%.3f eval_samples_per_s=%.0f test_acc=%.2f%n",
                    p.id(), t, median, data[0].size() / median, gflops, 100 * gflops / peak, gemmGflops, 100 * gemmGflops / peak,
                    100.0 * (gemm[3] - gemm[1]) / 1e9 / secs.subList(1, secs.size()).stream().mapToDouble(Double::doubleValue).sum(),
                    evalSec, data[1].size() / evalSec, r.test().accuracy());
        }
        return 0;
    }

    /** Median of 5 timed evaluations of the whole test set in eval mode ({@link Evaluation}), in batches of {@link Run#EVAL_BATCH}. */
    private static double evalSeconds(Module m, ImageDataset test) {
        List<Batch> batches = new ArrayList<>();
        DataLoader.builder(test).batchSize(Run.EVAL_BATCH).transform(Run.TRANSFORM).build().forEach(batches::add);
        double[] times = new double[5];
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            Evaluation.evaluate(m, batches, test.classNames(), true);
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return times[2];
    }
}
