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
