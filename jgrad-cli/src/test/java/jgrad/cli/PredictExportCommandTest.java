package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.app.Predictor;
import jgrad.app.Preset;
import jgrad.data.FashionMNIST;
import jgrad.models.Spec;
import jgrad.nn.SafeTensors;
import jgrad.tensor.Rng;

/** {@code jgrad predict} and {@code jgrad export} on a model file written as {@code jgrad train --save} writes it. */
class PredictExportCommandTest {
    @TempDir
    Path dir;

    private static Out run(String... args) {
        return Out.run(args);
    }

    private Path model() throws IOException {
        String spec = "conv 4 3 same, relu, maxpool 2, flatten, linear 10";
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(Spec.parse(spec, FashionMNIST.SHAPE).build(new Rng(3)).stateDict(),
                Predictor.metadata(spec, FashionMNIST.SHAPE, FashionMNIST.SPEC.classNames(), Main.VERSION), f);
        return f;
    }

    @Test
    void predictPrintsWhatItDidAndTheTopClasses() throws IOException {
        var img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 640, 480);
        g.setColor(java.awt.Color.DARK_GRAY);
        g.fillRect(220, 120, 200, 240);
        g.dispose();
        Path photo = dir.resolve("photo.jpg");
        ImageIO.write(img, "jpeg", photo.toFile());
        Out r = run("predict", model().toString(), photo.toString(), "--top", "2", "--test-index", "0", "--no-download");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith(photo + ": colour → grey, resized 640×480 → 28×28 (padded to a square), inverted (dark object"), r.out());
        assertTrue(lines.get(1).matches("  \\S.* +\\d+\\.\\d\\d%"), r.out());
        assertEquals("Fashion-MNIST test image 0 (true label: Ankle boot)", lines.get(3), r.out());
        assertEquals(6, lines.size(), "two classes an image: " + r.out());
    }

    @Test
    void predictRefusesBadInputsClearly() throws IOException {
        Path m = model();
        assertEquals(2, run("predict", m.toString()).code(), "nothing to classify");
        Path notes = Files.writeString(dir.resolve("notes.png"), "text");
        Out r = run("predict", m.toString(), notes.toString());
        assertEquals(1, r.code());
        assertEquals("jgrad: " + notes + ": not an image jgrad can read (PNG, JPEG, BMP or GIF)", r.err().strip());
        Path bare = dir.resolve("bare.safetensors");
        SafeTensors.save(SafeTensors.load(m), bare);
        r = run("export", bare.toString(), "--onnx", dir.resolve("x.onnx").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("jgrad: " + bare + ": has no network spec"), r.err());
    }

    @Test
    void exportWritesAnOnnxFile() throws IOException {
        Path out = dir.resolve("m.onnx");
        Out r = run("export", model().toString(), "--onnx", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("Exported conv 4 3 same, relu, maxpool 2, flatten, linear 10 (input [N, 1, 28, 28]) to " + out, r.out().strip());
        assertTrue(Files.size(out) > 4 * (4 * 9 + 4 + 4 * 14 * 14 * 10), "holds the weights");
    }
}
