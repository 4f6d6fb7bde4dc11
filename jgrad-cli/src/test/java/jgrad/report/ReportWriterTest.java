package jgrad.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.app.Run;
import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.ImageDataset;
import jgrad.data.Task;
import jgrad.models.Net;
import jgrad.tensor.Rng;

/** The report written from real short trainings on Fashion-MNIST ({@link SampleRuns}). */
class ReportWriterTest {
    private static final List<String> RUN_PICTURES = List.of("loss.png", "accuracy.png", "cross-entropy.png",
            "confusion.png", "per-class.png", "misclassified.png");

    @TempDir
    Path tmp;

    @Test
    void singleRunPageHasEveryPictureItShowsDecodableAtItsSize() throws IOException {
        Report report = SampleRuns.single();
        Path dir = tmp.resolve("report");
        ReportWriter.write(dir, report);
        Set<String> expected = new HashSet<>(RUN_PICTURES);
        expected.add("index.html");
        assertEquals(expected, names(dir));
        String html = Files.readString(dir.resolve("index.html"));
        checkImages(dir, html, 6);
        RunRecord r = report.runs().getFirst();
        for (String s : new String[]{"<h2>Run 1c</h2>", "<th>learning rate</th><td>0.01</td>", "<th>seed</th><td>0</td>",
                "<th>batch size</th><td>64</td>", "jgrad 0.1.0", "0.4815", "training samples/s", r.summary().get(RunRecord.TEST_ACCURACY)})
            assertTrue(html.contains(s), s + " missing from the page");
        // the notebook's final figures are after its 10 epochs: beside a 3-epoch run only its epoch-3 loss (0.4815) compares
        assertFalse(html.contains("84.47%"), "the notebook's 10-epoch accuracy beside a 3-epoch run");
        // the loss chart is a line chart of the standard size, the confusion matrix has all 10 000 test images
        BufferedImage loss = ImageIO.read(dir.resolve("loss.png").toFile());
        assertEquals(Charts.WIDTH, loss.getWidth());
        assertEquals(Charts.HEIGHT, loss.getHeight());
        assertEquals(10_000, java.util.Arrays.stream(r.confusion()).flatMapToLong(java.util.Arrays::stream).sum());
        assertEquals(3 * 200, r.stepLoss().size());
        assertEquals(16, r.worst().size());
    }

    @Test
    void multiRunPageOverlaysTheRunsAndSetsThePublishedNumbersBesideEach() throws IOException {
        Report report = SampleRuns.multi();
        Path dir = tmp.resolve("seed-report");
        ReportWriter.write(dir, report);
        Set<String> expected = new HashSet<>(Set.of("index.html", "compare-loss.png", "compare-accuracy.png"));
        for (int i = 1; i <= 3; i++) for (String p : RUN_PICTURES) expected.add("run" + i + "-" + p);
        assertEquals(expected, names(dir));
        String html = Files.readString(dir.resolve("index.html"));
        checkImages(dir, html, 2 + 3 * 6);
        for (String s : new String[]{"1c published", "1c jgrad", "1d published", "1d jgrad", "1c seed 1 jgrad", "0.4815", "0.3222",
                "<h2>Run 1c seed 1</h2>"})
            assertTrue(html.contains(s), s + " missing from the page");
        assertFalse(html.contains("1c seed 1 published"), "a run without published numbers has no column for them");
        for (RunRecord r : report.runs())
            for (String v : r.summary().values()) assertTrue(html.contains("<td class=\"num\">" + v + "</td>"), r.name() + "'s " + v);
    }

    @Test
    void aFailedWriteLeavesThePreviousReportWholeAndNothingElse() throws IOException {
        Path dir = tmp.resolve("report");
        ReportWriter.write(dir, SampleRuns.single());
        Map<String, byte[]> before = contents(dir);
        List<String> written = new ArrayList<>();
        IOException e = assertThrows(IOException.class, () -> ReportWriter.write(dir, SampleRuns.multi(), name -> {
            written.add(name);
            if (written.size() == 3) throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals(3, written.size(), "the write stopped at the failure");
        assertContentsEqual(before, contents(dir));
        assertEquals(Set.of("report"), names(tmp), "no temporary directory is left beside the report");
    }

    @Test
    void aSecondWriteReplacesTheFirstReportWhole() throws IOException {
        Path dir = tmp.resolve("report");
        ReportWriter.write(dir, SampleRuns.single());
        ReportWriter.write(dir, SampleRuns.multi());
        assertContentsEqual(ReportWriter.render(SampleRuns.multi()), contents(dir));
        assertFalse(Files.exists(dir.resolve("loss.png")), "no file of the first report is left");
        assertEquals(Set.of("report"), names(tmp));
    }

    @Test
    void refusesToReplaceWhatIsNotAReport() throws IOException {
        Path dir = tmp.resolve("notes");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("todo.txt"), "keep me");
        IOException e = assertThrows(IOException.class, () -> ReportWriter.write(dir, SampleRuns.single()));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("not a jgrad report"), e.getMessage());
        assertEquals("keep me", Files.readString(dir.resolve("todo.txt")));
        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        e = assertThrows(IOException.class, () -> ReportWriter.write(file, SampleRuns.single()));
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        assertEquals(Set.of("notes", "file"), names(tmp));
    }

    @Test
    void inconsistentRecordsAreRejectedWithBothShapes() throws IOException {
        RunRecord r = SampleRuns.simple();
        var e = assertThrows(IllegalArgumentException.class, () -> new RunRecord(r.name(), r.settings(), r.seed(), r.stepLoss(),
                r.epochs(), new long[3][3], r.classNames(), r.worst(), r.seconds(), r.samplesPerSecond()));
        assertTrue(e.getMessage().contains("3×3") && e.getMessage().contains("10×10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RunRecord(r.name(), r.settings(), r.seed(), r.stepLoss().subList(0, 5),
                r.epochs(), r.confusion(), r.classNames(), r.worst(), r.seconds(), r.samplesPerSecond()));
        assertTrue(e.getMessage().contains("600 steps") && e.getMessage().contains("5 step losses"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Misclassified(7, 1, 2, 0.9, 28, 28, new byte[700]));
        assertTrue(e.getMessage().contains("700 pixels") && e.getMessage().contains("28×28"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Report("t", "v", List.of(r, r), Map.of()));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
    }

    @Test
    void movingAverageIsDebiased() {
        assertArrayEquals(new double[]{3, 3, 3}, Charts.ema(new double[]{3, 3, 3}, 0.9), 1e-12, "a constant stays itself from the first step");
        // s1 = 0.5·2 = 1, /(1 - 0.5) = 2; s2 = 0.5·1 + 0.5·0 = 0.5, /(1 - 0.25) = 2/3
        assertArrayEquals(new double[]{2, 2.0 / 3}, Charts.ema(new double[]{2, 0}, 0.5), 1e-12);
    }

    @Test
    void mostConfidentMisclassificationsAreWrongOrderedAndWhatTheModelSays() throws IOException {
        ImageDataset test = SampleRuns.test();
        Rng.manualSeed(3);
        Net net = new Net();
        net.train();
        List<Misclassified> worst = Misclassifications.mostConfident(net, test, 16);
        assertTrue(net.isTraining(), "the model's mode is restored");
        assertEquals(16, worst.size());
        float[] table = Run.TRANSFORM.lookupTable();
        for (int i = 0; i < worst.size(); i++) {
            Misclassified m = worst.get(i);
            if (i > 0) assertTrue(m.probability() <= worst.get(i - 1).probability(), "most confident first");
            assertEquals(test.label(m.index()), m.label());
            float[] x = new float[28 * 28];
            for (int p = 0; p < x.length; p++) {
                assertEquals(test.pixel(m.index(), p / 28, p % 28), m.pixels()[p] & 0xFF, "the image's own pixels");
                x[p] = table[m.pixels()[p] & 0xFF];
            }
            try (var g = GradMode.noGrad()) {
                net.eval();
                Tensor logits = net.forward(Tensor.of(x, 1, 1, 28, 28));
                net.train();
                assertEquals(m.predicted(), (int) logits.argmax(1).item());
                assertEquals(logits.softmax(1).get(0, m.predicted()), m.probability(), 1e-6);
            }
            assertNotEquals(m.label(), m.predicted());
        }
    }

    @Test
    void binaryRunShowsAccuracyCrossEntropyAndTheRocCurve() throws IOException {
        RunRecord r = SampleRuns.binary();
        Path dir = tmp.resolve("binary");
        ReportWriter.write(dir, SampleRuns.report(r));
        // a table: no misclassified images to draw; a confusion matrix of two classes, no per-class chart beside it
        assertEquals(Set.of("index.html", "loss.png", "accuracy.png", "cross-entropy.png", "roc.png", "confusion.png"), names(dir));
        String html = Files.readString(dir.resolve("index.html"));
        checkImages(dir, html, 5);
        assertEquals(Task.BINARY, r.task());
        assertNull(r.worst());
        assertEquals(List.of("malignant", "benign"), r.classNames());
        // 569 rows, a fifth held out
        assertEquals(113, r.truth().length);
        assertEquals(113, java.util.Arrays.stream(r.confusion()).flatMapToLong(java.util.Arrays::stream).sum());
        EpochRecord.Scores test = r.epochs().getLast().test();
        assertTrue(test.accuracy() > 90 && test.auc() > 0.95, "accuracy " + test.accuracy() + ", AUC " + test.auc());
        assertEquals(r.testAccuracy(), test.accuracy(), 1e-9, "the confusion matrix and the scores agree");
        // the area under the curve the chart draws is the AUC the evaluation ranked out
        double[][] roc = Charts.rocCurve(r.scores(), r.truth());
        assertEquals(test.auc(), area(roc), 1e-9);
        for (String s : new String[]{"<th class=\"num\">test ROC AUC</th>", "<th class=\"num\">training binary cross-entropy</th>",
                "<th>ROC AUC, test set</th>", "<td class=\"num\">" + RunRecord.fixed(test.auc()) + "</td>", "ROC curve of run breast cancer"})
            assertTrue(html.contains(s), s + " missing from the page");
        for (EpochRecord e : r.epochs()) assertTrue(e.scored() && !Double.isNaN(e.train().auc()), "epoch " + e.epoch() + " has its AUC");
    }

    @Test
    void regressionShowsRmseMaeR2AndPredictedAgainstTrue() throws IOException {
        RunRecord r = SampleRuns.regression();
        Path dir = tmp.resolve("regression");
        ReportWriter.write(dir, SampleRuns.report(r));
        assertEquals(Set.of("index.html", "loss.png", "errors.png", "r2.png", "scatter.png"), names(dir));
        String html = Files.readString(dir.resolve("index.html"));
        checkImages(dir, html, 4);
        assertEquals(Task.REGRESS, r.task());
        assertNull(r.worst());
        assertEquals(0, r.confusion().length);
        assertEquals(88, r.scores().length);
        EpochRecord.Scores test = r.epochs().getLast().test();
        // the scores are in the target's units (disease progression, 25 to 346), not standardised
        double n = r.truth().length, sum = 0, sq = 0, res = 0, abs = 0;
        for (int i = 0; i < n; i++) {
            double d = r.scores()[i] - r.truth()[i];
            sum += r.truth()[i];
            sq += r.truth()[i] * (double) r.truth()[i];
            res += d * d;
            abs += Math.abs(d);
        }
        assertEquals(Math.sqrt(res / n), test.rmse(), 1e-3 * test.rmse(), "RMSE from the drawn points");
        assertEquals(abs / n, test.mae(), 1e-3 * test.mae(), "MAE from the drawn points");
        assertEquals(1 - res / (sq - sum * sum / n), test.r2(), 1e-4, "R² from the drawn points");
        assertTrue(test.r2() > 0.3 && test.rmse() > 20 && test.rmse() < 80, "R² " + test.r2() + ", RMSE " + test.rmse());
        assertTrue(Double.isNaN(test.accuracy()));
        for (String s : new String[]{"<th>RMSE, test set</th>", "<th>R², training set</th>", "<th class=\"num\">test MAE</th>",
                "<td class=\"num\">" + RunRecord.fixed(test.r2()) + "</td>", "Predicted against true values of run diabetes"})
            assertTrue(html.contains(s), s + " missing from the page");
        assertFalse(html.contains("accuracy"), "a regression has no accuracy");
    }

    @Test
    void rocCurveStepsThroughTiesDiagonally() {
        // descending: 0.9 positive, then 0.8 positive and negative together, then 0.1 negative
        double[][] c = Charts.rocCurve(new float[]{0.8f, 0.1f, 0.9f, 0.8f}, new float[]{0, 0, 1, 1});
        assertArrayEquals(new double[]{0, 0, 0.5, 1}, c[0], 1e-12, "false positive rates");
        assertArrayEquals(new double[]{0, 0.5, 1, 1}, c[1], 1e-12, "true positive rates");
        // of the 4 positive-negative pairs, 3 are ordered right and one tied: AUC 3.5/4
        assertEquals(0.875, area(c), 1e-12);
    }

    @Test
    void recordsOfEachTaskAreChecked() throws IOException {
        RunRecord r = SampleRuns.simple();
        var e = assertThrows(IllegalArgumentException.class, () -> new RunRecord("b", r.settings(), 0, r.stepLoss(), r.epochs(), Task.BINARY,
                new long[2][2], List.of("no", "yes"), null, null, null, 1, 1));
        assertTrue(e.getMessage().contains("needs each test sample's score and true value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RunRecord("b", r.settings(), 0, r.stepLoss(), r.epochs(), Task.BINARY,
                new long[2][2], List.of("no", "yes"), null, new float[]{0.5f}, new float[]{2}, 1, 1));
        assertTrue(e.getMessage().contains("label 2.0, not 0 or 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RunRecord("r", r.settings(), 0, r.stepLoss(), r.epochs(), Task.REGRESS,
                new long[0][0], List.of("a"), null, new float[1], new float[1], 1, 1));
        assertTrue(e.getMessage().contains("real-valued targets have no classes"), e.getMessage());
    }

    /** The area under a curve of corners by trapezoids. */
    private static double area(double[][] c) {
        double a = 0;
        for (int i = 1; i < c[0].length; i++) a += (c[0][i] - c[0][i - 1]) * (c[1][i] + c[1][i - 1]) / 2;
        return a;
    }

    /** Every image the page references exists, decodes at the size the page gives it, and is not blank; nothing is fetched from elsewhere. */
    static void checkImages(Path dir, String html, int count) throws IOException {
        assertFalse(html.contains("<script"), "the report has no script");
        Matcher link = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (link.find()) assertFalse(link.group(1).matches("(?i)(https?:)?//.*"), "fetched from elsewhere: " + link.group(1));
        assertFalse(html.matches("(?s).*url\\(\\s*['\"]?(https?:)?//.*"), "no remote CSS resource");
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\" width=\"(\\d+)\" height=\"(\\d+)\"").matcher(html);
        int n = 0;
        while (img.find()) {
            n++;
            Path f = dir.resolve(img.group(1));
            assertTrue(Files.isRegularFile(f), img.group(1) + " is referenced but missing");
            BufferedImage b = ImageIO.read(f.toFile());
            assertNotNull(b, img.group(1) + " does not decode as an image");
            assertEquals(Integer.parseInt(img.group(2)), b.getWidth(), img.group(1) + " width");
            assertEquals(Integer.parseInt(img.group(3)), b.getHeight(), img.group(1) + " height");
            assertTrue(distinctColours(b) > 16, img.group(1) + " is (nearly) blank: " + distinctColours(b) + " colours");
        }
        assertEquals(count, n, "images on the page");
        assertEquals(count, html.split("<img ", -1).length - 1, "every <img> has a relative src, width and height");
    }

    static int distinctColours(BufferedImage b) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < b.getHeight(); y++) for (int x = 0; x < b.getWidth(); x++) c.add(b.getRGB(x, y));
        return c.size();
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        for (String n : names(dir)) m.put(n, Files.readAllBytes(dir.resolve(n)));
        return m;
    }

    private static void assertContentsEqual(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet());
        expected.forEach((n, b) -> assertArrayEquals(b, actual.get(n), n + " differs"));
    }
}
