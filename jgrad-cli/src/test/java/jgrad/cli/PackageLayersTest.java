package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * jgrad's packages depend one way: each may use only packages of a lower layer, so there are no
 * circles. Read from the sources' imports and fully qualified names, in every module.
 */
class PackageLayersTest {
    /** The layers, lowest first; packages in one layer may not use each other. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("tensor", 0), Map.entry("io", 0), Map.entry("autograd", 1), Map.entry("nn", 2), Map.entry("loss", 2),
            Map.entry("optim", 3), Map.entry("data", 3), Map.entry("train", 4), Map.entry("models", 5),
            Map.entry("export", 6), Map.entry("exercises", 5), Map.entry("app", 6), Map.entry("report", 7),
            Map.entry("cli", 8), Map.entry("spark", 9), Map.entry("jupyter", 9));
    private static final Pattern USE = Pattern.compile("\\bjgrad\\.([a-z]+)\\.[A-Z]");

    @Test
    void packagesOnlyUseLowerLayers() throws IOException {
        List<String> wrong = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../jgrad-core/src/main/java"), Path.of("../jgrad-spark/src/main/java"), Path.of("../jgrad-jupyter/src/main/java"))) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java")).toList()) {
                    String pkg = root.relativize(f.getParent()).toString().replace('/', '.');
                    assertTrue(pkg.startsWith("jgrad."), f + " is outside jgrad's packages");
                    String own = pkg.substring("jgrad.".length());
                    assertNotNull(LAYER.get(own), "package " + pkg + " has no layer in this test: add it");
                    seen.add(own);
                    Matcher m = USE.matcher(Files.readString(f));
                    while (m.find()) {
                        String used = m.group(1);
                        if (used.equals(own)) continue;
                        Integer layer = LAYER.get(used);
                        if (layer == null || layer >= LAYER.get(own)) wrong.add(f.getFileName() + " (" + own + ") uses jgrad." + used);
                    }
                }
            }
        }
        assertTrue(seen.containsAll(List.of("tensor", "autograd", "nn", "train", "cli")), "sources not found: " + seen);
        assertEquals(List.of(), wrong.stream().distinct().toList());
    }
}
