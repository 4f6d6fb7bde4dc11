package jgrad.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.Module;
import jgrad.optim.Adam;
import jgrad.tensor.Rng;
import jgrad.train.Evaluation;

/**
 * The real Fashion-MNIST test split written out as an image folder of 10,000 grey PNGs, one folder
 * per class named so that the sorted order is the class order ({@code 0_T-shirt-top} …
 * {@code 9_Ankle-boot}), reads back as the IDX files hold it, and a trained model scores the same on
 * both (skipped where Debian's dataset-fashion-mnist is not installed).
 */
class FashionMnistFolderTest {
    @TempDir
    static Path dir;
    static ImageDataset idx;
    /** The IDX test split in the folder's order: by class, and within a class as in the IDX file. */
    static ImageDataset idxByClass;
    static ImageDataset folder;
    static Path root;

    @BeforeAll
    static void writeTheFolder() throws IOException {
        assumeTrue(Files.isRegularFile(FashionMnistTest.DEBIAN.resolve("t10k-labels-idx1-ubyte.gz")), "apt-get install dataset-fashion-mnist");
        idx = FashionMNIST.load(DataSource.defaults().withDirectory(FashionMnistTest.DEBIAN).withDownload(false), false);
        root = dir.resolve("fashion-mnist-test");
        List<String> folders = new ArrayList<>();
        for (int c = 0; c < 10; c++) folders.add(c + "_" + idx.classNames().get(c).replace('/', '-').replace(' ', '-'));
        for (String f : folders) Files.createDirectories(root.resolve(f));
        IntStream.range(0, idx.size()).parallel().forEach(i -> {
            byte[] px = new byte[784];
            idx.pixels().get(i * 784, px);
            var img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, px);
            Path f = root.resolve(folders.get(idx.label(i))).resolve("%05d.png".formatted(i));
            try {
                assertTrue(ImageIO.write(img, "png", f.toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        folder = ImageFolder.load(root, options());
        int[] byClass = IntStream.range(0, idx.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> idx.label(i)).thenComparingInt(i -> i)).mapToInt(i -> i).toArray();
        idxByClass = idx.subset(byClass, "by class");
    }

    private static ImageFolder.Options options() {
        return ImageFolder.Options.defaults().withCacheDir(dir.resolve("cache")).withProgress(null);
    }

    @Test
    void theFolderHoldsTheIdxPixelsAndLabels() throws IOException {
        assertEquals(10_000, folder.size());
        assertArrayEquals(new int[]{1, 28, 28}, folder.sampleShape(), "grey PNGs: one channel");
        assertEquals(List.of("0_T-shirt-top", "1_Trouser", "2_Pullover", "3_Dress", "4_Coat", "5_Sandal", "6_Shirt", "7_Sneaker", "8_Bag",
                "9_Ankle-boot"), folder.classNames());
        assertEquals(idxByClass.pixels(), folder.pixels(), "every pixel");
        assertEquals(idxByClass.labels(), folder.labels(), "every label");
        ImageDataset cached = ImageFolder.load(root, options());
        assertEquals(idxByClass.pixels(), cached.pixels(), "and again from the cache");
        assertEquals(idxByClass.labels(), cached.labels());
    }

    @Test
    void aTrainedModelScoresTheSameOnBoth() throws IOException {
        // the simple preset after 200 Adam steps: about 80%, far from chance, so equal scores are not a coincidence
        Rng.manualSeed(0);
        Module net = Preset.SIMPLE.model();
        var opt = new Adam(net.parameters(), 1e-3f, 0f);
        var loss = new CrossEntropyLoss();
        int steps = 0;
        for (Batch b : DataLoader.builder(FashionMNIST.load(DataSource.defaults().withDirectory(FashionMnistTest.DEBIAN).withDownload(false), true))
                .batchSize(64).shuffle(0).transform(Run.TRANSFORM).build()) {
            opt.zeroGrad();
            loss.forward(net.forward(b.inputs()), b.labels()).backward();
            opt.step();
            if (++steps == 200) break;
        }
        Evaluation fromFolder = Run.evaluate(net, folder, true), fromIdx = Run.evaluate(net, idx, true);
        assertTrue(fromIdx.accuracy() > 70, fromIdx.report());
        assertEquals(fromIdx.correct(), fromFolder.correct());
        assertEquals(fromIdx.accuracy(), fromFolder.accuracy());
        assertArrayEquals(fromIdx.confusion(), fromFolder.confusion());
        // in the same order the batches are the same, so even the summed loss is bit for bit the same
        Evaluation sameOrder = Run.evaluate(net, idxByClass, true);
        assertEquals(sameOrder.meanLoss(), fromFolder.meanLoss());
        assertEquals(sameOrder.correct(), fromFolder.correct());
    }
}
