package jgrad.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageFiles' preprocessing on small pictures whose right answer can be worked out by hand. */
class ImageFilesTest {
    @TempDir
    Path dir;

    private Path write(BufferedImage img, String name) throws IOException {
        Path f = dir.resolve(name);
        assertTrue(ImageIO.write(img, name.substring(name.lastIndexOf('.') + 1), f.toFile()));
        return f;
    }

    private static BufferedImage filled(int w, int h, int type, int rgb) {
        var img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return img;
    }

    @Test
    void aGrey28x28PngWithADarkBorderReadsBackUnchanged() throws IOException {
        var img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = new byte[784];
        var r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 784; i++) px[i] = (byte) (i / 28 < 3 || i / 28 > 24 ? r.nextInt(20) : r.nextInt(256));
        img.getRaster().setDataElements(0, 0, 28, 28, px);
        ImageFiles.Image im = ImageFiles.read(write(img, "grey.png"), 28, 28);
        assertArrayEquals(px, im.pixels());
        assertFalse(im.inverted());
        assertEquals("28×28, not resized, not inverted (light object on dark background, as Fashion-MNIST)", im.how());
    }

    @Test
    void colourBecomesItsLuma() throws IOException {
        // 0.299·200 + 0.587·100 + 0.114·50 = 124.2; a uniform picture has no darker centre, so it is not inverted
        ImageFiles.Image im = ImageFiles.read(write(filled(56, 56, BufferedImage.TYPE_INT_RGB, 200 << 16 | 100 << 8 | 50), "c.png"), 28, 28);
        byte[] expected = new byte[784];
        Arrays.fill(expected, (byte) 124);
        assertArrayEquals(expected, im.pixels());
        assertTrue(im.how().startsWith("colour → grey, resized 56×56 → 28×28, not inverted"), im.how());
    }

    @Test
    void shrinkingAveragesEachCoveredArea() throws IOException {
        // stripes 0, 200, 0, 200 … one pixel wide: each 2×2 area holds two of each, so every output pixel is 100
        var img = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 56; y++) for (int x = 0; x < 56; x++) img.getRaster().setSample(x, y, 0, x % 2 * 200);
        byte[] expected = new byte[784];
        Arrays.fill(expected, (byte) 100);
        assertArrayEquals(expected, ImageFiles.read(write(img, "s.png"), 28, 28).pixels());
        // 84 → 28 is 3:1; a 3-pixel period 0, 255, 0 averages to 85 (and the border, a little darker, keeps it from inversion)
        img = new BufferedImage(84, 84, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 84; y++) for (int x = 0; x < 84; x++) img.getRaster().setSample(x, y, 0, x % 3 == 1 ? 255 : 0);
        Arrays.fill(expected, (byte) 85);
        assertArrayEquals(expected, ImageFiles.read(write(img, "t.png"), 28, 28).pixels());
    }

    @Test
    void aWidePictureIsPaddedToASquareWithItsBackground() throws IOException {
        // 56×28, black with a 28×14 block of 250 in the middle; padded to 56×56 (14 rows above and below), then halved
        var img = new BufferedImage(56, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 7; y < 21; y++) for (int x = 14; x < 42; x++) img.getRaster().setSample(x, y, 0, 250);
        ImageFiles.Image im = ImageFiles.read(write(img, "wide.png"), 28, 28);
        byte[] p = im.pixels();
        assertEquals(250, p[12 * 28 + 10] & 0xff);
        assertEquals(125, p[10 * 28 + 10] & 0xff, "block rows 21..34 of the padded square: output row 10 is half covered");
        assertEquals(125, p[17 * 28 + 20] & 0xff);
        assertEquals(0, p[11 * 28 + 6] & 0xff);
        assertEquals(0, p[2 * 28 + 14] & 0xff, "padding");
        assertEquals("resized 56×28 → 28×28 (padded to a square), not inverted (light object on dark background, as Fashion-MNIST)", im.how());
    }

    @Test
    void aDarkObjectOnALightBackgroundIsInverted() throws IOException {
        var img = filled(100, 100, BufferedImage.TYPE_INT_RGB, 0xffffff);
        for (int y = 30; y < 70; y++) for (int x = 30; x < 70; x++) img.setRGB(x, y, 0);
        ImageFiles.Image im = ImageFiles.read(write(img, "dark.jpg"), 28, 28);
        assertTrue(im.inverted());
        assertTrue(im.how().contains("inverted (dark object on light background: border 255 > centre "), im.how());
        byte[] p = im.pixels();
        assertTrue((p[14 * 28 + 14] & 0xff) > 245 && (p[28 + 1] & 0xff) < 10, "the object light, the background dark");
    }

    @Test
    void transparencyIsCompositedOverWhite() throws IOException {
        var img = filled(40, 40, BufferedImage.TYPE_INT_ARGB, 0); // all transparent black: shown as white
        for (int y = 15; y < 25; y++) for (int x = 15; x < 25; x++) img.setRGB(x, y, 0xff000000);
        ImageFiles.Image im = ImageFiles.read(write(img, "alpha.png"), 28, 28);
        assertTrue(im.inverted(), im.how());
        assertEquals(0, im.pixels()[0]);
        assertEquals(255, im.pixels()[14 * 28 + 14] & 0xff);
    }

    @Test
    void sixteenBitGreyIsScaledTo255() throws IOException {
        var img = new BufferedImage(28, 28, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 10; y < 18; y++) for (int x = 10; x < 18; x++) img.getRaster().setSample(x, y, 0, 65535 / 255 * 128);
        byte[] p = ImageFiles.read(write(img, "g16.png"), 28, 28).pixels();
        assertEquals(128, p[14 * 28 + 14] & 0xff);
        assertEquals(0, p[0]);
    }

    @Test
    void whatIsNotAReadableImageIsAnIOExceptionNamingTheFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "not a picture");
        var e = assertThrows(IOException.class, () -> ImageFiles.read(text, 28, 28));
        assertEquals(text + ": not an image jgrad can read (PNG, JPEG, BMP or GIF)", e.getMessage());
        Path png = write(filled(30, 30, BufferedImage.TYPE_INT_RGB, 0x123456), "cut.png");
        byte[] b = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(b, b.length / 2));
        e = assertThrows(IOException.class, () -> ImageFiles.read(png, 28, 28));
        assertTrue(e.getMessage().startsWith(png + ": not a readable PNG image ("), e.getMessage());
        Path missing = dir.resolve("missing.png");
        assertThrows(IOException.class, () -> ImageFiles.read(missing, 28, 28));
    }
}
