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

    /** Whole files of each format with structure checks: grey, colour, alpha, palette and interlaced PNG, JPEG, GIF. */
    static final List<byte[]> STRUCTURED = List.of(
            SEEDS.get(0).bytes(), SEEDS.get(1).bytes(), SEEDS.get(2).bytes(), SEEDS.get(3).bytes(),
            encode(indexed(24, 20), "png"), interlaced(image(19, 13, BufferedImage.TYPE_INT_RGB)), encode(indexed(30, 22), "gif"));

    /**
     * The structural campaign: damage whose outcome the formats define. Any changed byte of a PNG
     * after its signature breaks a chunk's CRC, length or type; a width or height changed under a
     * CRC made to fit no longer matches the image data; a JPEG or GIF cut before its end marker or
     * trailer is truncated, and a GIF frame cut to a fraction of its data misses pixels: all must
     * be refused. Bytes appended after the end are not part of the image: the file must load.
     */
    @Test
    void structure() throws IOException {
        Fuzz.campaign("image-structure", TARGET, Fuzz.INPUTS, r -> {
            byte[] seed = STRUCTURED.get(r.nextInt(STRUCTURED.size())), b = seed.clone();
            boolean png = seed[1] == 'P', gif = seed[0] == 'G';
            switch (r.nextInt(4)) {
                case 0 -> {
                    byte[] junk = Mutate.junk(r, 1 + r.nextInt(64));
                    return new Input("appended " + junk.length + " bytes", Expect.LOAD, Mutate.concat(seed, junk));
                }
                case 1 -> {
                    int at = (png ? 8 : 2) + r.nextInt(seed.length - (png ? 8 : 2) - 1);
                    if (png) {
                        int i = 8 + r.nextInt(seed.length - 8);
                        b[i] ^= (byte) (1 + r.nextInt(255));
                        return new Input("PNG byte " + i + " changed", Expect.REFUSE, b);
                    }
                    return new Input("cut at " + at + " of " + seed.length, Expect.REFUSE, java.util.Arrays.copyOf(seed, at));
                }
                case 2 -> {
                    if (png) { // width or height changed, the IHDR CRC made to fit
                        int field = 16 + 4 * r.nextInt(2), old = java.nio.ByteBuffer.wrap(b, field, 4).getInt();
                        int v = Math.max(1, old + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(old + 5)));
                        if (v == old) v = old + 1;
                        java.nio.ByteBuffer.wrap(b, field, 4).putInt(v);
                        var crc = new java.util.zip.CRC32();
                        crc.update(b, 12, 17);
                        java.nio.ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
                        return new Input((field == 16 ? "width " : "height ") + old + " → " + v + " under a fitting CRC", Expect.REFUSE, b);
                    }
                    int at = 2 + r.nextInt(seed.length - 3);
                    return new Input("cut at " + at + " of " + seed.length, Expect.REFUSE, java.util.Arrays.copyOf(seed, at));
                }
                default -> {
                    if (gif) {
                        int part = 2 + r.nextInt(40);
                        return new Input("GIF frame cut to 1/" + part + " of its data", Expect.REFUSE, Damage.starve(seed, part));
                    }
                    var how = new StringBuilder();
                    return new Input(how.toString(), Expect.EITHER, Mutate.bytes(r, seed, 8, List.of(), List.of(), how));
                }
            }
        }, dir);
    }

    static BufferedImage indexed(int w, int h) {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED);
        var r = new SplittableRandom(w * 7L + h);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, r.nextInt(256));
        return img;
    }

    /** A PNG written with Adam7 interlacing. */
    static byte[] interlaced(BufferedImage img) {
        var out = new ByteArrayOutputStream();
        var writer = ImageIO.getImageWritersByFormatName("png").next();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            var param = writer.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] b = out.toByteArray();
        if (b[28] != 1) throw new AssertionError("not interlaced");
        return b;
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
