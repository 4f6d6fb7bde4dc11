package jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.data.ImageFiles;
import jgrad.fuzz.Fuzz.Expect;
import jgrad.fuzz.Fuzz.Input;
import jgrad.fuzz.Mutate.Field;

/**
 * The mutation fuzz campaign of {@link ImageFiles#read} over PNG (grey, colour, with alpha), JPEG
 * and BMP seeds, their width and height fields among the mutated sizes. Image formats ignore what
 * follows their end marker, so no mutation must be refused: a corrupt image either ends in an
 * IOException naming the file or decodes to some picture of the size its header declares. The
 * allocation bound counts that declared raster (4 bytes a pixel), which every decoder allocates,
 * so what it catches is preprocessing that allocates beyond the image it was given.
 */
class ImageFuzzTest {
    @TempDir
    Path dir;

    record Seed(byte[] bytes, int header, List<Field> sizes) {}

    static final List<Seed> SEEDS = List.of(
            png(image(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png"),
            png(image(40, 30, BufferedImage.TYPE_INT_RGB), "png"),
            png(image(17, 23, BufferedImage.TYPE_INT_ARGB), "png"),
            new Seed(encode(image(32, 24, BufferedImage.TYPE_INT_RGB), "jpeg"), 200, List.of()),
            new Seed(encode(image(20, 12, BufferedImage.TYPE_3BYTE_BGR), "bmp"), 54, List.of(new Field(18, 4, true), new Field(22, 4, true))));

    @Test
    void imageReader() throws IOException {
        Fuzz.campaign("image-files", TARGET, Fuzz.INPUTS, r -> {
            Seed s = SEEDS.get(r.nextInt(SEEDS.size()));
            var how = new StringBuilder();
            byte[] b = Mutate.bytes(r, s.bytes(), s.header(), s.sizes(), s.sizes(), how);
            return new Input(how.toString(), Expect.EITHER, b);
        }, dir);
    }

    /** A picture with a light blob on a darker, noisy ground, so that every row and column differ. */
    static BufferedImage image(int w, int h, int type) {
        var img = new BufferedImage(w, h, type);
        var r = new SplittableRandom(w * 31L + h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int v = Math.abs(x - w / 2) + Math.abs(y - h / 2) < Math.min(w, h) / 3 ? 200 + r.nextInt(50) : r.nextInt(60);
                img.setRGB(x, y, (type == BufferedImage.TYPE_INT_ARGB ? r.nextInt(256) : 255) << 24 | v << 16 | (v / 2) << 8 | (255 - v));
            }
        return img;
    }

    /** A PNG seed: the header is the signature and IHDR, whose width and height are big-endian at 16 and 20. */
    static Seed png(BufferedImage img, String format) {
        return new Seed(encode(img, format), 33, List.of(new Field(16, 4, false), new Field(20, 4, false)));
    }

    static byte[] encode(BufferedImage img, String format) {
        var out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) throw new AssertionError("no ImageIO writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static final Fuzz.Target<ImageFiles.Image> TARGET = new Fuzz.Target<>() {
        public List<String> names() {
            return List.of("image");
        }

        public Class<? extends IOException> refusal() {
            return IOException.class;
        }

        public ImageFiles.Image read(List<Path> files) throws IOException {
            return ImageFiles.read(files.getFirst(), 28, 28);
        }

        /** An accepted image is 28×28 and reports the size that ImageIO itself decodes from the same bytes. */
        public void check(Input in, ImageFiles.Image im) throws IOException {
            assertEquals(28 * 28, im.pixels().length);
            BufferedImage direct = ImageIO.read(new ByteArrayInputStream(in.files()[0]));
            assertEquals(direct.getWidth(), im.sourceWidth());
            assertEquals(direct.getHeight(), im.sourceHeight());
            assertTrue(im.how().contains(direct.getWidth() + "×" + direct.getHeight()), im.how());
        }

        public long present(Input in) {
            return in.files()[0].length + 4 * Math.min(declaredPixels(in.files()[0]), ImageFiles.MAX_PIXELS);
        }
    };

    /** Width × height as the file's header declares them to ImageIO, or 0 when it declares none. */
    static long declaredPixels(byte[] file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return 0;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return Math.max(0, (long) reader.getWidth(0) * reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
