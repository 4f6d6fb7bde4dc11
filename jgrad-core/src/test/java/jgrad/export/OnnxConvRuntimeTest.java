package jgrad.export;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.onnxruntime.OrtEnvironment;
import jgrad.app.Predictor;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.FashionMNIST;
import jgrad.loss.CrossEntropyLoss;
import jgrad.models.Spec;
import jgrad.nn.BatchNorm;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Module;
import jgrad.nn.SafeTensors;
import jgrad.nn.Sequential;
import jgrad.optim.Adam;
import jgrad.optim.Optimizer;
import jgrad.tensor.Rng;

/**
 * Convolutional networks exported to ONNX run in ONNX Runtime on real Fashion-MNIST test images
 * and give jgrad's logits to 1e-5·max(1, |b|), as {@link OnnxRuntimeTest#compare} checks: the cnn
 * preset after a few training steps (so its BatchNorm2d statistics are far from 0 and 1), saved and
 * reloaded through {@link Predictor} as {@code jgrad export} does, and random conv networks written
 * as specs. The files stay in target/onnx for tools/onnx_check.py.
 */
class OnnxConvRuntimeTest {
    static Tensor images; // the first 500 test images, [500, 1, 28, 28]

    @BeforeAll
    static void load() throws IOException {
        OnnxRuntimeTest.env = OrtEnvironment.getEnvironment();
        Tensor all = DataLoader.builder(FashionMNIST.load(false)).transform(Run.TRANSFORM).build().fullBatch().inputs();
        images = Tensor.of(Arrays.copyOf(all.data(), 500 * 784), 500, 1, 28, 28);
    }

    @Test
    void theTrainedCnnPresetSavedAndReloadedGivesJgradsLogits() throws Exception {
        Rng.manualSeed(2);
        Sequential net = (Sequential) Preset.CNN.model();
        Optimizer opt = new Adam(net.parameters(), 1e-3f, 0f);
        var loss = new CrossEntropyLoss();
        int steps = 0;
        for (Batch b : DataLoader.builder(FashionMNIST.load(true)).batchSize(64).shuffle(2).transform(Run.TRANSFORM).build()) {
            opt.zeroGrad();
            loss.forward(net.forward(b.inputs()), b.labels()).backward();
            opt.step();
            if (++steps == 8) break;
        }
        BatchNorm2d bn = (BatchNorm2d) net.get(5);
        assertEquals(8f, bn.numBatchesTracked.item());
        float mean = 0, var = 0;
        for (float v : bn.runningMean.data()) mean = Math.max(mean, Math.abs(v));
        for (float v : bn.runningVar.data()) var = Math.max(var, Math.abs(v - 1));
        assertTrue(mean > 0.05f && var > 0.05f, "running statistics moved away from 0 and 1: " + mean + ", " + var);

        Path saved = OnnxRuntimeTest.OUT.resolve("cnn.safetensors");
        SafeTensors.save(net.stateDict(), Predictor.metadata(Preset.CNN.spec(FashionMNIST.SHAPE, 10).resolved(), FashionMNIST.SHAPE, FashionMNIST.SPEC.classNames(), "test"), saved);
        Predictor p = Predictor.load(saved);
        Path f = OnnxRuntimeTest.OUT.resolve("cnn.onnx");
        OnnxExport.write(p.model(), p.spec().inputShape(), f);
        net.eval();
        OnnxRuntimeTest.compare("cnn", net, f, images);
    }

    @Test
    void randomConvSpecsGiveJgradsLogits() throws Exception {
        List<String> specs = new ArrayList<>();
        for (int seed = 0; specs.size() < 8; seed++) {
            String spec = randomSpec(new Rng(seed));
            if (spec != null) specs.add(spec);
        }
        for (int i = 0; i < specs.size(); i++) {
            Rng r = new Rng(100 + i);
            Sequential net = Spec.parse(specs.get(i), 1, 28, 28).build(r);
            for (Module m : net.modules()) if (m instanceof BatchNorm b) randomise(b, r);
            Path f = OnnxRuntimeTest.OUT.resolve("conv-random-" + i + ".onnx");
            OnnxExport.write(net, new int[]{1, 28, 28}, f);
            OnnxRuntimeTest.compare("conv-random-" + i + " (" + specs.get(i) + ")", net, f, images);
        }
    }

    /**
     * One to three conv blocks (padding, stride, dilation, groups, bias drawn), pooling of each kind,
     * then a head to 10 classes, adaptive pooling to 1×1 or to a size that divides the input's; null
     * when a drawn layer does not fit the shape it gets.
     */
    static String randomSpec(Rng r) {
        List<String> layers = new ArrayList<>();
        int channels = 1;
        for (int blocks = 1 + pick(r, 3); blocks > 0; blocks--) {
            int groups = channels % 2 == 0 && r.uniform() < 0.3f ? 2 : 1, out = groups * (2 + pick(r, 6)), k = new int[]{1, 3, 5, 2}[pick(r, 4)];
            String conv = "conv " + out + " " + k + (k % 2 == 1 && r.uniform() < 0.4f ? " same" : " pad " + pick(r, k / 2 + 1)
                    + " stride " + (1 + pick(r, 2)) + (r.uniform() < 0.3f ? " dilation 2" : ""));
            layers.add(conv + (groups > 1 ? " groups " + groups : "") + (r.uniform() < 0.2f ? " nobias" : ""));
            channels = out;
            if (r.uniform() < 0.6f) layers.add("bn");
            layers.add(new String[]{"relu", "leakyrelu 0.1", "tanh", "sigmoid"}[pick(r, 4)]);
            if (r.uniform() < 0.7f) layers.add(new String[]{"maxpool 2", "maxpool 3 stride 2 pad 1", "avgpool 2", "avgpool 3 stride 1 pad 1"}[pick(r, 4)]);
            if (r.uniform() < 0.3f) layers.add("dropout2d 0.2");
        }
        int size;
        try {
            size = Spec.parse(String.join(", ", layers), 1, 28, 28).outputShape()[1];
        } catch (IllegalArgumentException e) {
            return null;
        }
        int divisor = size % 3 == 0 ? 3 : size % 2 == 0 ? 2 : 1;
        layers.add(switch (pick(r, 4)) {
            case 0 -> "adaptiveavgpool 1, flatten, linear 10";
            case 1 -> "flatten, linear 24, relu, dropout, linear 10";
            case 2 -> "adaptiveavgpool " + divisor + ", flatten, linear 10";
            default -> "adaptiveavgpool 1, flatten, bn, linear 10";
        });
        return String.join(", ", layers);
    }

    private static int pick(Rng r, int n) {
        return Math.min(n - 1, (int) (n * r.uniform()));
    }

    private static void randomise(BatchNorm b, Rng r) {
        for (int j = 0; j < b.runningMean.numel(); j++) {
            b.runningMean.data()[j] = 0.3f * r.normal();
            b.runningVar.data()[j] = r.uniform(0.05f, 2f);
            if (b.weight != null) {
                b.weight.data()[j] = 1 + 0.3f * r.normal();
                b.bias.data()[j] = 0.3f * r.normal();
            }
        }
    }
}
