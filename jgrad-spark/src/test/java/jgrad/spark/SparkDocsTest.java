package jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jgrad.cli.DocsTest;

/**
 * The command lines that README.md and docs/ quote and that {@code ./jgrad} runs on Spark
 * ({@code --spark}, {@code spark-parquet}, and what spark-submit runs) parse with this module's
 * {@link Main}, as jgrad-cli's {@link DocsTest} checks the others with {@code jgrad.cli.Main}.
 */
class SparkDocsTest {
    @Test
    void everyQuotedSparkCommandLineParses() {
        List<String> problems = new ArrayList<>();
        picocli.CommandLine jgrad = new picocli.CommandLine(new Main());
        int checked = 0;
        for (DocsTest.Quoted q : DocsTest.commands()) {
            if (!q.spark()) continue;
            problems.addAll(DocsTest.problems(q, jgrad));
            checked++;
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked >= 3, "found only " + checked + " Spark command lines in README.md and docs/");
    }
}
