package jgrad.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jgrad.app.Run;
import jgrad.app.Setting;
import jgrad.app.Settings;
import jgrad.autograd.Tensor;
import jgrad.nn.Module;
import jgrad.tensor.Simd;
import jgrad.train.Evaluation;
import jgrad.train.Trainer;

/**
 * A {@link Trainer.Listener} that keeps what the report needs from a training: every step's batch
 * loss, each epoch's mean loss, time and samples, and (as {@link Run.EpochScores}) each epoch's
 * accuracy and cross-entropy on both sets. It passes every call on to {@code next} (e.g.
 * the CLI's progress bar), so it can sit in front of any other listener.
 *
 * <pre>{@code
 * var recorder = new RunRecorder(Trainer.Listener.NONE);
 * Run.Result r = Run.run(settings, train, test, recorder);
 * RunRecord run = recorder.record("1c", r, Misclassifications.mostConfident(r.model(), test, 16));
 * }</pre>
 */
public final class RunRecorder implements Run.EpochScores {
    private final Trainer.Listener next;
    private final long start = System.nanoTime();
    private final List<Double> stepLoss = new ArrayList<>();
    private final List<EpochRecord> epochs = new ArrayList<>();
    private int steps;

    /** Starts the run's clock: {@link RunRecord#seconds()} runs from here to {@link #record}. */
    public RunRecorder(Trainer.Listener next) {
        this.next = next;
    }

    @Override
    public void onStep(int epoch, int step, int stepsInEpoch, float loss) {
        stepLoss.add((double) loss);
        steps++;
        next.onStep(epoch, step, stepsInEpoch, loss);
    }

    @Override
    public void onEpoch(Trainer.Epoch e) {
        epochs.add(new EpochRecord(e.epoch(), steps, e.meanLoss(), e.seconds(), e.samples(), Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        steps = 0;
        next.onEpoch(e);
    }

    /** Attaches accuracy and cross-entropy on both sets to the epoch that just ended, for per-epoch curves. */
    @Override
    public void scored(int epoch, Evaluation train, Evaluation test) {
        if (epochs.isEmpty() || epochs.getLast().epoch() != epoch)
            throw new IllegalStateException("epoch " + epoch + " has not ended yet: nothing to attach the evaluation to");
        epochs.set(epochs.size() - 1, epochs.getLast().withEvaluation(train.accuracy(), train.meanLoss(), test.accuracy(), test.meanLoss()));
    }

    /**
     * The finished run: the recorded losses, the settings and seed of {@code result}, its test
     * confusion matrix, and its final train and test evaluation as the last epoch's (unless
     * {@link #evaluated} already gave that epoch one).
     */
    public RunRecord record(String name, Run.Result result, List<Misclassified> worst) {
        if (!epochs.isEmpty() && Double.isNaN(epochs.getLast().testAccuracy())) scored(epochs.getLast().epoch(), result.train(), result.test());
        double trainSeconds = epochs.stream().mapToDouble(EpochRecord::seconds).sum();
        long samples = epochs.stream().mapToLong(EpochRecord::samples).sum();
        return new RunRecord(name, settings(result), result.settings().seed(), stepLoss, epochs,
                result.test().confusion(), result.test().classNames(), worst, (System.nanoTime() - start) / 1e9,
                trainSeconds > 0 ? samples / trainSeconds : Double.NaN);
    }

    /** The settings of a run as the report's header lists them: every setting that has a value, then the machine. */
    static Map<String, String> settings(Run.Result r) {
        Settings s = r.settings();
        Module model = r.model();
        Map<String, String> m = new LinkedHashMap<>();
        long params = model.parameters().stream().mapToLong(Tensor::numel).sum();
        for (Setting x : Setting.values())
            if (s.get(x) != null && x != Setting.THREADS && !(Setting.DATA_OPTIONS.contains(x) && s.get(x).equals(x.defaultFor(s.preset()))))
                m.put(x.title, x.shown(s.get(x)));
        m.put("network", Run.spec(s, r.data()).resolved());
        m.put("model", model.getClass().getSimpleName() + ", " + String.format(Locale.ROOT, "%,d", params) + " parameters");
        m.put("threads", s.threads() + " of " + Runtime.getRuntime().availableProcessors() + " cores");
        m.put("kernels", Simd.ENABLED ? "Vector API, " + Simd.VL + " float lanes" : "scalar (jgrad.simd=false)");
        m.put("Java", Runtime.version().toString());
        return m;
    }
}
