package jgrad.models;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import jgrad.app.Preset;
import jgrad.data.FashionMNIST;
import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Conv2d;
import jgrad.nn.Module;
import jgrad.nn.Sequential;
import jgrad.tensor.Rng;

class SpecTest {
    private static String error(String spec, int... shape) {
        return assertThrows(IllegalArgumentException.class, () -> Spec.parse(spec, shape)).getMessage();
    }

    @Test
    void aCnnSpecInfersEveryInputSizeAndRuns() {
        Spec s = Spec.parse("conv 8 3 same, bn, relu, maxpool 2, conv 16 3 pad 1 stride 2, bn, leakyrelu 0.1, adaptiveavgpool 2, "
                + "dropout2d 0.1, flatten, linear 20, relu, dropout, linear 10", 1, 28, 28);
        assertArrayEquals(new int[]{10}, s.outputShape());
        Sequential net = s.build(new Rng(0));
        assertEquals(14, net.size());
        assertInstanceOf(BatchNorm2d.class, net.get(1));
        assertEquals(8, ((Conv2d) net.get(4)).inChannels);
        net.eval();
        try (var g = GradMode.noGrad()) {
            assertArrayEquals(new int[]{3, 10}, net.forward(Tensor.randn(new Rng(1), 3, 1, 28, 28)).shape());
        }
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean"),
                net.stateDict().keySet().stream().limit(5).toList());
    }

    @Test
    void namedLayersGiveNamedStateDictKeysAndBnPicksItsDimension() {
        Sequential net = Spec.parse("flatten, fc1=linear 4, bn1=bn, relu, fc2=linear 2", 1, 3, 3).build(new Rng(0));
        assertEquals(List.of("fc1.weight", "fc1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "bn1.num_batches_tracked", "fc2.weight", "fc2.bias"), List.copyOf(net.stateDict().keySet()));
        assertInstanceOf(BatchNorm1d.class, net.get(2));
        assertArrayEquals(new int[]{4, 9}, net.stateDict().get("fc1.weight").shape());
    }

    @Test
    void thePresetSpecsBuildTheNotebooksNetworksWeightForWeight() {
        for (Preset p : List.of(Preset.SIMPLE, Preset.COMPLEX)) {
            Rng.manualSeed(3);
            Module notebook = p.model();
            Module fromSpec = p.spec(FashionMNIST.SHAPE, 10).build(new Rng(3));
            var a = notebook.stateDict();
            var b = fromSpec.stateDict();
            assertEquals(new java.util.TreeSet<>(a.keySet()), new java.util.TreeSet<>(b.keySet()), p.id());
            a.forEach((k, v) -> assertArrayEquals(v.data(), b.get(k).data(), p.id() + " " + k));
            Tensor x = Tensor.randn(new Rng(4), 5, 1, 28, 28);
            assertArrayEquals(notebook.forward(x).data(), fromSpec.forward(x).data(), p.id() + " output");
        }
    }

    @Test
    void errorsNameTheLayerTheTokenAndTheShapeThatReachesIt() {
        String m = error("conv 8 3, linear 10", 1, 28, 28);
        assertTrue(m.contains("layer 2 'linear 10'") && m.contains("[8, 26, 26]") && m.contains("flatten"), m);
        m = error("flatten, linear ten", 1, 28, 28);
        assertTrue(m.contains("'ten' is not a whole number") && m.contains("[784]"), m);
        m = error("conv 8 3, convolve 3", 1, 28, 28);
        assertTrue(m.contains("layer 2 'convolve 3'") && m.contains("unknown layer kind 'convolve'"), m);
        m = error("maxpool 2, maxpool 2, maxpool 2, conv 4 5", 1, 8, 8);
        assertTrue(m.contains("layer 4") && m.contains("[1, 1, 1]"), m);
        m = error("flatten, , linear 3", 1, 2, 2);
        assertTrue(m.contains("layer 2") && m.contains("empty layer"), m);
        m = error("conv 4 3 stride", 1, 8, 8);
        assertTrue(m.contains("'stride' needs a whole number"), m);
        m = error("flatten, linear 3, bn, dropout 1.5", 1, 2, 2);
        assertTrue(m.contains("layer 4") && m.contains("between 0 and 1"), m);
        m = error("", 1, 2, 2);
        assertTrue(m.contains("empty network spec"), m);
        m = error("flatten, a=linear 3, a=linear 2", 1, 2, 2);
        assertTrue(m.contains("layer 3") && m.contains("'a' is used twice"), m);
    }

    @Test
    void theGrammarRefusesWhatItWouldOtherwiseIgnore() {
        String m = error("flatten, linear 10 frobnicate", 1, 28, 28);
        assertTrue(m.contains("layer 2 'linear 10 frobnicate'") && m.contains("unknown word 'frobnicate'")
                && m.contains("linear OUT [nobias]") && m.contains("[784]"), m);
        m = error("conv 8 3 stride 1 stride 2", 1, 28, 28);
        assertTrue(m.contains("layer 1") && m.contains("'stride' is given twice") && m.contains("[1, 28, 28]"), m);
        m = error("flatten, linear 10 same", 1, 28, 28);
        assertTrue(m.contains("unknown word 'same'"), m);
        m = error("conv 8 3 same pad 1", 1, 28, 28);
        assertTrue(m.contains("'same' and 'pad' exclude each other") && m.contains("[same|valid|pad P]"), m);
        m = error("conv 8 3 valid same", 1, 28, 28);
        assertTrue(m.contains("'valid' and 'same' exclude each other"), m);
        m = error("flatten, linear 10 nobias nobias", 1, 28, 28);
        assertTrue(m.contains("'nobias' is given twice"), m);
        m = error("relu 5", 1, 28, 28);
        assertTrue(m.contains("layer 1 'relu 5'") && m.contains("relu: takes no arguments, got '5'"), m);
        m = error("flatten, dropout 0.1 0.2", 1, 28, 28);
        assertTrue(m.contains("takes at most 1 number, got another: '0.2'"), m);
        m = error("conv 8", 1, 28, 28);
        assertTrue(m.contains("conv: needs K (kernel size)"), m);
        m = error("conv 8 3 stride 0", 1, 28, 28);
        assertTrue(m.contains("stride S (the window's step, default 1) must be at least 1, got 0"), m);
        m = error("conv 8 3 stride 2 same", 1, 28, 28);
        assertTrue(m.contains("padding='same' is not supported for strided convolutions"), m);
        m = error("flatten, linear 99999999999", 1, 28, 28);
        assertTrue(m.contains("must be at least 1, got 99999999999"), m);
        m = error("flatten, leakyrelu nan", 1, 28, 28);
        assertTrue(m.contains("'nan' is not a number"), m);
        m = error("maxpool stride 2 3", 1, 28, 28);
        assertTrue(m.contains("'3' comes after an option or flag, but numbers come first"), m);
    }

    @Test
    void emptyLayersAndSpecsNameTheSpec() {
        for (String spec : new String[]{",,", ",", "flatten,", ", flatten"}) {
            String m = error(spec, 1, 28, 28);
            assertTrue(m.startsWith("network spec, layer ") && m.contains("an empty layer"), spec + ": " + m);
        }
        assertTrue(error(",,", 1, 28, 28).contains("layer 1 ''"));
        assertTrue(error("flatten, fc1=", 1, 28, 28).contains("layer 2 'fc1=': an empty layer"));
        assertTrue(error("flatten", 0, 28).contains("the input shape must be positive"));
    }

    @Test
    void theLastLinearMayTakeItsSizeFromTheData() {
        Spec s = Spec.parse("flatten, linear 16, relu, out=linear, sigmoid", new int[]{1, 4, 4}, 3);
        assertArrayEquals(new int[]{3}, s.outputShape());
        assertEquals("flatten, linear 16, relu, out=linear 3, sigmoid", s.resolved());
        assertEquals("flatten, linear 16, relu, out=linear, sigmoid", s.toString());
        assertArrayEquals(new int[]{3, 16}, s.build(new Rng(0)).stateDict().get("out.weight").shape());
        assertEquals(s.parameterCount(), Spec.parse(s.resolved(), 1, 4, 4).parameterCount());
        assertEquals("flatten, linear 7", Spec.parse("flatten, linear 7", new int[]{1, 4, 4}, 3).resolved(), "a written size stays");

        String m = error("flatten, linear", 1, 4, 4);
        assertTrue(m.contains("layer 2 'linear'") && m.contains("the number of outputs is needed"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Spec.parse("flatten, linear, relu, linear", new int[]{1, 4, 4}, 3)).getMessage();
        assertTrue(m.contains("layer 2 'linear'") && m.contains("only the spec's last linear may leave it out"), m);
        assertThrows(IllegalArgumentException.class, () -> Spec.parse("flatten, linear", new int[]{16}, 0));
    }

    @Test
    void aNetworkLargerThanTheHeapIsRefusedWithTheNumbers() {
        String m = error("flatten, linear 100000, linear 100000", 1, 28, 28);
        assertTrue(m.contains("layer 3 'linear 100000'") && m.contains("10,000,000,000") && m.contains("2^31-1"), m);
        m = error("adaptiveavgpool 30000", 1, 28, 28);
        assertTrue(m.contains("layer 1 'adaptiveavgpool 30000'") && m.contains("900,000,784 activation values")
                && m.contains("more than the") && m.contains("-Xmx"), m);
        m = error("conv 50000 3 same, conv 50000 3 same", 1, 28, 28);
        assertTrue(m.contains("layer 2"), m);

        // the numbers, against a heap given here: 784·256 + 256 + 256·10 + 10 parameters
        Spec s = Spec.parse("flatten, linear 256, relu, linear 10", 1, 28, 28);
        assertEquals(203_530, s.parameterCount());
        assertEquals(784 + 784 + 256 + 256 + 10, s.activationsPerSample());
        assertEquals(16L * 203_530 + 8L * 64 * 2090, s.bytesFor(64));
        assertDoesNotThrow(() -> Spec.parse(s.toString(), new int[]{1, 28, 28}, 0, s.bytesFor(1)));
        m = assertThrows(IllegalArgumentException.class, () -> Spec.parse(s.toString(), new int[]{1, 28, 28}, 0, s.bytesFor(1) - 1)).getMessage();
        assertTrue(m.contains("layer 4 'linear 10'") && m.contains("203,530 parameters") && m.contains("2,090 activation values"), m);
        m = assertThrows(IllegalArgumentException.class, () -> s.checkFits(Integer.MAX_VALUE)).getMessage();
        assertTrue(m.contains("with batches of 2147483647") && m.contains("smaller batch"), m);
        assertDoesNotThrow(() -> s.checkFits(64));
    }

    @Test
    void softmaxCountsTheSamplesDimensionsFromTheFeaturesOrChannels() {
        assertEquals(1, ((jgrad.nn.Softmax) Spec.parse("softmax", 3, 4, 4).build(new Rng(0)).get(0)).dim(), "PyTorch's dim=1: the channels");
        assertEquals(3, ((jgrad.nn.Softmax) Spec.parse("softmax -1", 3, 4, 4).build(new Rng(0)).get(0)).dim());
        assertEquals(1, ((jgrad.nn.Softmax) Spec.parse("softmax", 5).build(new Rng(0)).get(0)).dim(), "the features of [F]");
        String m = error("softmax 3", 3, 4, 4);
        assertTrue(m.contains("DIM 3 is not a dimension of [3, 4, 4] (expected -3 to 2)"), m);
        Tensor y = Spec.parse("softmax", 3, 2, 2).build(new Rng(0)).forward(Tensor.randn(new Rng(1), 2, 3, 2, 2));
        for (int n = 0; n < 2; n++)
            for (int p = 0; p < 4; p++) {
                float sum = 0;
                for (int c = 0; c < 3; c++) sum += y.data()[(n * 3 + c) * 4 + p];
                assertEquals(1f, sum, 1e-6f, "probabilities over the channels of each pixel");
            }
    }

    @Test
    void layernormNormalisesTheWholeSampleOrItsLastKDimensions() {
        Sequential net = Spec.parse("layernorm, layernorm 2, layernorm 1 noaffine, flatten, layernorm", 3, 4, 5).build(new Rng(0));
        assertArrayEquals(new int[]{3, 4, 5}, ((jgrad.nn.LayerNorm) net.get(0)).normalizedShape());
        assertArrayEquals(new int[]{4, 5}, ((jgrad.nn.LayerNorm) net.get(1)).normalizedShape());
        assertNull(((jgrad.nn.LayerNorm) net.get(2)).weight);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"), List.copyOf(net.stateDict().keySet()));
        assertEquals(2 * 60 + 2 * 20 + 2 * 60, Spec.parse("layernorm, layernorm 2, layernorm 1 noaffine, flatten, layernorm", 3, 4, 5).parameterCount());
        String m = error("layernorm 4", 3, 4, 5);
        assertTrue(m.contains("K 4 is more than the 3 dimensions of [3, 4, 5]"), m);
        m = error("layernorm 0", 3, 4, 5);
        assertTrue(m.contains("must be at least 1, got 0"), m);
    }
}
