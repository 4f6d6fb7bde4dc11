package jgrad.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The multi-run report opened from disk in a real browser, headless Chromium (Debian's
 * {@code chromium}, which {@code ./test} installs): every image loads and nothing reaches the
 * console. Without Chromium the test fails in CI as root (where it can be installed) and is
 * skipped elsewhere.
 */
class BrowserTest {
    /** Put at the start of a copy of the page: records errors from the first moment, reports after the load event. */
    private static final String CHECK = """
            <script>
            const problems = [];
            addEventListener('error', e => problems.push(e.target && e.target.src ? 'failed to load ' + e.target.src : 'error: ' + e.message), true);
            for (const level of ['error', 'warn']) {
              const log = console[level];
              console[level] = (...args) => { problems.push(level + ': ' + args.join(' ')); log.apply(console, args); };
            }
            addEventListener('load', () => {
              const images = [...document.images];
              const out = document.createElement('pre');
              out.id = 'jgrad-check';
              out.textContent = JSON.stringify({images: images.length,
                  loaded: images.filter(i => i.complete && i.naturalWidth > 0).length,
                  broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')), problems});
              document.body.appendChild(out);
            });
            </script>
            """;

    @TempDir
    Path tmp;

    @Test
    void everyImageLoadsAndTheConsoleStaysQuiet() throws Exception {
        String chromium = chromium();
        Path dir = tmp.resolve("report");
        ReportWriter.write(dir, SampleRuns.multi());
        checkInBrowser(chromium, dir);

        Path shot = tmp.resolve("screenshot.png");
        chromium(chromium, "--hide-scrollbars", "--window-size=1200,2400", "--screenshot=" + shot, dir.resolve("index.html").toUri().toString());
        BufferedImage png = ImageIO.read(shot.toFile());
        assertNotNull(png, "Chromium's screenshot does not decode");
        assertEquals(1200, png.getWidth());
        assertEquals(2400, png.getHeight());
        assertTrue(ReportWriterTest.distinctColours(png) > 200, "the rendered page is (nearly) blank: " + ReportWriterTest.distinctColours(png) + " colours");
    }

    @Test
    void binaryAndRegressionReportsLoadEveryImage() throws Exception {
        String chromium = chromium();
        for (RunRecord run : new RunRecord[]{SampleRuns.binary(), SampleRuns.regression()}) {
            Path dir = tmp.resolve(run.task().id());
            ReportWriter.write(dir, SampleRuns.report(run));
            checkInBrowser(chromium, dir);
        }
    }

    /** Opens the report in {@code dir} with a check put at the start of a copy of its page: every image loads, nothing reaches the console. */
    private void checkInBrowser(String chromium, Path dir) throws Exception {
        String html = Files.readString(dir.resolve("index.html"));
        int images = html.split("<img ", -1).length - 1;
        Path check = dir.resolve("browser-check.html");
        Files.writeString(check, html.replace("<head>\n", "<head>\n" + CHECK));

        Result r = chromium(chromium, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", check.toUri().toString());
        Matcher m = Pattern.compile("<pre id=\"jgrad-check\">(.*?)</pre>", Pattern.DOTALL).matcher(r.out);
        assertTrue(m.find(), "the page's check did not run; Chromium printed:\n" + r.out + "\n" + r.err);
        JsonNode result = new ObjectMapper().readTree(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
        assertEquals(images, result.get("images").asInt(), "images the browser found");
        assertEquals(images, result.get("loaded").asInt(), "images that did not load: " + result.get("broken"));
        assertEquals(0, result.get("problems").size(), "errors in the page: " + result.get("problems"));
        List<String> console = r.err.lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertEquals(List.of(), console, "console messages");
    }

    private record Result(String out, String err) {}

    /** Runs headless Chromium with a fresh profile and no network services of its own. */
    private Result chromium(String exe, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "profile");
        List<String> cmd = new ArrayList<>(List.of(exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("chromium.out"), err = tmp.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            fail("Chromium did not finish in 120 s: " + String.join(" ", cmd));
        }
        Result r = new Result(Files.readString(out), Files.readString(err));
        assertEquals(0, p.exitValue(), "Chromium failed: " + String.join(" ", cmd) + "\n" + r.err);
        return r;
    }

    /** Chromium's path; without it, fails where it can be installed (CI as root), else skips. */
    private static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path exe = Path.of(dir, "chromium");
            if (Files.isExecutable(exe)) return exe.toString();
        }
        String missing = "headless Chromium is not installed: ./test installs Debian's chromium package (ensure_chromium in .jgrad-env), "
                + "or run apt-get install chromium";
        if ("true".equals(System.getenv("CI")) && "root".equals(System.getProperty("user.name"))) fail(missing);
        Assumptions.abort(missing);
        return null;
    }
}
