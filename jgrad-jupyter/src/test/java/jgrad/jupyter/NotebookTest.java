package jgrad.jupyter;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The kernel as Jupyter runs it: the kernelspec installed into a temporary Jupyter path (running
 * the kernel on this test's class path with the kernelspec's JVM flags), then
 * <ul>
 *   <li>the protocol through {@code jupyter_client} ({@code src/test/python/protocol_check.py});</li>
 *   <li>{@code notebooks/exercise-1.ipynb} executed headless by Debian's nbclient with
 *       {@code JGRAD_NOTEBOOK_EPOCHS=1}: no error output, 1b's exact lines, accuracies above floors,
 *       real pictures; then rendered to HTML by {@code jupyter-nbconvert} and opened in headless
 *       Chromium, where every image must load.</li>
 * </ul>
 * Needs Debian's python3-jupyter-client, python3-nbclient, jupyter-nbconvert and chromium (which
 * {@code ./test} installs) and Fashion-MNIST; without them the tests fail in CI as root and are
 * skipped elsewhere.
 */
class NotebookTest {
    static final String PYTHON = "/usr/bin/python3";
    /** The seed's 1b output, line for line. */
    static final String SEED_1B = """
            Predicted Output (a3): 1.0
            Expected Output (y_true): 1.0
            Binary Cross-Entropy Loss: 0.0
            dL_dW1: tensor([[0., 0., 0., 0., 0.],
                    [0., 0., 0., 0., 0.],
                    [0., 0., 0., 0., 0.]])
            dL_dW2: tensor([[0., 0., 0.],
                    [0., 0., 0.]])
            dL_dW3: tensor([[0., 0.]])
            Updated W1: tensor([[2., 2., 2., 2., 2.],
                    [2., 2., 2., 2., 2.],
                    [2., 2., 2., 2., 2.]])
            Updated W2: tensor([[2., 2., 2.],
                    [2., 2., 2.]])
            Updated W3: tensor([[2., 2.]])
            """;
    /** After one epoch: 1c (SGD), 1d without eval() (Adam, BatchNorm), the cnn. */
    static final double[] ACCURACY_FLOORS = {70, 80, 80};

    @TempDir
    static Path jupyter;

    @BeforeAll
    static void installKernelspec() throws IOException {
        require(Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import jupyter_client, nbclient"), Map.of(), 60).exit == 0,
                "Debian's python3-jupyter-client and python3-nbclient are not installed: ./test installs them (ensure_jupyter in .jgrad-env)");
        require(Files.exists(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) || System.getenv("JGRAD_DATA") != null,
                "Fashion-MNIST is not installed: ./test installs Debian's dataset-fashion-mnist");
        KernelSpec.install(jupyter.resolve("share/jupyter/kernels"), null, List.of());
    }

    @Test
    void protocolThroughJupyterClient() throws IOException {
        Result r = run(List.of(PYTHON, "src/test/python/protocol_check.py"), env(), 600);
        System.out.println(r.out.lines().filter(l -> l.startsWith("timing ")).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, r.exit, "protocol check failed:\n" + r.out + "\n" + r.err);
        assertTrue(r.out.strip().endsWith("OK"), r.out);
    }

    @Test
    void exerciseOneRunsHeadlessAndEveryImageLoadsInABrowser() throws Exception {
        Path executed = jupyter.resolve("exercise-1.ipynb");
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("JGRAD_NOTEBOOK_EPOCHS", "1");
        Result r = run(List.of(PYTHON, "src/test/python/execute_notebook.py", "../notebooks/exercise-1.ipynb", executed.toString()), env, 1800);
        assertEquals(0, r.exit, "the notebook did not run to the end:\n" + r.err);

        JsonNode nb = new ObjectMapper().readTree(executed.toFile());
        assertEquals("jgrad", nb.at("/metadata/kernelspec/name").asText());
        StringBuilder stdout = new StringBuilder();
        int pngs = 0;
        for (JsonNode cell : nb.get("cells")) {
            if (!cell.get("cell_type").asText().equals("code")) continue;
            assertTrue(cell.get("outputs").size() > 0 || cell.get("source").asText().isBlank() || !cell.get("execution_count").isNull(),
                    "a code cell did not run: " + cell.get("source").asText());
            for (JsonNode out : cell.get("outputs")) {
                String type = out.get("output_type").asText();
                assertNotEquals("error", type, "error output in cell:\n" + cell.get("source").asText() + "\n" + out);
                if (type.equals("stream")) {
                    String text = join(out.get("text"));
                    assertFalse(text.contains("\r"), "a carriage return in a cell's output: " + text);
                    if (out.get("name").asText().equals("stdout")) stdout.append(text);
                    else fail("stderr output in cell:\n" + cell.get("source").asText() + "\n" + text);
                }
                JsonNode png = out.at("/data/image~1png");
                if (!png.isMissingNode()) {
                    BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(join(png))));
                    assertNotNull(img, "an image/png output does not decode");
                    assertTrue(img.getWidth() >= 100 && img.getHeight() >= 100, "a tiny picture: " + img.getWidth() + "×" + img.getHeight());
                    assertTrue(distinctColours(img) > 20, "a blank picture: " + distinctColours(img) + " colours");
                    pngs++;
                }
            }
        }
        assertTrue(pngs >= 4, "pictures in the notebook (a batch, two curves, the confusion matrix, misclassified images): " + pngs);
        assertTrue(stdout.toString().replace("\n\n", "\n").contains(SEED_1B), "1b's exact lines, got:\n" + stdout);
        Matcher m = Pattern.compile("Accuracy on test set: ([0-9.]+)%").matcher(stdout);
        List<Double> accuracies = new ArrayList<>();
        while (m.find()) accuracies.add(Double.parseDouble(m.group(1)));
        assertEquals(ACCURACY_FLOORS.length, accuracies.size(), "accuracy lines (1c, 1d, cnn): " + accuracies);
        for (int i = 0; i < accuracies.size(); i++)
            assertTrue(accuracies.get(i) > ACCURACY_FLOORS[i], "accuracy " + accuracies.get(i) + "% is not above " + ACCURACY_FLOORS[i] + "%");

        // the executed notebook as HTML, in a real browser
        Result html = run(List.of("jupyter-nbconvert", "--to", "html", executed.toString()), env(), 300);
        assertEquals(0, html.exit, "nbconvert --to html failed:\n" + html.err);
        Path page = jupyter.resolve("exercise-1.html");
        Browser.Check check = Browser.check(chromium(), page, jupyter);
        assertTrue(check.images() >= pngs, "the page shows " + check.images() + " images, the notebook has " + pngs);
        assertEquals(check.images(), check.loaded(), "images that did not load: " + check.broken());
        String shot = System.getProperty("jgrad.notebook.screenshot");
        if (shot != null) Browser.screenshot(chromium(), page, Path.of(shot), jupyter);
    }

    private static Map<String, String> env() {
        return Map.of("JUPYTER_PATH", jupyter.resolve("share/jupyter").toString(), "JUPYTER_RUNTIME_DIR", jupyter.resolve("runtime").toString());
    }

    static String join(JsonNode text) {
        if (!text.isArray()) return text.asText();
        StringBuilder sb = new StringBuilder();
        text.forEach(t -> sb.append(t.asText()));
        return sb.toString();
    }

    static int distinctColours(BufferedImage b) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < b.getHeight(); y++) for (int x = 0; x < b.getWidth(); x++) c.add(b.getRGB(x, y));
        return c.size();
    }

    record Result(int exit, String out, String err) {}

    /** Runs a command in this module's directory; on timeout kills it and everything it started. */
    static Result run(List<String> cmd, Map<String, String> env, int seconds) throws IOException {
        Path out = Files.createTempFile("jgrad-nb", ".out"), err = Files.createTempFile("jgrad-nb", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            try {
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                    fail("did not finish in " + seconds + " s: " + String.join(" ", cmd) + "\n" + Files.readString(out) + Files.readString(err));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("interrupted", e);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Fails where the missing piece can be installed (CI as root), else skips. */
    static void require(boolean ok, String missing) {
        if (ok) return;
        if ("true".equals(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) fail(missing);
        Assumptions.abort(missing);
    }

    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path exe = Path.of(dir, "chromium");
            if (Files.isExecutable(exe)) return exe.toString();
        }
        require(false, "headless Chromium is not installed: ./test installs Debian's chromium package (ensure_chromium in .jgrad-env)");
        return null;
    }
}
