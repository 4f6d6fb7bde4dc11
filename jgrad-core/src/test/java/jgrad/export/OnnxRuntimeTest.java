package jgrad.export;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import jgrad.app.Run;
import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.FashionMNIST;
import jgrad.loss.CrossEntropyLoss;
import jgrad.models.ComplexNet;
import jgrad.models.Net;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.Dropout;
import jgrad.nn.Flatten;
import jgrad.nn.LeakyReLU;
import jgrad.nn.Linear;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.nn.Sigmoid;
import jgrad.nn.Tanh;
import jgrad.optim.Adam;
import jgrad.optim.Optimizer;
import jgrad.tensor.Rng;

/**
 * Exported models run in ONNX Runtime on the real Fashion-MNIST test images (transformed as the
 * notebook does) and give jgrad's logits: every logit a (ONNX Runtime) and b (jgrad, eval mode,
 * no grad) satisfy |a − b| ≤ 1e-5·max(1, |b|). The files stay in target/onnx for tools/onnx_check.py.
 */
class OnnxRuntimeTest {
    static final Path OUT = Path.of("target", "onnx");
    static final float TOLERANCE = 1e-5f;
    static OrtEnvironment env;
    static Tensor images; // [10000, 1, 28, 28]

    @BeforeAll
    static void load() throws IOException {
        env = OrtEnvironment.getEnvironment();
        images = DataLoader.builder(FashionMNIST.load(false)).transform(Run.TRANSFORM).build().fullBatch().inputs();
        assertArrayEquals(new int[]{10_000, 1, 28, 28}, images.shape());
    }

    @Test
    void notebook1cNetGivesJgradsLogits() throws Exception {
        Rng.manualSeed(0);
        Net net = new Net();
        Path f = OUT.resolve("1c.onnx");
        OnnxExport.write(net, List.of(new Flatten(), net.fc1, new ReLU(), net.fc2, new ReLU(), net.fc3), new int[]{1, 28, 28}, f);
        compare("1c", net, f, images);
    }

    @Test
    void notebook1dComplexNetWithTrainedBatchNormGivesJgradsLogits() throws Exception {
        Rng.manualSeed(1);
        ComplexNet net = new ComplexNet();
        Optimizer opt = new Adam(net.parameters(), 1e-3f, 1e-5f);
        var loss = new CrossEntropyLoss();
        int steps = 0;
        for (Batch b : DataLoader.builder(FashionMNIST.load(true)).batchSize(64).shuffle(1).transform(Run.TRANSFORM).build()) {
            opt.zeroGrad();
            loss.forward(net.forward(b.inputs()), b.labels()).backward();
            opt.step();
            if (++steps == 20) break;
        }
        net.eval();
        BatchNorm1d bn = net.batchNorm2;
        assertEquals(20f, bn.numBatchesTracked.item());
        assertTrue(maxAbs(bn.runningMean.data()) > 0.05f && maxAbs(bn.runningVar.data(), 1f) > 0.05f,
                "running statistics moved away from 0 and 1, so the export's mean and var matter");
        Path f = OUT.resolve("1d.onnx");
        OnnxExport.write(net, OnnxFormatTest.layers(net), new int[]{1, 28, 28}, f);
        compare("1d", net, f, images);

        try (OrtSession s = env.createSession(f.toString(), new OrtSession.SessionOptions())) {
            assertEquals("jgrad", s.getMetadata().getProducerName());
            TensorInfo in = (TensorInfo) s.getInputInfo().get("input").getInfo();
            assertArrayEquals(new long[]{-1, 1, 28, 28}, in.getShape());
            assertEquals("N", in.getDimensionNames()[0], "a dynamic batch dimension");
            assertArrayEquals(new long[]{-1, 10}, ((TensorInfo) s.getOutputInfo().get("output").getInfo()).getShape());
        }
    }

    @Test
    void randomSequentialsGiveJgradsLogits() throws Exception {
        Tensor first = Tensor.of(Arrays.copyOf(images.data(), 512 * 784), 512, 1, 28, 28);
        for (int seed = 0; seed < 8; seed++) {
            Rng r = new Rng(seed);
            boolean flat = seed % 2 == 1; // half take [N, 784], half [N, 1, 28, 28] through a Flatten
            Sequential net = randomNet(r, !flat);
            Path f = OUT.resolve("random-" + seed + ".onnx");
            OnnxExport.write(net, flat ? new int[]{784} : new int[]{1, 28, 28}, f);
            compare("random-" + seed, net, f, flat ? first.reshape(512, 784) : first);
        }
    }

    /** Softmax over the channels, the last dimension and the features of specs, as ONNX Softmax(axis). */
    @Test
    void softmaxSpecsGiveJgradsOutputs() throws Exception {
        Tensor first = Tensor.of(Arrays.copyOf(images.data(), 512 * 784), 512, 1, 28, 28);
        List<String> specs = List.of("conv 4 3, softmax, maxpool 2, softmax -1, conv 6 3, softmax 1, flatten, linear 32, softmax, linear 10",
                "flatten, linear 64, relu, linear 10, softmax 0", "conv 3 5 stride 2, softmax -3, adaptiveavgpool 1, flatten, linear 10, softmax -1");
        for (int i = 0; i < specs.size(); i++) {
            Sequential net = jgrad.models.Spec.parse(specs.get(i), 1, 28, 28).build(new Rng(40 + i));
            Path f = OUT.resolve("softmax-" + i + ".onnx");
            OnnxExport.write(net, new int[]{1, 28, 28}, f);
            compare("softmax-" + i + " (" + specs.get(i) + ")", net, f, first);
        }
    }

    /** LayerNorm over [C, H, W], the last two and the last dimension, with drawn γ and β or none, as ONNX LayerNormalization. */
    @Test
    void layerNormSpecsGiveJgradsOutputs() throws Exception {
        Tensor first = Tensor.of(Arrays.copyOf(images.data(), 512 * 784), 512, 1, 28, 28);
        List<String> specs = List.of("conv 4 3 same, layernorm, relu, layernorm 2, maxpool 2, layernorm 1 noaffine, flatten, linear 32, layernorm, "
                + "linear 10", "flatten, linear 64, layernorm noaffine, tanh, linear 10, layernorm");
        for (int i = 0; i < specs.size(); i++) {
            Rng r = new Rng(50 + i);
            Sequential net = jgrad.models.Spec.parse(specs.get(i), 1, 28, 28).build(r);
            for (Module m : net.modules())
                if (m instanceof jgrad.nn.LayerNorm l && l.weight != null)
                    for (int j = 0; j < l.weight.numel(); j++) {
                        l.weight.data()[j] = 1 + 0.3f * r.normal();
                        l.bias.data()[j] = 0.3f * r.normal();
                    }
            Path f = OUT.resolve("layernorm-" + i + ".onnx");
            OnnxExport.write(net, new int[]{1, 28, 28}, f);
            compare("layernorm-" + i + " (" + specs.get(i) + ")", net, f, first);
        }
    }

    @Test
    void aTruncatedFileIsRefusedWhenLoaded(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("net.onnx");
        OnnxExport.write(new Sequential(new Linear(784, 10, true, new Rng(1))), new int[]{784}, f);
        byte[] whole = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(whole, whole.length / 2));
        var e = assertThrows(OrtException.class, () -> env.createSession(f.toString(), new OrtSession.SessionOptions()).close());
        assertTrue(e.getMessage().contains("Protobuf parsing failed"), e.getMessage());
    }

    /** 1 to 4 hidden blocks of Linear, maybe BatchNorm1d, an activation and maybe Dropout, some nested; then Linear to 10. */
    private static Sequential randomNet(Rng r, boolean flatten) {
        List<Module> layers = new ArrayList<>();
        if (flatten) layers.add(r.uniform() < 0.5f ? new Flatten() : new Flatten(-3));
        int width = 784;
        for (int blocks = 1 + (int) (4 * r.uniform()); blocks > 0; blocks--) {
            List<Module> block = new ArrayList<>();
            int out = 8 + (int) (120 * r.uniform());
            block.add(new Linear(width, out, r.uniform() < 0.8f, r));
            if (r.uniform() < 0.6f) block.add(randomBatchNorm(r, out));
            block.add(switch ((int) (4 * r.uniform())) {
                case 0 -> new ReLU();
                case 1 -> new LeakyReLU(r.uniform(-0.5f, 0.5f));
                case 2 -> new Sigmoid();
                default -> new Tanh();
            });
            if (r.uniform() < 0.3f) block.add(new Dropout(0.5f));
            if (r.uniform() < 0.3f) layers.add(new Sequential(block.toArray(Module[]::new)));
            else layers.addAll(block);
            width = out;
        }
        layers.add(new Linear(width, 10, true, r));
        return new Sequential(layers.toArray(Module[]::new));
    }

    private static BatchNorm1d randomBatchNorm(Rng r, int c) {
        BatchNorm1d bn = new BatchNorm1d(c, r.uniform() < 0.5f ? 1e-5f : 1e-3f, 0.1f, r.uniform() < 0.7f);
        for (int j = 0; j < c; j++) {
            bn.runningMean.data()[j] = 0.3f * r.normal();
            bn.runningVar.data()[j] = r.uniform(0.05f, 2f);
            if (bn.weight != null) {
                bn.weight.data()[j] = 1 + 0.3f * r.normal();
                bn.bias.data()[j] = 0.3f * r.normal();
            }
        }
        return bn;
    }

    /** Runs {@code x} through ONNX Runtime and jgrad's eval-mode forward and compares every logit. */
    static void compare(String what, Module net, Path model, Tensor x) throws OrtException {
        net.eval();
        Tensor expected;
        try (var g = GradMode.noGrad()) {
            expected = net.forward(x);
        }
        float[] actual;
        long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
        try (var opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.toString(), opts);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
                 OrtSession.Result r = s.run(Map.of("input", in))) {
                OnnxTensor out = (OnnxTensor) r.get("output").orElseThrow();
                assertArrayEquals(new long[]{x.size(0), 10}, out.getInfo().getShape(), what);
                FloatBuffer fb = out.getFloatBuffer();
                actual = new float[fb.remaining()];
                fb.get(actual);
            }
        }
        float[] b = expected.data();
        assertEquals(b.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < b.length; i++) {
            float err = Math.abs(actual[i] - b[i]), bound = TOLERANCE * Math.max(1f, Math.abs(b[i]));
            if (!(err <= bound))
                fail(String.format("%s: logit %d of image %d is %s in ONNX Runtime but %s in jgrad: |a-b| = %.3g > %.3g; the network:%n%s",
                        what, i % 10, i / 10, actual[i], b[i], err, bound, net));
            worst = Math.max(worst, err / Math.max(1f, Math.abs(b[i])));
        }
        System.out.printf("ONNX Runtime vs jgrad, %s: %d logits, max |a-b|/max(1,|b|) = %.2e%n", what, b.length, worst);
    }

    private static float maxAbs(float[] v) {
        return maxAbs(v, 0f);
    }

    private static float maxAbs(float[] v, float around) {
        float m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x - around));
        return m;
    }
}
