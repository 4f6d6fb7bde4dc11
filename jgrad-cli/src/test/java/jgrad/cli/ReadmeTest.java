package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** README.md stays true to the code it quotes: the example project, verbatim, and every path it names exists (build outputs aside). */
class ReadmeTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theReadmeQuotesTheExampleProjectVerbatim() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String example = Files.readString(ROOT.resolve("examples/notebook-1c/src/main/java/example/Notebook1c.java")).strip();
        assertTrue(readme.contains(example), "README.md's Java example differs from examples/notebook-1c's Notebook1c.java");
    }

    @Test
    void everyScriptAndFileTheReadmeNamesIsInTheRepository() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        var m = Pattern.compile("`((?:\\./)?(?:bench|tools|docs|examples|jgrad-core|jgrad-cli|jgrad-spark)/[\\w./-]+)`").matcher(readme);
        int checked = 0;
        while (m.find()) {
            String path = m.group(1).replaceFirst("^\\./", "").replaceFirst("/\\*.*$", "");
            if (path.contains("/target/")) continue; // what a build makes, not a file of the repository
            assertTrue(Files.exists(ROOT.resolve(path)), "README.md names " + path + ", which is not in the repository");
            checked++;
        }
        assertTrue(checked >= 5, "found only " + checked + " paths in README.md");
        assertFalse(readme.contains("../shared"), "README.md names a path outside the repository");
    }
}
