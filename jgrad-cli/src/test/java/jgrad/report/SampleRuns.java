package jgrad.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.data.Dataset;
import jgrad.data.ImageDataset;
import jgrad.testdata.Sklearn;
import jgrad.train.Trainer;

/**
 * Short real trainings for the report's tests: the notebook's networks on the first
 * {@value #TRAIN_IMAGES} Fashion-MNIST training images for {@value #EPOCHS} epochs (200 steps
 * each), evaluated on both sets after every epoch and tested on the full test set; and the
 * {@code mlp} preset on two of sklearn's tables, a binary task and a regression. Trained once
 * per JVM and shared. {@link #main} writes a sample report, e.g. of the notebook's full 1c training.
 */
final class SampleRuns {
    static final int TRAIN_IMAGES = 12_800, EPOCHS = 3;
    private static ImageDataset[] full;
    private static final Map<String, RunRecord> RUNS = new LinkedHashMap<>();

    private SampleRuns() {}

    private static synchronized ImageDataset[] data() throws IOException {
        if (full == null) full = Run.load(null, false);
        return full;
    }

    static ImageDataset test() throws IOException {
        return data()[1];
    }

    /** The 1c run (seed 0). */
    static RunRecord simple() throws IOException {
        return run("1c", Preset.SIMPLE, 0, TRAIN_IMAGES, EPOCHS);
    }

    /** 1c, 1d and 1c with seed 1: a multi-run report. */
    static Report multi() throws IOException {
        List<RunRecord> runs = List.of(simple(), run("1d", Preset.COMPLEX, 0, TRAIN_IMAGES, EPOCHS), run("1c seed 1", Preset.SIMPLE, 1, TRAIN_IMAGES, EPOCHS));
        return new Report("jgrad seed: the notebook's 1c and 1d", "0.1.0", runs,
                Map.of("1c", Report.notebookNumbers(Preset.SIMPLE, EPOCHS), "1d", Report.notebookNumbers(Preset.COMPLEX, EPOCHS)));
    }

    static Report single() throws IOException {
        return new Report("jgrad train: notebook 1c", "0.1.0", List.of(simple()), Map.of("1c", Report.notebookNumbers(Preset.SIMPLE, EPOCHS)));
    }

    /** A binary run: the {@code mlp} preset on sklearn's breast cancer table ({@link Sklearn}), 20 epochs, scored after each. */
    static RunRecord binary() throws IOException {
        return table("breast cancer", Sklearn.breastCancer(), 20);
    }

    /** A regression: the {@code mlp} preset on sklearn's diabetes table, 20 epochs, scored after each. */
    static RunRecord regression() throws IOException {
        return table("diabetes", Sklearn.diabetes(), 20);
    }

    static Report report(RunRecord r) {
        return new Report("jgrad train: " + r.name(), "0.1.0", List.of(r), Map.of());
    }

    private static synchronized RunRecord table(String name, Dataset[] data, int epochs) {
        return RUNS.computeIfAbsent(name, k -> {
            RunRecorder recorder = new RunRecorder(Trainer.Listener.NONE);
            Run.Result result = Run.run(Settings.builder(Preset.MLP).epochs(epochs).build(), data[0], data[1], recorder);
            return recorder.record(name, result, Misclassifications.mostConfident(result, 16));
        });
    }

    /** {@link Run#run}'s training on the first {@code images} training images, scored after every epoch. */
    static synchronized RunRecord run(String name, Preset p, long seed, int images, int epochs) throws IOException {
        String key = name + "/" + images + "/" + epochs;
        if (RUNS.containsKey(key)) return RUNS.get(key);
        ImageDataset train = images < data()[0].size() ? firstImages(data()[0], images) : data()[0], test = test();
        RunRecorder recorder = new RunRecorder(Trainer.Listener.NONE);
        Run.Result result = Run.run(Settings.builder(p).epochs(epochs).seed(seed).build(), train, test, recorder);
        RunRecord r = recorder.record(name, result, Misclassifications.mostConfident(result.model(), test, 16));
        RUNS.put(key, r);
        return r;
    }

    /** The first {@code n} images of {@code d}, copied. */
    private static ImageDataset firstImages(ImageDataset d, int n) {
        byte[] pixels = new byte[n * d.rows() * d.cols()], labels = new byte[n];
        d.pixels().get(0, pixels);
        d.labels().get(0, labels);
        return ImageDataset.of(d.name() + "[:" + n + "]", d.classNames(), d.rows(), d.cols(), pixels, labels);
    }

    /**
     * {@code DIR}: writes the tests' single-run report to {@code DIR/single}, the multi-run one to {@code DIR/multi}, and the
     * binary and regression ones to {@code DIR/binary} and {@code DIR/regression};
     * {@code DIR EPOCHS}: the single-run report of 1c trained on all 60000 images for EPOCHS epochs, to {@code DIR}.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/sample-report");
        if (args.length > 1) {
            int epochs = Integer.parseInt(args[1]);
            RunRecord r = run("1c", Preset.SIMPLE, 0, data()[0].size(), epochs);
            ReportWriter.write(out, new Report("jgrad train: notebook 1c", "0.1.0", List.of(r), Map.of("1c", Report.notebookNumbers(Preset.SIMPLE, epochs))));
            System.out.println("wrote " + out.toAbsolutePath() + "/index.html");
            return;
        }
        ReportWriter.write(out.resolve("single"), single());
        ReportWriter.write(out.resolve("multi"), multi());
        ReportWriter.write(out.resolve("binary"), report(binary()));
        ReportWriter.write(out.resolve("regression"), report(regression()));
        System.out.println("wrote " + out.toAbsolutePath() + "/{single,multi,binary,regression}/index.html");
    }
}
