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
}
