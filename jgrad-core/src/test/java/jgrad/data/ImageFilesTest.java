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
        return write(dir, img, name);
    }

    /** {@code img} written into {@code dir} as {@code name}, in the format its extension names. */
    static Path write(Path dir, BufferedImage img, String name) throws IOException {
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
        assertTrue(e.getMessage().startsWith(png + ": a damaged PNG file: chunk IDAT at byte "), e.getMessage());
    }

    @Test
    void aMissingFileADirectoryAFifoAndAnUnreadableFileEachSayWhichItIs() throws Exception {
        Path missing = dir.resolve("missing.png");
        assertEquals(missing + ": no such file", assertThrows(IOException.class, () -> ImageFiles.read(missing, 28, 28)).getMessage());
        assertEquals(dir + ": is a directory, not an image file", assertThrows(IOException.class, () -> ImageFiles.read(dir, 28, 28)).getMessage());
        Path fifo = dir.resolve("fifo.png");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        var e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> assertThrows(IOException.class, () -> ImageFiles.read(fifo, 28, 28)));
        assertEquals(fifo + ": is not a regular file (a FIFO, socket or device), not an image file; not opened", e.getMessage());
        // root reads past permission bits; a file whose reads fail is unreadable for root too
        Path unreadable = unreadable(write(filled(28, 28, BufferedImage.TYPE_BYTE_GRAY, 0), "u.png"));
        e = assertThrows(IOException.class, () -> ImageFiles.read(unreadable, 28, 28));
        assertTrue(e.getMessage().startsWith(unreadable + ": cannot be read: "), e.getMessage());
    }

    /** A file whose reads fail: {@code f} without read permission, or for root (whom permission bits do not stop) /proc/self/mem, whose offset 0 is unmapped. */
    static Path unreadable(Path f) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(f, java.util.Set.of());
            return f;
        }
        return Path.of("/proc/self/mem");
    }

    /** A PNG chunk: length, type, data, CRC-32 of type and data. */
    static byte[] chunk(String type, byte[] data) {
        var b = java.nio.ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length).put(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data);
        var crc = new java.util.zip.CRC32();
        crc.update(b.array(), 4, 4 + data.length);
        return b.putInt((int) crc.getValue()).array();
    }

    /** A PNG of {@code w × h} pixels at {@code depth} bits and colour type {@code colour}, its image data {@code raw} (filter bytes included) deflated. */
    static byte[] png(int w, int h, int depth, int colour, byte[] raw) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        out.writeBytes(chunk("IHDR", java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) colour).array()));
        var z = new java.io.ByteArrayOutputStream();
        try (var d = new java.util.zip.DeflaterOutputStream(z)) {
            d.write(raw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.writeBytes(chunk("IDAT", z.toByteArray()));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    @Test
    void damageThatImageIoWouldFillInIsRefused() throws IOException {
        byte[] good = Files.readAllBytes(write(filled(30, 20, BufferedImage.TYPE_INT_RGB, 0x123456), "g.png"));
        // IHDR's CRC
        byte[] b = good.clone();
        b[29] ^= 1;
        assertDamaged(b, "x.png", "a damaged PNG file: chunk IHDR at byte 8 fails its CRC check");
        // the height shrunk under a CRC made to fit: more image data than the header's pixels need
        b = good.clone();
        b[23] = 19;
        byte[] ihdr = chunk("IHDR", Arrays.copyOfRange(b, 16, 29));
        System.arraycopy(ihdr, 0, b, 8, ihdr.length);
        assertNotNull(ImageIO.read(new java.io.ByteArrayInputStream(b)), "ImageIO decodes it");
        assertDamaged(b, "h.png", "a damaged PNG file: its image data is larger than the 1729 bytes its header's 30×19 pixels at 8 bits need");
        // PLTE's CRC, in a palette image
        var indexed = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED);
        byte[] p = Files.readAllBytes(write(indexed, "p.png"));
        int plte = new String(p, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("PLTE") - 4;
        int len = java.nio.ByteBuffer.wrap(p, plte, 4).getInt();
        p[plte + 8 + len] ^= 1;
        assertDamaged(p, "plte.png", "a damaged PNG file: chunk PLTE at byte " + plte + " fails its CRC check");
        // a JPEG cut at two thirds
        byte[] jpeg = Files.readAllBytes(write(noisyRgb(64, 64), "j.jpg"));
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        assertDamaged(cut, "cut.jpg", "a damaged JPEG file: it ends without its end-of-image marker");
        // a GIF frame carrying 1/32 of its data, its blocks whole
        byte[] gif = Files.readAllBytes(write(noisy(64, 64), "n.gif"));
        byte[] starved = jgrad.fuzz.Damage.starve(gif, 32);
        assertNotNull(ImageIO.read(new java.io.ByteArrayInputStream(starved)), "ImageIO decodes it");
        assertDamaged(starved, "s.gif", "a damaged GIF file: frame 1 carries ");
        assertEquals(64, ImageFiles.read(dir.resolve("n.gif"), 28, 28).sourceWidth(), "the whole GIF reads");
    }

    /** Palette noise: LZW cannot shrink it much, so a fraction of its data is a fraction of its pixels. */
    private static BufferedImage noisy(int w, int h) {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED);
        var r = new java.util.SplittableRandom(5);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, r.nextInt(256));
        return img;
    }

    private static BufferedImage noisyRgb(int w, int h) {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        var r = new java.util.SplittableRandom(6);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        return img;
    }

    private void assertDamaged(byte[] bytes, String name, String problem) throws IOException {
        Path f = Files.write(dir.resolve(name), bytes);
        var e = assertThrows(IOException.class, () -> ImageFiles.read(f, 28, 28));
        assertTrue(e.getMessage().startsWith(f + ": " + problem), e.getMessage() + "\n  should start with: " + f + ": " + problem);
    }

    /** Reads a picture in a JVM of a small heap and prints the outcome, for {@link #aPictureTooLargeForTheHeapIsRefusedBeforeDecoding}. */
    public static final class ReadOne {
        public static void main(String[] args) {
            try {
                System.out.println("read " + ImageFiles.read(Path.of(args[0]), 28, 28).how());
            } catch (IOException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    @Test
    void aPictureTooLargeForTheHeapIsRefusedBeforeDecoding() throws Exception {
        // 4000×4000 16-bit RGBA: a 128 MB raster, from a file of 125 KB
        Path big = Files.write(dir.resolve("big.png"), png(4000, 4000, 16, 6, new byte[4000 * (1 + 4000 * 8)]));
        // 64,000,000×1 grey: a 64 MB raster, whose resize weights alone are 12 bytes a pixel
        Path wide = Files.write(dir.resolve("wide.png"), png(64_000_000, 1, 8, 0, new byte[1 + 64_000_000]));
        for (Path f : new Path[]{big, wide}) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m", "-cp",
                    System.getProperty("java.class.path"), ReadOne.class.getName(), f.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "answers without thrashing");
            String out = new String(p.getInputStream().readAllBytes()).strip();
            String size = f == big ? "(4000×4000, 64 bits" : "(64000000×1, 8 bits";
            assertTrue(out.startsWith(f + ": a PNG image too large to decode in ") && out.contains(" MB of heap " + size)
                    && out.contains("give Java more heap, e.g. JGRAD_JAVA_OPTS=-Xmx"), out);
        }
    }
}
