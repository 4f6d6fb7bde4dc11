package jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import jgrad.fuzz.Fuzz.Expect;

/**
 * The regression corpus: the inputs of {@code src/test/resources/fuzz/<target>/} (one per bug the
 * fuzz harness found, and a few valid edge cases), each judged as in a campaign and expected to end
 * as its {@code expected.properties} says: {@code valid}, or refused with a message containing the
 * given text. A case of a target with several files is a directory holding them under the target's names.
 */
class FuzzCorpusTest {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException, URISyntaxException {
        Map<String, Fuzz.Target<?>> targets = Map.of("idx-images", IdxFuzzTest.IMAGES, "idx-labels", IdxFuzzTest.LABELS,
                "image-dataset", IdxFuzzTest.DATASET, "safetensors", SafeTensorsFuzzTest.target(dir), "image-files", ImageFuzzTest.TARGET,
                "model-file", ModelFileFuzzTest.TARGET);
        Path root = Path.of(FuzzCorpusTest.class.getResource("/fuzz").toURI());
        List<DynamicTest> tests = new ArrayList<>();
        for (var t : new TreeSet<>(targets.keySet())) {
            Fuzz.Target<?> target = targets.get(t);
            Properties expected = new Properties();
            try (var in = Files.newBufferedReader(root.resolve(t).resolve("expected.properties"))) { // UTF-8, unlike Properties' own default
                expected.load(in);
            }
            try (var cases = Files.list(root.resolve(t))) {
                List<String> names = cases.map(p -> p.getFileName().toString()).filter(n -> !n.equals("expected.properties")).sorted().toList();
                assertEquals(new TreeSet<>(expected.stringPropertyNames()), new TreeSet<>(names), t + ": every case has an expectation");
                for (String name : names)
                    tests.add(DynamicTest.dynamicTest(t + "/" + name, () -> check(target, root.resolve(t).resolve(name), expected.getProperty(name))));
            }
        }
        return tests.stream();
    }

    private void check(Fuzz.Target<?> target, Path c, String expected) throws IOException {
        byte[][] files = new byte[target.names().size()][];
        for (int f = 0; f < files.length; f++) files[f] = Files.readAllBytes(Files.isDirectory(c) ? c.resolve(target.names().get(f)) : c);
        Path work = Files.createTempDirectory(dir, "case");
        var input = new Fuzz.Input("corpus", expected.equals("valid") ? Expect.LOAD : Expect.REFUSE, files);
        Fuzz.run(target, input, work); // loads and initialises the reader's classes outside the allocation count, as a campaign does
        Fuzz.Outcome o = Fuzz.run(target, input, work);
        assertNull(o.failure(), o.failure());
        if (!expected.equals("valid")) assertTrue(o.problem().contains(expected), o.problem() + "\n  does not contain: " + expected);
    }
}
