package jgrad.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageFiles.readChannels: training images as C channels, stretched by area averaging, on pictures whose answer is known. */
class ImageFilesChannelsTest {
    @TempDir
    Path dir;

    private Path write(BufferedImage img, String name) throws IOException {
        return ImageFilesTest.write(dir, img, name);
    }

    private static BufferedImage grey(int w, int h, byte[] px) {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, w, h, px);
        return img;
    }

    private static byte[] random(int n, long seed) {
        byte[] px = new byte[n];
        new SplittableRandom(seed).nextBytes(px);
        return px;
    }

    @Test
    void aGreyPngReadsBackBitForBitAsOneChannelOrThreeCopies() throws IOException {
        // light borders and all: no inversion and no padding, unlike read()
        byte[] px = random(30 * 20, 1);
        Path f = write(grey(30, 20, px), "g.png");
        for (int channels : new int[]{0, 1}) {
            ImageFiles.Pixels p = ImageFiles.readChannels(f, channels, 0, 0);
            assertArrayEquals(px, p.chw());
            assertEquals(1, p.channels());
            assertEquals(20, p.rows());
            assertEquals(30, p.cols());
        }
        assertArrayEquals(px, ImageFiles.readChannels(f, 1, 20, 30).chw(), "its own size given: unchanged");
        ImageFiles.Pixels rgb = ImageFiles.readChannels(f, 3, 0, 0);
        assertEquals(3, rgb.channels());
        for (int c = 0; c < 3; c++) assertArrayEquals(px, Arrays.copyOfRange(rgb.chw(), c * 600, (c + 1) * 600), "channel " + c);
    }

    @Test
    void colourReadsAsItsPlanesOrItsLuma() throws IOException {
        var img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        byte[] r = random(20, 2), g = random(20, 3), b = random(20, 4);
        for (int i = 0; i < 20; i++) img.setRGB(i % 5, i / 5, (r[i] & 0xff) << 16 | (g[i] & 0xff) << 8 | (b[i] & 0xff));
        Path f = write(img, "c.png");
        ImageFiles.Pixels p = ImageFiles.readChannels(f, 0, 0, 0);
        assertEquals(3, p.channels(), "a colour file has three channels of its own");
        byte[] planes = new byte[60];
        System.arraycopy(r, 0, planes, 0, 20);
        System.arraycopy(g, 0, planes, 20, 20);
        System.arraycopy(b, 0, planes, 40, 20);
        assertArrayEquals(planes, p.chw());
        byte[] luma = ImageFiles.readChannels(f, 1, 0, 0).chw();
        for (int i = 0; i < 20; i++)
            assertEquals(Math.round(0.299f * (r[i] & 0xff) + 0.587f * (g[i] & 0xff) + 0.114f * (b[i] & 0xff)), luma[i] & 0xff, "pixel " + i);
    }

    @Test
    void resizingStretchesAndAveragesEachCoveredArea() throws IOException {
        // 8 wide × 2 high onto 2 × 2: no padding to a square; each output pixel is the mean of a 4×1 run
        byte[] px = {0, 10, 20, 30, 40, 50, 60, 70, 100, 100, 100, 100, (byte) 255, (byte) 255, (byte) 255, (byte) 251};
        ImageFiles.Pixels p = ImageFiles.readChannels(write(grey(8, 2, px), "wide.png"), 1, 2, 2);
        assertArrayEquals(new byte[]{15, 55, 100, (byte) 254}, p.chw(), "(0+10+20+30)/4, (40+…+70)/4, 100, 1016/4");
        assertEquals(8, p.sourceWidth());
        assertEquals(2, p.sourceHeight());
        // 3 × 3 onto 2 × 2: an output pixel covers 1.5 × 1.5 source pixels, weighted by overlap
        byte[] q = {0, 0, 90, 0, 0, 90, 90, 90, 90};
        assertArrayEquals(new byte[]{0, 60, 60, 80}, ImageFiles.readChannels(write(grey(3, 3, q), "q.png"), 1, 2, 2).chw(),
                "top right covers x 1.5..3, y 0..1.5: (0·½·1 + 90·1·1 + 0·½·½ + 90·1·½)/2.25 = 60; bottom right (45 + 45 + 90)/2.25 = 80");
    }

    @Test
    void transparentPixelsAreWhite() throws IOException {
        var img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00000000);
        img.setRGB(1, 0, 0xff102030);
        assertArrayEquals(new byte[]{(byte) 255, 0x10, (byte) 255, 0x20, (byte) 255, 0x30},
                ImageFiles.readChannels(write(img, "a.png"), 3, 0, 0).chw());
    }

    @Test
    void badArgumentsAndFilesAreClearErrors() throws IOException {
        Path f = write(grey(2, 2, new byte[4]), "g.png");
        assertThrows(IllegalArgumentException.class, () -> ImageFiles.readChannels(f, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageFiles.readChannels(f, 1, 4, 0));
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not a picture");
        var e = assertThrows(IOException.class, () -> ImageFiles.readChannels(text, 3, 8, 8));
        assertEquals(text + ": not an image jgrad can read (PNG, JPEG, BMP or GIF)", e.getMessage());
    }
}
