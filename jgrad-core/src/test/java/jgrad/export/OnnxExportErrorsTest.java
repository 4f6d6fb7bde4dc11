package jgrad.export;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.autograd.Tensor;
import jgrad.nn.AdaptiveAvgPool2d;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.Conv2d;
import jgrad.nn.Flatten;
import jgrad.nn.Linear;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.tensor.Rng;

/** A model the export cannot express is an error that says why, and leaves the file system as it was. */
class OnnxExportErrorsTest {
    @TempDir
    Path dir;

    /** A layer type the exporter does not know. */
    static final class Softplus extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.exp().add(1f).log();
        }
    }

    private String failure(Module model, List<Module> layers, int[] inputShape) throws IOException {
        Path f = dir.resolve("model.onnx");
        Files.write(f, new byte[]{1, 2, 3});
        var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.write(model, layers, inputShape, f));
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(f), "a failed export leaves an existing file untouched");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "and no temporary file");
        }
        return e.getMessage();
    }

    @Test
    void anUnsupportedLayerTypeIsNamed() throws IOException {
        Sequential s = new Sequential(new Linear(4, 3, true, new Rng(1)), new Sequential(new ReLU(), new Softplus()));
        String m = failure(s, List.of(s), new int[]{4});
        assertTrue(m.contains("does not support jgrad.export.OnnxExportErrorsTest$Softplus (layer \"1.1\")"), m);
        assertTrue(m.contains("Linear, Conv2d, MaxPool2d"), "lists what it exports: " + m);
    }

    @Test
    void aLinearThatDoesNotFitItsInputNamesBothShapes() throws IOException {
        String m = failure(null, List.of(new Flatten(), new Linear(100, 10, true, new Rng(1))), new int[]{1, 28, 28});
        assertTrue(m.contains("Linear \"1\" with weight [10, 100] [out, in] gets input [N, 784]"), m);
        m = failure(null, List.of(new Linear(28, 10, true, new Rng(1))), new int[]{1, 28, 28});
        assertTrue(m.contains("gets input [N, 1, 28, 28]") && m.contains("a Flatten before it"), m);
    }

    @Test
    void aBatchNormOfTheWrongWidthNamesBothShapes() throws IOException {
        String m = failure(null, List.of(new Linear(4, 3, true, new Rng(1)), new BatchNorm1d(5)), new int[]{4});
        assertTrue(m.contains("BatchNorm1d \"1\" normalises [N, 5] but gets input [N, 3]"), m);
    }

    @Test
    void aFlattenThatKeepsMoreThanTheBatchDimensionIsRefused() throws IOException {
        String m = failure(null, List.of(new Flatten(2)), new int[]{3, 4, 5});
        assertTrue(m.contains("Flatten \"0\" with start_dim=2 gets input [N, 3, 4, 5]"), m);
    }

    @Test
    void anAdaptivePoolWhoseBinsDifferInSizeIsRefused() throws IOException {
        String m = failure(null, List.of(new AdaptiveAvgPool2d(3)), new int[]{2, 7, 7});
        assertTrue(m.contains("AdaptiveAvgPool2d \"0\" to 3×3 gets input [N, 2, 7, 7]") && m.contains("ONNX has no adaptive pooling"), m);
    }

    @Test
    void aConvThatDoesNotFitItsInputNamesBothShapes() throws IOException {
        String m = failure(null, List.of(new Conv2d(3, 8, 3)), new int[]{1, 28, 28});
        assertTrue(m.contains("Conv2d \"0\" with weight [8, 3, 3, 3] [out, in/groups, kH, kW] takes [N, 3, H, W] but gets input [N, 1, 28, 28]"), m);
        m = failure(null, List.of(new Conv2d(1, 8, 5)), new int[]{1, 3, 3});
        assertTrue(m.contains("Conv2d \"0\" with kernel 5 does not fit an input of size 3"), m);
    }

    @Test
    void aNonPositiveInputShapeIsRefused() throws IOException {
        String m = failure(null, List.of(new ReLU()), new int[]{0, 28});
        assertTrue(m.contains("must be positive, got [0, 28]"), m);
    }

    @Test
    void twoModulesCannotShareAnInitializerName() throws IOException {
        Sequential s = new Sequential(new Linear(4, 4, true, new Rng(1)));
        // the unowned Linear at position 0 and s's layer "0" would both be "0.weight"
        String m = failure(s, List.of(new Linear(4, 4, true, new Rng(2)), s.get(0)), new int[]{4});
        assertTrue(m.contains("would both name their tensor \"0.weight\""), m);
    }

    @Test
    void aNamedSequentialsInitializersAreItsStateDictKeys() {
        Sequential s = jgrad.models.Spec.parse("flatten, fc1=linear 3, relu, out=linear 2", 4).build(new Rng(1));
        ProtoReader graph = ProtoReader.parse(OnnxExport.encode(s, List.of(s), new int[]{4})).message(7);
        assertEquals(List.copyOf(s.stateDict().keySet()), graph.messages(5).stream().map(t -> t.string(8)).toList());
    }

    @Test
    void theSameModuleTwiceSharesItsInitializers() throws IOException {
        Linear l = new Linear(4, 4, true, new Rng(1));
        Sequential s = new Sequential(l);
        ProtoReader graph = ProtoReader.parse(OnnxExport.encode(s, List.of(l, new ReLU(), l), new int[]{4})).message(7);
        assertEquals(List.of("0.weight", "0.bias"), graph.messages(5).stream().map(t -> t.string(8)).toList());
        assertEquals(List.of("/0/Gemm", "/1/Relu", "/0/Gemm_1"), graph.messages(1).stream().map(n -> n.string(3)).toList());
    }
}
