package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** {@code jgrad exercise 1a}, {@code jgrad ablate} and {@code jgrad train --seeds} on real Fashion-MNIST, kept short. */
class ExplainCommandsTest {
    private static Out run(String... args) {
        return Out.run(args);
    }

    @Test
    void exercise1aMeasuresEveryClaim() {
        Out r = run("exercise", "1a", "--no-download");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[]{"(1) \"Backpropagation", "(5) Gradient descent", "max relative error", "ratio ", "max |difference|",
                "a local minimum", "lr 0.11: ends at"})
            assertTrue(r.out().contains(s), s + " missing from\n" + r.out());
    }

    @Test
    void ablateShortRunPrintsTableVerdictAndChart() throws Exception {
        Path dir = Path.of("target", "ablate-report");
        Out r = run("ablate", "--epochs", "1", "--seeds", "2", "--variants", "2", "--train-subset", "1000", "--no-progress",
                "--no-download", "--report", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Ablation: 2 rungs × 2 seeds (0..1), 1 epochs"), r.out());
        assertTrue(r.out().matches("(?s).*\\n1c +\\d+\\.\\d\\d ± \\d+\\.\\d\\d +\\[.*\\ndeeper +\\d+\\.\\d\\d ± .*"), r.out());
        assertTrue(r.out().contains("deeper (more and wider layers (784-512-256-128-10)): accuracy "), r.out());
        assertTrue(Files.size(dir.resolve("bars.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("index.html")).contains("deeper"), "the page carries the table");
    }

    @Test
    void badCountsExitWith2() {
        assertEquals(2, run("ablate", "--variants", "9", "--no-download").code());
        Out v = run("ablate", "--variants", "1c,wide", "--no-download");
        assertEquals(2, v.code());
        assertTrue(v.err().contains("unknown variant 'wide'"), v.err());
        assertEquals(2, run("ablate", "--seeds", "0", "--no-download").code());
        assertEquals(2, run("train", "--seeds", "0", "--no-download").code());
    }
}
