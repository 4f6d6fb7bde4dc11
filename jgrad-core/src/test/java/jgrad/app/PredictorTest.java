package jgrad.app;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.FashionMNIST;
import jgrad.models.Net;
import jgrad.models.Spec;
import jgrad.nn.Module;
import jgrad.nn.SafeTensors;
import jgrad.nn.Sequential;
import jgrad.tensor.Rng;

/** A model rebuilt from its file alone computes what the saved one did; a file it cannot rebuild from says why. */
class PredictorTest {
    @TempDir
    Path dir;

    static final List<String> TEN = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    static final String CONV = "conv 4 3 same, bn, relu, maxpool 2, flatten, linear 10";

    private static float[] probabilities(Module net, byte[] pixels) {
        float[] table = Run.TRANSFORM.lookupTable(), x = new float[784];
        for (int i = 0; i < 784; i++) x[i] = table[pixels[i] & 0xff];
        net.eval();
        try (var g = GradMode.noGrad()) {
            return net.forward(Tensor.of(x, 1, 1, 28, 28)).softmax(1).data();
        }
    }

    private static byte[] pixels(long seed) {
        byte[] b = new byte[784];
        new java.util.SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void aSavedSpecNetworkIsRebuiltWithItsWeightsBuffersAndClasses() throws IOException {
        Sequential net = Spec.parse(CONV, 1, 28, 28).build(new Rng(7));
        net.stateDict().get("1.running_var").data()[2] = 3f;
        Path f = dir.resolve("conv.safetensors");
        SafeTensors.save(net.stateDict(), Predictor.metadata(CONV, FashionMNIST.SHAPE, TEN, "0.1.0"), f);
        assertEquals(Map.of(Predictor.SPEC, CONV, Predictor.INPUT_SHAPE, "1,28,28", Predictor.CLASSES,
                "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"]", Predictor.VERSION, "0.1.0"), SafeTensors.read(f).metadata());
        Predictor p = Predictor.load(f);
        assertEquals(TEN, p.classes());
        assertFalse(p.model().isTraining());
        assertEquals(3f, p.model().stateDict().get("1.running_var").data()[2]);
        byte[] x = pixels(1);
        assertArrayEquals(probabilities(net, x), p.probabilities(x));
    }

    @Test
    void theNotebooksNetLoadsIntoItsPresetsSpec() throws IOException {
        Rng.manualSeed(4);
        Net net = new Net();
        Path f = dir.resolve("simple.safetensors");
        SafeTensors.save(net.stateDict(), Predictor.metadata(Preset.SIMPLE.spec(FashionMNIST.SHAPE, 10).resolved(), FashionMNIST.SHAPE, TEN, "0.1.0"), f);
        Predictor p = Predictor.load(f);
        byte[] x = pixels(2);
        float[] expected = probabilities(net, x), actual = p.probabilities(x);
        for (int i = 0; i < 10; i++) assertEquals(expected[i], actual[i], 1e-6f);
        assertArrayEquals(Predictor.top(expected, 3), Predictor.top(actual, 3));
    }

    @Test
    void topOrdersByProbabilityThenIndex() {
        assertArrayEquals(new int[]{2, 0, 3}, Predictor.top(new float[]{0.3f, 0.1f, 0.4f, 0.3f}, 3));
    }

    private String failure(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(tensors, metadata, f);
        String m = assertThrows(IOException.class, () -> Predictor.load(f)).getMessage();
        assertTrue(m.startsWith(f + ": "), m);
        return m.substring(f.toString().length() + 2);
    }

    @Test
    void aFileItCannotRebuildFromIsAnIOExceptionThatSaysWhy() throws IOException {
        var state = Spec.parse(CONV, 1, 28, 28).build(new Rng(1)).stateDict();
        assertTrue(failure(state, Map.of()).startsWith("has no network spec (metadata \"jgrad.spec\")"));
        String m = failure(state, Predictor.metadata(CONV.replace("conv 4", "conv 8"), FashionMNIST.SHAPE, TEN, "x"));
        assertTrue(m.startsWith("its tensors do not fit its spec \"conv 8 3 same, bn, relu, maxpool 2, flatten, linear 10\": ")
                && m.contains("size mismatch for 0.weight: copying a param with shape [4, 1, 3, 3], the shape in current model is [8, 1, 3, 3]"), m);
        m = failure(state, Predictor.metadata("flatten, fc1=linear 10", FashionMNIST.SHAPE, TEN, "x"));
        assertTrue(m.contains("missing keys [fc1.weight, fc1.bias]"), m);
        m = failure(state, Predictor.metadata(CONV, FashionMNIST.SHAPE, TEN.subList(0, 9), "x"));
        assertEquals("names 9 classes, but its network gives outputs of shape [10]", m);
        m = failure(state, Predictor.metadata("conv 4 3 same, linaer 10", FashionMNIST.SHAPE, TEN, "x"));
        assertTrue(m.startsWith("its spec \"conv 4 3 same, linaer 10\" does not parse for inputs [1, 28, 28]: ") && m.contains("unknown layer kind 'linaer'"), m);
        var meta = new java.util.HashMap<>(Predictor.metadata(CONV, FashionMNIST.SHAPE, TEN, "x"));
        meta.put(Predictor.INPUT_SHAPE, "1,28,x");
        assertEquals("metadata \"jgrad.input_shape\" is \"1,28,x\", not positive whole numbers separated by commas", failure(state, meta));
        meta.put(Predictor.INPUT_SHAPE, "1,28,28");
        meta.put(Predictor.CLASSES, "{\"a\": 1}");
        assertTrue(failure(state, meta).startsWith("metadata \"jgrad.classes\" is not a JSON array of strings"));
    }
}
