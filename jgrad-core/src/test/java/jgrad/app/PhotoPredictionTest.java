package jgrad.app;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;
import jgrad.data.ImageFiles;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.SafeTensors;
import jgrad.optim.Adam;
import jgrad.tensor.Rng;

/**
 * The simple preset, trained for 300 steps (about 80% test accuracy), saved and reloaded as
 * {@code jgrad predict} does, classifies Fashion-MNIST test images read from files: as 28×28 PNGs
 * exactly as in memory, and as photos (inverted to dark on light, upscaled to 300×300, tinted,
 * saved as JPEG) mostly with the same top class.
 */
class PhotoPredictionTest {
    @TempDir
    static Path dir;
    static Predictor predictor;
    static ImageDataset test;

    @BeforeAll
    static void train() throws IOException {
        Rng.manualSeed(0);
        var net = Preset.SIMPLE.model();
        var opt = new Adam(net.parameters(), 1e-3f, 0f);
        var loss = new CrossEntropyLoss();
        int steps = 0;
        for (Batch b : DataLoader.builder(FashionMNIST.load(true)).batchSize(64).shuffle(0).transform(Run.TRANSFORM).build()) {
            opt.zeroGrad();
            loss.forward(net.forward(b.inputs()), b.labels()).backward();
            opt.step();
            if (++steps == 300) break;
        }
        test = FashionMNIST.load(false);
        Path f = dir.resolve("simple.safetensors");
        SafeTensors.save(net.stateDict(), Predictor.metadata(Preset.SIMPLE.spec(FashionMNIST.SHAPE, 10).resolved(), FashionMNIST.SHAPE, test.classNames(), "test"), f);
        predictor = Predictor.load(f);
    }

    private static byte[] pixels(int i) {
        byte[] px = new byte[784];
        test.pixels().get(i * 784, px);
        return px;
    }

    private static BufferedImage grey(byte[] px) {
        var img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, 28, 28, px);
        return img;
    }

    @Test
    void testImagesWrittenAsPngGetBitIdenticalProbabilities() throws IOException {
        int inverted = 0;
        for (int i = 0; i < 500; i++) {
            Path f = dir.resolve("test-" + i + ".png");
            ImageIO.write(grey(pixels(i)), "png", f.toFile());
            ImageFiles.Image im = predictor.readImage(f);
            if (im.inverted()) {
                inverted++;
                continue;
            }
            assertArrayEquals(pixels(i), im.pixels(), "image " + i);
            assertArrayEquals(predictor.probabilities(pixels(i)), predictor.probabilities(im.pixels()), "image " + i);
        }
        System.out.println("PNG round trip: " + inverted + " of 500 test images taken for dark on light");
        assertEquals(0, inverted, "Fashion-MNIST's black backgrounds are never taken for light ones");
    }

    @Test
    void photosOfTestImagesDarkOnLightMostlyKeepTheirTopClass() throws IOException {
        int same = 0, n = 100;
        for (int i = 0; i < n; i++) {
            byte[] px = pixels(i);
            var photo = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
            var g = photo.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(grey(px), 0, 0, 300, 300, null);
            g.dispose();
            for (int y = 0; y < 300; y++)
                for (int x = 0; x < 300; x++) {
                    int v = 255 - (photo.getRGB(x, y) & 0xff); // dark object on a light background, warmly tinted
                    photo.setRGB(x, y, v << 16 | (v * 240 / 255) << 8 | (v * 215 / 255));
                }
            Path f = dir.resolve("photo-" + i + ".jpg");
            jpeg(photo, f);
            ImageFiles.Image im = predictor.readImage(f);
            assertTrue(im.inverted(), im.how());
            if (Predictor.top(predictor.probabilities(im.pixels()), 1)[0] == Predictor.top(predictor.probabilities(px), 1)[0]) same++;
        }
        System.out.println("photos (inverted, 300×300 bicubic, tinted, JPEG quality 0.85): " + same + " of " + n + " keep their top class");
        assertTrue(same >= 85, same + " of " + n);
    }

    private static void jpeg(BufferedImage img, Path f) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter w = writers.next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(0.85f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
    }
}
