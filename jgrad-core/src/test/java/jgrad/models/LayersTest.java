package jgrad.models;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jgrad.nn.BatchNorm2d;
import jgrad.nn.Dropout;
import jgrad.nn.Dropout2d;
import jgrad.nn.Module;
import jgrad.tensor.Rng;

/**
 * The registry of layer kinds is the one table: every kind parses, builds the module class it
 * names and exports it; the help lines fit a terminal; and docs/networks.md holds the grammar the
 * registry prints ({@code -Djgrad.docs.update=true} rewrites it from the registry).
 */
class LayersTest {
    static final Path DOC = Path.of("..", "docs", "networks.md");
    static final String BEGIN = "<!-- layers: generated from jgrad.models.Layers by LayersTest -->\n", END = "<!-- end of layers -->\n";

    @Test
    void everyKindBuildsTheModuleItNamesAndIsFoundByIt() {
        Set<String> words = new HashSet<>();
        for (LayerKind k : Layers.kinds()) {
            assertTrue(words.add(k.word()), "one entry a word: " + k.word());
            assertSame(k, Layers.kind(k.word()));
            int[] in = {2, 4, 4};
            String spec = switch (k.word()) {
                case "linear" -> "flatten, linear 3";
                case "conv" -> "conv 3 3";
                case "maxpool", "avgpool" -> "maxpool 2".replace("maxpool", k.word());
                case "adaptiveavgpool" -> "adaptiveavgpool 2";
                default -> k.word();
            };
            var net = Spec.parse(spec, in).build(new Rng(0));
            Module m = net.get(net.size() - 1);
            assertTrue(k.modules().stream().anyMatch(c -> c == m.getClass()), k.word() + " builds " + m.getClass());
            assertSame(k, Layers.forModule(m), "the module's kind");
        }
        assertEquals("bn", Layers.forModule(new BatchNorm2d(3)).word());
        assertEquals("dropout2d", Layers.forModule(new Dropout2d(0.5f)).word(), "the exact class before a superclass");
        assertEquals("dropout", Layers.forModule(new Dropout(0.5f)).word());
        assertNull(Layers.kind("convolve"));
    }

    @Test
    void theHelpLinesFitATerminalAndListEveryKind() {
        List<String> lines = Layers.helpLines();
        for (String l : lines) assertTrue(l.length() <= 76, "at most 76 columns (the CLI indents by 2): " + l);
        for (LayerKind k : Layers.kinds())
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(k.synopsis())), "a line for " + k.word());
        assertTrue(lines.contains("conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias]"), lines.toString());
    }

    @Test
    void docsNetworksHoldsTheRegistrysGrammar() throws IOException {
        String doc = Files.readString(DOC), generated = BEGIN + Layers.markdown() + END;
        int b = doc.indexOf(BEGIN), e = doc.indexOf(END);
        assertTrue(b >= 0 && e > b, DOC + " has the markers " + BEGIN.trim() + " and " + END.trim());
        String updated = doc.substring(0, b) + generated + doc.substring(e + END.length());
        if (Boolean.getBoolean("jgrad.docs.update")) {
            Files.writeString(DOC, updated);
            return;
        }
        assertEquals(updated, doc, DOC + " differs from the registry; rerun with -Djgrad.docs.update=true to rewrite it");
    }
}
