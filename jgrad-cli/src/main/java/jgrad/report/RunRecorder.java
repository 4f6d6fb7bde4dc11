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
import jgrad.data.ImageDataset;
import jgrad.data.Task;
import jgrad.nn.Module;
import jgrad.tensor.Simd;
import jgrad.train.Evaluation;
import jgrad.train.Trainer;

/**
 * A {@link Trainer.Listener} that keeps what the report needs from a training: every step's batch
 * loss, each epoch's mean loss, time and samples, and (as {@link Run.EpochScores}) each epoch's
 * scores on both sets, those of the run's task (accuracy and cross-entropy; for a binary task also
 * ROC AUC; for regression RMSE, MAE and R²). It passes every call on to {@code next} (e.g.
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
        epochs.add(new EpochRecord(e.epoch(), steps, e.meanLoss(), e.seconds(), e.samples()));
        steps = 0;
        next.onEpoch(e);
    }

    /** Attaches the scores on both sets to the epoch that just ended, for per-epoch curves. */
    @Override
    public void scored(int epoch, Evaluation train, Evaluation test) {
        if (epochs.isEmpty() || epochs.getLast().epoch() != epoch)
            throw new IllegalStateException("epoch " + epoch + " has not ended yet: nothing to attach the evaluation to");
        epochs.set(epochs.size() - 1, epochs.getLast().withScores(EpochRecord.Scores.of(train), EpochRecord.Scores.of(test)));
    }

    /**
     * The finished run: the recorded losses, the settings, seed and task of {@code result}, its test
     * confusion matrix (classes) or each test sample's score and true value (binary, regression),
     * and its final train and test evaluation as the last epoch's (unless {@link #scored} already
     * gave that epoch one). {@code worst} is kept when the test samples are images, else the record
     * has none (there is nothing to draw).
     */
    public RunRecord record(String name, Run.Result result, List<Misclassified> worst) {
        if (!epochs.isEmpty() && !epochs.getLast().scored()) scored(epochs.getLast().epoch(), result.train(), result.test());
        double trainSeconds = epochs.stream().mapToDouble(EpochRecord::seconds).sum();
        long samples = epochs.stream().mapToLong(EpochRecord::samples).sum();
        Evaluation test = result.test();
        boolean images = result.data().test() instanceof ImageDataset && test.task() != Task.REGRESS;
        return new RunRecord(name, settings(result), result.settings().seed(), stepLoss, epochs, test.task(),
                test.confusion(), test.classNames(), images ? worst : null, test.scores(), test.truth(), (System.nanoTime() - start) / 1e9,
                trainSeconds > 0 ? samples / trainSeconds : Double.NaN);
    }

    /** The settings of a run as the report's header lists them: every setting that has a value, the network, the task, then the machine. */
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
        m.put("task", r.data().task().id());
        m.put("threads", s.threads() + " of " + Runtime.getRuntime().availableProcessors() + " cores");
        m.put("kernels", Simd.ENABLED ? "Vector API, " + Simd.VL + " float lanes" : "scalar (jgrad.simd=false)");
        m.put("Java", Runtime.version().toString());
        return m;
    }
}
