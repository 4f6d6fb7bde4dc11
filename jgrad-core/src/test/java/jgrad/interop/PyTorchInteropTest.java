package jgrad.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jgrad.app.Run;
import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.DataLoader;
import jgrad.data.DataSource;
import jgrad.data.FashionMNIST;
import jgrad.models.ComplexNet;
import jgrad.models.Net;
import jgrad.nn.Module;
import jgrad.nn.SafeTensors;

/**
 * PyTorch → jgrad: the notebook's {@code Net} and {@code ComplexNet}, trained for 300 steps in
 * PyTorch 1.13 and saved as safetensors by {@code tools/interop.py fixtures}, load into
 * {@link Net} and {@link ComplexNet} with {@code loadStateDict(SafeTensors.load(path))} and give
 * PyTorch's eval-mode logits for the first 32 Fashion-MNIST test images.
 *
 * <p>Criterion, for each image over its 10 logits: {@code max_j |jgrad_j - torch_j| <= 1e-5 · max_j |torch_j|}.
 * It is relative to the image's largest logit rather than to each logit, because a logit near 0 is
 * a cancelling sum of ordinary-sized terms and carries their rounding error: the two libraries add
 * the 784-, 512-, 256- and 128-term dot products in different orders.
 */
class PyTorchInteropTest {
    static final double TOL = 1e-5;

    @Test
    void netGivesPyTorchsLogits() throws IOException {
        Net net = new Net();
        net.loadStateDict(SafeTensors.load(fixture("net.safetensors")));
        assertLogitsMatch(load("net.logits.safetensors").get("logits"), logits(net, images()), "Net");
    }

    @Test
    void complexNetGivesPyTorchsLogitsWithItsRunningStatistics() throws IOException {
        ComplexNet net = new ComplexNet();
        net.loadStateDict(SafeTensors.load(fixture("complex_net.safetensors")));
        assertEquals(300f, net.batchNorm3.numBatchesTracked.item(), "PyTorch's I64 count, one per training step");
        assertLogitsMatch(load("complex_net.logits.safetensors").get("logits"), logits(net, images()), "ComplexNet");
    }

    /** The fixture images are what jgrad's loader and the notebook's transform make of the same test split. */
    @Test
    void jgradsTransformGivesTorchvisionsImagesBitForBit() throws IOException {
        var test = FashionMNIST.load(DataSource.defaults().withDownload(false), false);
        try (var batches = DataLoader.builder(test).batchSize(32).transform(Run.TRANSFORM).build().iterator()) {
            var first = batches.next();
            Map<String, Tensor> f = load("images.safetensors");
            assertArrayEquals(f.get("images").shape(), first.inputs().shape());
            assertArrayEquals(f.get("images").data(), first.inputs().data());
            assertArrayEquals(f.get("labels").data(), first.labels().data());
        }
    }

    /** The file {@code interop/<name>} of the test resources. */
    static Path fixture(String name) {
        URL url = PyTorchInteropTest.class.getResource("/interop/" + name);
        assertNotNull(url, "missing test resource interop/" + name + " (tools/interop.py fixtures writes it)");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Tensor> load(String name) throws IOException {
        return SafeTensors.load(fixture(name));
    }

    /** The 32 normalised test images, [32, 1, 28, 28]. */
    static Tensor images() throws IOException {
        return load("images.safetensors").get("images");
    }

    /** {@code model}'s output in eval mode (BatchNorm on its running statistics), without a graph. */
    static Tensor logits(Module model, Tensor images) {
        model.eval();
        try (var g = GradMode.noGrad()) {
            return model.forward(images);
        }
    }

    /** The criterion above: each row of {@code actual} within {@link #TOL} of its row's largest |expected|; NaN fails. */
    static void assertLogitsMatch(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape of the logits");
        int cols = expected.size(1);
        float[] e = expected.data(), a = actual.data();
        for (int i = 0; i < expected.size(0); i++) {
            double diff = 0, scale = 0;
            for (int j = i * cols; j < (i + 1) * cols; j++) {
                diff = Math.max(diff, Math.abs((double) a[j] - e[j]));
                scale = Math.max(scale, Math.abs(e[j]));
            }
            assertTrue(diff <= TOL * scale, what + ": image " + i + "'s logits differ by up to " + diff
                    + ", more than " + TOL + " of its largest logit " + scale);
        }
    }
}
