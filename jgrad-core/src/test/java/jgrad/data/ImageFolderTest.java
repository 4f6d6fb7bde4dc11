package jgrad.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageFolder on small folders written here: layout, order, channels, sizes, splits, the cache and the errors. */
class ImageFolderTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    private ImageFolder.Options options() {
        return ImageFolder.Options.defaults().withCacheDir(tmp.resolve("cache")).withProgress(new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    private String progress() {
        String s = progress.toString(StandardCharsets.UTF_8);
        progress.reset();
        return s;
    }

    /** A w×h grey PNG (or other format, by the extension) whose pixels are all {@code v}. */
    private static Path grey(Path f, int w, int h, int v) throws IOException {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, v);
        return write(img, f);
    }

    private static Path colour(Path f, int w, int h, int rgb) throws IOException {
        var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return write(img, f);
    }

    private static Path write(BufferedImage img, Path f) throws IOException {
        Files.createDirectories(f.getParent());
        String name = f.getFileName().toString(), ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        assertTrue(ImageIO.write(img, ext.equals("jpeg") ? "jpg" : ext, f.toFile()), f.toString());
        return f;
    }

    /** The first pixel of every image, in dataset order. */
    private static int[] firstPixels(ImageDataset d) {
        int[] v = new int[d.size()];
        for (int i = 0; i < v.length; i++) v[i] = d.pixel(i, 0, 0);
        return v;
    }

    private static int[] labels(ImageDataset d) {
        int[] v = new int[d.size()];
        for (int i = 0; i < v.length; i++) v[i] = d.label(i);
        return v;
    }

    @Test
    void classesAreSortedFoldersAndImagesAreInTorchvisionOrder() throws IOException {
        Path root = tmp.resolve("pets");
        grey(root.resolve("dog/b.png"), 4, 3, 20);
        grey(root.resolve("dog/A.PNG"), 4, 3, 10);          // upper case sorts before lower case, extensions in any case
        grey(root.resolve("dog/puppies/a.png"), 4, 3, 30);  // a sub-folder's files come after the folder's own
        grey(root.resolve("cat/x.bmp"), 4, 3, 40);
        grey(root.resolve("cat/y.gif"), 4, 3, 50);
        grey(root.resolve("cat/.hidden.png"), 4, 3, 99);    // skipped: dot files
        grey(root.resolve(".ipynb_checkpoints/z.png"), 4, 3, 99);
        grey(root.resolve("dog/.cache/z.png"), 4, 3, 99);
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        Files.writeString(root.resolve("README"), "not a class");
        ImageDataset d = ImageFolder.load(root, options());
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[]{40, 50, 10, 20, 30}, firstPixels(d));
        assertArrayEquals(new int[]{0, 0, 1, 1, 1}, labels(d));
        assertArrayEquals(new int[]{1, 3, 4}, d.sampleShape(), "grey files (the BMP and GIF with grey palettes): one channel; height 3, width 4");
        assertEquals(root.toString(), d.name());
        assertTrue(progress().startsWith(root + ": decoding 5 images in 2 classes (cached in " + tmp.resolve("cache")), "says it decodes");
    }

    @Test
    void channelsAreTheFilesOwnUnlessGiven() throws IOException {
        Path root = tmp.resolve("mixed");
        grey(root.resolve("a/1.png"), 2, 2, 100);
        colour(root.resolve("b/2.png"), 2, 2, 200 << 16 | 100 << 8 | 50);
        ImageDataset rgb = ImageFolder.load(root, options());
        assertEquals(3, rgb.channels(), "one colour file makes the dataset RGB");
        assertEquals(List.of(100, 100, 100), List.of(rgb.pixel(0, 0, 1, 1), rgb.pixel(0, 1, 1, 1), rgb.pixel(0, 2, 1, 1)), "grey repeated");
        assertEquals(List.of(200, 100, 50), List.of(rgb.pixel(1, 0, 0, 0), rgb.pixel(1, 1, 0, 0), rgb.pixel(1, 2, 0, 0)));
        ImageDataset grey = ImageFolder.load(root, options().withChannels(1));
        assertEquals(1, grey.channels());
        assertEquals(124, grey.pixel(1, 0, 0), "0.299·200 + 0.587·100 + 0.114·50 = 124.2");
        assertEquals(100, grey.pixel(0, 0, 0));
    }

    @Test
    void mixedSizesNeedAnImageSize() throws IOException {
        Path root = tmp.resolve("sizes");
        grey(root.resolve("a/1.png"), 4, 4, 10);
        grey(root.resolve("a/2.png"), 4, 4, 10);
        colour(root.resolve("b/3.jpg"), 8, 6, 0x808080);
        var e = assertThrows(IOException.class, () -> ImageFolder.load(root, options()));
        assertEquals(root + ": images of different sizes: " + root.resolve("a/1.png") + " is 4×4 (height×width) but " + root.resolve("b/3.jpg")
                + " is 6×8 (height×width); give an image size (H or HxW) to resize them all", e.getMessage());
        ImageDataset d = ImageFolder.load(root, options().withSize("2x3"));
        assertArrayEquals(new int[]{3, 2, 3}, d.sampleShape());
        assertEquals(10, d.pixel(0, 2, 1, 2));
    }

    @Test
    void theSizeIsHeightThenWidth() {
        assertEquals(List.of(32, 32), List.of(ImageFolder.Options.defaults().withSize("32").rows(), ImageFolder.Options.defaults().withSize("32").cols()));
        var o = ImageFolder.Options.defaults().withSize("24x40");
        assertEquals(List.of(24, 40), List.of(o.rows(), o.cols()));
        for (String bad : List.of("", "0", "3x", "x3", "2x3x4", "-1", "big"))
            assertThrows(IllegalArgumentException.class, () -> ImageFolder.Options.defaults().withSize(bad), bad);
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.Options.defaults().withChannels(2));
    }

    @Test
    void foldersThatAreNotImageFoldersAreClearErrors() throws IOException {
        Path missing = tmp.resolve("nowhere");
        assertEquals(missing + ": no such folder; an image folder holds one folder of images per class",
                assertThrows(IOException.class, () -> ImageFolder.load(missing, options())).getMessage());

        Path flat = tmp.resolve("flat");
        grey(flat.resolve("1.png"), 2, 2, 0);
        grey(flat.resolve("2.png"), 2, 2, 0);
        assertEquals(flat + ": no class folders; an image folder holds one folder of images per class, as " + flat.resolve("<class>/<image>.png")
                        + " (it holds 2 images directly: move them into a folder named after their class)",
                assertThrows(IOException.class, () -> ImageFolder.load(flat, options())).getMessage());

        Path one = tmp.resolve("one");
        grey(one.resolve("train/cat/1.png"), 2, 2, 0);
        assertEquals(one + ": only one class folder, train; a classifier needs at least two (for a split, " + one
                + " needs both train and test folders)", assertThrows(IOException.class, () -> ImageFolder.load(one, options())).getMessage());

        Path empty = tmp.resolve("empty");
        grey(empty.resolve("cat/1.png"), 2, 2, 0);
        Files.createDirectories(empty.resolve("dog"));
        Files.writeString(empty.resolve("dog/dog.txt"), "woof");
        assertEquals(empty.resolve("dog") + ": no images in this class folder (.png, .jpg, .jpeg, .bmp, .gif)",
                assertThrows(IOException.class, () -> ImageFolder.load(empty, options())).getMessage());
    }

    @Test
    void anUndecodableFileIsNamed() throws IOException {
        Path root = tmp.resolve("broken");
        for (int i = 0; i < 20; i++) grey(root.resolve((i % 2 == 0 ? "a" : "b") + "/" + i + ".png"), 3, 3, i);
        Path bad = Files.writeString(root.resolve("b/7.png"), "<html>not found</html>");
        var e = assertThrows(IOException.class, () -> ImageFolder.load(root, options()));
        assertEquals(bad + ": not an image jgrad can read (PNG, JPEG, BMP or GIF)", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("cache")) && listing(tmp.resolve("cache")).size() > 0, "nothing cached");
    }

    @Test
    void trainAndTestFoldersAreTheSplit() throws IOException {
        Path root = tmp.resolve("split");
        assertThrows(IOException.class, () -> ImageFolder.hasTrainTest(root));
        grey(root.resolve("train/a/1.png"), 2, 2, 1);
        grey(root.resolve("train/b/2.png"), 2, 2, 2);
        grey(root.resolve("train/b/3.png"), 2, 2, 3);
        assertFalse(ImageFolder.hasTrainTest(root), "train alone is a class folder");
        grey(root.resolve("test/a/4.png"), 2, 2, 4);
        colour(root.resolve("test/b/5.png"), 2, 2, 0x050505);
        assertTrue(ImageFolder.hasTrainTest(root));
        ImageFolder.TrainTest s = ImageFolder.loadTrainTest(root, options());
        assertEquals(3, s.train().size());
        assertEquals(2, s.test().size());
        assertEquals(List.of("a", "b"), s.train().classNames());
        assertEquals(3, s.train().channels(), "the grey training half is made RGB to match the test half's colour");
        assertEquals(3, s.test().channels());
        assertArrayEquals(new int[]{1, 2, 3}, firstPixels(s.train()));
        assertEquals(root.resolve("train").toString(), s.train().name());

        grey(root.resolve("test/b/big.png"), 3, 3, 6);
        assertEquals(root.resolve("test") + ": images of different sizes: " + root.resolve("test/a/4.png") + " is 2×2 (height×width) but "
                + root.resolve("test/b/big.png") + " is 3×3 (height×width); give an image size (H or HxW) to resize them all",
                assertThrows(IOException.class, () -> ImageFolder.loadTrainTest(root, options())).getMessage(), "within the test half");
        Files.delete(root.resolve("test/b/big.png"));
        Path other = tmp.resolve("other");
        for (String f : List.of("train/a/1.png", "train/b/2.png")) grey(other.resolve(f), 2, 2, 0);
        for (String f : List.of("test/a/3.png", "test/b/4.png")) grey(other.resolve(f), 3, 3, 0);
        assertEquals(other + ": images of different sizes: " + other.resolve("train/a/1.png") + " is 2×2 (height×width) but "
                + other.resolve("test/a/3.png") + " is 3×3 (height×width); give an image size (H or HxW) to resize them all",
                assertThrows(IOException.class, () -> ImageFolder.loadTrainTest(other, options())).getMessage(), "between the halves");
        assertEquals(3, ImageFolder.loadTrainTest(other, options().withSize(3, 3)).test().rows());
        grey(root.resolve("test/c/6.png"), 2, 2, 6);
        grey(root.resolve("train/d/7.png"), 2, 2, 7);
        assertEquals(root + ": train and test need the same class folders, but only train has [d] and only test has [c]",
                assertThrows(IOException.class, () -> ImageFolder.loadTrainTest(root, options())).getMessage());
    }

    @Test
    void theSecondLoadReadsTheCacheAndAChangedFolderIsDecodedAgain() throws IOException {
        Path root = tmp.resolve("cached");
        Path a = grey(root.resolve("a/1.png"), 3, 2, 11);
        grey(root.resolve("b/2.png"), 3, 2, 22);
        ImageDataset first = ImageFolder.load(root, options());
        assertTrue(progress().contains("decoding 2 images"));
        List<Path> caches = listing(tmp.resolve("cache"));
        assertEquals(1, caches.size());
        assertTrue(caches.getFirst().getFileName().toString().matches("cached-[0-9a-f]{24}\\.u8"), caches.toString());

        // the same size and modification time but other bytes: the cache cannot tell, so it proves the file is not decoded again
        FileTime mtime = Files.getLastModifiedTime(a);
        byte[] original = Files.readAllBytes(a);
        byte[] junk = new byte[original.length];
        Files.write(a, junk);
        Files.setLastModifiedTime(a, mtime);
        ImageDataset second = ImageFolder.load(root, options());
        assertEquals("", progress(), "read from the cache, silently");
        assertEquals(first.pixels(), second.pixels());
        assertEquals(List.of("a", "b"), second.classNames());
        assertArrayEquals(new int[]{0, 1}, labels(second));

        // a damaged cache is not believed: one flipped pixel bit fails its CRC, so the folder is decoded (and the junk found)
        Path cache = caches.getFirst();
        byte[] bytes = Files.readAllBytes(cache);
        bytes[bytes.length - 5] ^= 1;
        Files.write(cache, bytes);
        assertEquals(a + ": not an image jgrad can read (PNG, JPEG, BMP or GIF)",
                assertThrows(IOException.class, () -> ImageFolder.load(root, options())).getMessage());
        // nor is a truncated one, or one whose header promises more than the file holds
        Files.write(cache, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThrows(IOException.class, () -> ImageFolder.load(root, options()));
        bytes[bytes.length - 5] ^= 1;
        bytes[8 + 32 + 3] = 3; // three images
        Files.write(cache, bytes);
        assertThrows(IOException.class, () -> ImageFolder.load(root, options()));

        // a rewritten file has a new modification time: decoded again, and the cache rewritten
        Files.write(a, original);
        Files.setLastModifiedTime(a, FileTime.fromMillis(mtime.toMillis() + 5000));
        assertEquals(first.pixels(), ImageFolder.load(root, options()).pixels());
        assertTrue(progress().contains("decoding 2 images"));
        assertEquals(first.pixels(), ImageFolder.load(root, options()).pixels());
        assertEquals("", progress());

        // other options are another cache; without the cache nothing is read or written
        assertArrayEquals(new int[]{3, 4, 4}, ImageFolder.load(root, options().withChannels(3).withSize(4, 4)).sampleShape());
        assertEquals(2, listing(tmp.resolve("cache")).size());
        ImageFolder.load(root, options().withCache(false).withChannels(3));
        assertTrue(progress().contains("decoding 2 images in 2 classes\n"), "no cache named");
        assertEquals(2, listing(tmp.resolve("cache")).size());
    }

    @Test
    void aLinkLoopIsAnErrorNamingIt() throws IOException {
        Path root = tmp.resolve("loop");
        grey(root.resolve("a/1.png"), 2, 2, 1);
        grey(root.resolve("b/2.png"), 2, 2, 2);
        Path link = Files.createSymbolicLink(root.resolve("b/again"), root.resolve("b"));
        assertEquals(link + ": a link to a folder above it, which would be read forever",
                assertThrows(IOException.class, () -> ImageFolder.load(root, options())).getMessage());
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
