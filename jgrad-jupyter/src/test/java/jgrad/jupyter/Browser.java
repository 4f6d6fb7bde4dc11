package jgrad.jupyter;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A page opened from disk in headless Chromium (the flags jgrad-cli's report browser test uses:
 * a fresh profile, no sandbox as root, no network services of its own), reporting what its images did.
 */
final class Browser {
    private Browser() {}

    /** What the page's images did: how many, how many decoded, the sources of the others. */
    record Check(int images, int loaded, List<String> broken) {}

    /** Put first in the page's head: after the load event, writes the images' state into the page for --dump-dom. */
    private static final String CHECK = """
            <script>
            addEventListener('load', () => {
              const images = [...document.images];
              const out = document.createElement('pre');
              out.id = 'jgrad-check';
              out.textContent = JSON.stringify({images: images.length,
                  loaded: images.filter(i => i.complete && i.naturalWidth > 0).length,
                  broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 80))});
              document.body.appendChild(out);
            });
            </script>
            """;

    static Check check(String chromium, Path page, Path work) throws IOException {
        String html = Files.readString(page);
        int head = html.indexOf("<head>");
        assertTrue(head >= 0, "no <head> in " + page);
        Path copy = page.resolveSibling("browser-check.html");
        Files.writeString(copy, html.substring(0, head + 6) + "\n" + CHECK + html.substring(head + 6));
        NotebookTest.Result r = chromium(chromium, work, "--virtual-time-budget=10000", "--dump-dom", copy.toUri().toString());
        Matcher m = Pattern.compile("<pre id=\"jgrad-check\">(.*?)</pre>", Pattern.DOTALL).matcher(r.out());
        assertTrue(m.find(), "the page's check did not run; Chromium printed:\n" + r.err());
        JsonNode j = new ObjectMapper().readTree(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
        List<String> broken = new ArrayList<>();
        j.get("broken").forEach(b -> broken.add(b.asText()));
        return new Check(j.get("images").asInt(), j.get("loaded").asInt(), broken);
    }

    /** A screenshot of the page's top, 1100 pixels wide. */
    static void screenshot(String chromium, Path page, Path png, Path work) throws IOException {
        chromium(chromium, work, "--hide-scrollbars", "--window-size=1100,1500", "--screenshot=" + png.toAbsolutePath(), page.toUri().toString());
    }

    private static NotebookTest.Result chromium(String exe, Path work, String... args) throws IOException {
        Path profile = Files.createTempDirectory(work, "profile");
        List<String> cmd = new ArrayList<>(List.of(exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        NotebookTest.Result r = NotebookTest.run(cmd, Map.of(), 180);
        assertEquals(0, r.exit(), "Chromium failed: " + String.join(" ", cmd) + "\n" + r.err());
        return r;
    }
}
