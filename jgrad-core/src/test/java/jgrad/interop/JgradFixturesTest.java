package jgrad.interop;

import static jgrad.interop.PyTorchInteropTest.assertLogitsMatch;
import static jgrad.interop.PyTorchInteropTest.images;
import static jgrad.interop.PyTorchInteropTest.load;
import static jgrad.interop.PyTorchInteropTest.logits;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.autograd.Tensor;
import jgrad.data.ImageDataset;
import jgrad.nn.Module;
import jgrad.nn.SafeTensors;
import jgrad.train.Trainer;

/**
 * jgrad → PyTorch: the fixtures in {@code src/test/resources/interop/jgrad/} are jgrad's {@code Net}
 * and {@code ComplexNet} after one epoch of the notebook's training with seed 0 (what
 * {@code jgrad train --model simple|complex --epochs 1 --save FILE} trains), saved with
 * {@link SafeTensors#save}:
 * <pre>
 *   net.safetensors, complex_net.safetensors       the state dicts
 *   net.logits.safetensors, complex_net.logits...   logits [32, 10]: jgrad's eval-mode output for the 32 images
 *                                                   of interop/images.safetensors; test_correct []: its count of
 *                                                   correctly classified test images (of 10,000)
 * </pre>
 * PyTorch checks them with {@code tools/interop.py check-jgrad jgrad-core/src/test/resources/interop/jgrad};
 * here jgrad checks that its forward pass still gives the logits that were checked. To rewrite them
 * (needs Fashion-MNIST, about a minute), from {@code jgrad-core/}:
 * <pre>
 *   mvn -o test -Dtest='JgradFixturesTest#write' -Djgrad.interop.out=src/test/resources/interop/jgrad
 * </pre>
 */
class JgradFixturesTest {
    private static final Map<Preset, String> NAMES = Map.of(Preset.SIMPLE, "net", Preset.COMPLEX, "complex_net");

    @Test
    void theCommittedWeightsStillGiveTheCommittedLogits() throws IOException {
        Tensor images = images();
        for (Preset p : List.of(Preset.SIMPLE, Preset.COMPLEX)) {
            Module model = p.model();
            model.loadStateDict(load("jgrad/" + NAMES.get(p) + ".safetensors"));
            assertLogitsMatch(load("jgrad/" + NAMES.get(p) + ".logits.safetensors").get("logits"), logits(model, images),
                    NAMES.get(p) + " (if the forward pass changed on purpose, rewrite the fixtures and rerun check-jgrad)");
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "jgrad.interop.out", matches = ".+")
    void write() throws IOException {
        Path out = Path.of(System.getProperty("jgrad.interop.out"));
        ImageDataset[] data = Run.load(null, false);
        Tensor images = images();
        for (Preset p : List.of(Preset.SIMPLE, Preset.COMPLEX)) {
            Run.Result r = Run.run(Settings.builder(p).epochs(1).build(), data[0], data[1], Trainer.Listener.NONE);
            SafeTensors.save(r.model().stateDict(), out.resolve(NAMES.get(p) + ".safetensors"));
            Map<String, Tensor> logits = new LinkedHashMap<>();
            logits.put("logits", logits(r.model(), images));
            logits.put("test_correct", Tensor.scalar(r.test().correct()));
            SafeTensors.save(logits, out.resolve(NAMES.get(p) + ".logits.safetensors"));
        }
    }
}
