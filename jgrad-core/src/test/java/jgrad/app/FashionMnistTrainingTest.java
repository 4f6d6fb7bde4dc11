package jgrad.app;

import jgrad.models.ComplexNet;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jgrad.data.ImageDataset;

/**
 * The notebook's networks trained on the real Fashion-MNIST (Debian's dataset-fashion-mnist, which
 * ./test installs). 1c must reach 80% test accuracy; with the notebook's settings that takes more
 * than one epoch (PyTorch 1.13 itself gets 76.7-77.4% after one epoch here, seeds 0 and 1), so it
 * trains three. The same seed must give bit-identical numbers.
 */
class FashionMnistTrainingTest {
    static ImageDataset train, test;

    @BeforeAll
    static void load() throws IOException {
        ImageDataset[] d = Run.load(null, false);
        train = d[0];
        test = d[1];
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
    }

    @Test
    void simpleReaches80PercentInThreeEpochsAndIsDeterministic() {
        Settings s = Settings.builder(Preset.SIMPLE).epochs(3).build();
        Run.Result a = Run.run(s, train, test, jgrad.train.Trainer.Listener.NONE);
        assertTrue(a.test().accuracy() >= 80.0, "test accuracy " + a.test().accuracy());
        assertTrue(a.epochs().get(2).meanLoss() < 0.55, "epoch 3 loss " + a.epochs().get(2).meanLoss());
        assertEquals(10_000, a.test().samples());
        Run.Result b = Run.run(s, train, test, jgrad.train.Trainer.Listener.NONE);
        assertEquals(a.epochs(), b.epochs().stream().map(e -> new jgrad.train.Trainer.Epoch(e.epoch(), e.meanLoss(), a.epochs().get(e.epoch() - 1).seconds(), e.samples())).toList(),
                "same seed, same losses, bit for bit");
        assertEquals(a.test().correct(), b.test().correct());
        assertEquals(a.test().meanLoss(), b.test().meanLoss());
    }

    @Test
    void complexTrainsOneEpochWithBatchNormInEvalMode() {
        Settings s = Settings.builder(Preset.COMPLEX).epochs(1).build();
        Run.Result r = Run.run(s, train, test, jgrad.train.Trainer.Listener.NONE);
        assertTrue(r.test().accuracy() >= 83.0, "test accuracy " + r.test().accuracy());
        var bn = ((ComplexNet) r.model()).batchNorm1;
        assertEquals(938f, bn.numBatchesTracked.item(), "one update of the running statistics per training batch");
    }

    /** The first {@code n} training images: a real-data subset small enough for a CNN epoch in CI. */
    private static ImageDataset firstImages(int n) {
        byte[] pixels = new byte[n * 28 * 28], labels = new byte[n];
        train.pixels().get(0, pixels);
        train.labels().get(0, labels);
        return ImageDataset.of("fashion-mnist/train[:" + n + "]", train.classNames(), 28, 28, pixels, labels);
    }

    @Test
    void cnnLearnsFromARealSubsetAndIsDeterministic() {
        ImageDataset subset = firstImages(6400);
        Settings s = Settings.builder(Preset.CNN).epochs(1).build();
        Run.Result a = Run.run(s, subset, test, jgrad.train.Trainer.Listener.NONE);
        // 100 Adam steps on 6,400 images; a 1c MLP gets about 75% from the same data
        assertTrue(a.test().accuracy() >= 78.0, "test accuracy " + a.test().accuracy());
        Run.Result b = Run.run(s, subset, test, jgrad.train.Trainer.Listener.NONE);
        assertEquals(a.epochs().getFirst().meanLoss(), b.epochs().getFirst().meanLoss(), "same seed, same loss, bit for bit");
        assertEquals(a.test().correct(), b.test().correct());
        assertArrayEquals(a.model().stateDict().get("0.weight").data(), b.model().stateDict().get("0.weight").data());
    }
}
