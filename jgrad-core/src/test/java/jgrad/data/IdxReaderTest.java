package jgrad.data;

import static jgrad.data.IdxFiles.gzip;
import static jgrad.data.IdxFiles.idx;
import static jgrad.data.IdxFiles.images;
import static jgrad.data.IdxFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private String imagesError(byte[] bytes) throws IOException {
        Path f = write("images-idx3-ubyte.gz", bytes);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        return e.getMessage().substring(f.toString().length() + 2);
    }

    @Test
    void readsRawAndGzippedImages() throws IOException {
        byte[] raw = images(3, 2, 2);
        for (Path f : List.of(write("raw", raw), write("gz", gzip(raw)))) {
            IdxReader.Images im = IdxReader.readImages(f);
            assertEquals(3, im.count());
            assertEquals(2, im.rows());
            assertEquals(2, im.cols());
            assertArrayEquals(Arrays.copyOfRange(raw, 16, raw.length), im.pixels());
        }
    }

    @Test
    void detectsGzipByContentNotName() throws IOException {
        byte[] raw = labels(5, 3);
        assertArrayEquals(new byte[]{0, 1, 2, 0, 1}, IdxReader.readLabels(write("looks-raw", gzip(raw))));
        assertArrayEquals(new byte[]{0, 1, 2, 0, 1}, IdxReader.readLabels(write("looks-gzipped.gz", raw)));
    }

    @Test
    void acceptsZeroSamples() throws IOException {
        assertEquals(0, IdxReader.readImages(write("empty", images(0, 28, 28))).count());
    }

    @Test
    void wrongMagic() throws IOException {
        assertEquals("bad magic number 0x00000801: expected 0x00000803 (2051, uint8 images with 3 dimensions)",
                imagesError(gzip(labels(4, 2))));
        Path f = write("labels", images(1, 1, 1));
        assertEquals(f + ": bad magic number 0x00000803: expected 0x00000801 (2049, uint8 labels with 1 dimension)",
                assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(f)).getMessage());
    }

    @Test
    void truncatedHeader() throws IOException {
        assertEquals("truncated: the IDX header needs 16 bytes, found 2", imagesError(new byte[]{0, 0}));
        assertEquals("truncated: the IDX header needs 16 bytes, found 9", imagesError(Arrays.copyOf(images(1, 2, 2), 9)));
    }

    @Test
    void shortPayload() throws IOException {
        byte[] cut = Arrays.copyOf(images(3, 2, 2), 16 + 5);
        assertEquals("truncated: expected 12 bytes of pixels, found 5", imagesError(cut));
        assertEquals("truncated: expected 12 bytes of pixels, found 5", imagesError(gzip(cut)));
    }

    @Test
    void headerPromisingMoreThanTheFileCanHoldFailsBeforeAllocating() throws IOException {
        byte[] huge = idx(new int[]{60000, 28, 28}, new byte[1200]);
        assertEquals("truncated: expected 47040000 bytes of pixels, found 1200", imagesError(huge));
        byte[] hugeGz = gzip(idx(new int[]{2_000_000, 1000, 1}, new byte[10]));
        assertTrue(imagesError(hugeGz).matches(
                "truncated: expected 2000000000 bytes of pixels, found a \\d+-byte gzip file that cannot hold that many"));
    }

    @Test
    void trailingGarbage() throws IOException {
        byte[] raw = images(3, 2, 2), longer = Arrays.copyOf(raw, raw.length + 3);
        assertEquals("trailing garbage: 3 bytes after the 12 bytes of pixels", imagesError(longer));
        assertEquals("trailing garbage: 3 bytes after the 12 bytes of pixels", imagesError(gzip(longer)));
    }

    @Test
    void badDimensions() throws IOException {
        assertEquals("bad dimension 1: 0", imagesError(idx(new int[]{1, 0, 5}, new byte[0])));
        assertEquals("bad dimension 0: 4294967295", imagesError(idx(new int[]{-1, 1, 1}, new byte[0])));
        assertEquals("dimensions [65536, 65536, 1] exceed a Java array", imagesError(idx(new int[]{65536, 65536, 1}, new byte[0])));
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] gz = gzip(images(50, 8, 8));
        byte[] garbled = gz.clone();
        for (int i = 12; i < garbled.length - 8; i++) garbled[i] ^= (byte) 0x5a;
        assertTrue(imagesError(garbled).startsWith("corrupt gzip data ("), imagesError(garbled));
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;
        assertEquals("corrupt gzip data (Corrupt GZIP trailer)", imagesError(badCrc));
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] gz = gzip(images(50, 8, 8));
        assertTrue(imagesError(Arrays.copyOf(gz, gz.length / 2)).startsWith("truncated gzip stream ("));
        assertTrue(imagesError(Arrays.copyOf(gz, 5)).startsWith("truncated gzip stream ("));
    }

    /** Gzip as Python's gzip module reads it: several members and zero padding are fine, anything else after the data is not. */
    @Test
    void gzipMembersPaddingAndTrailingGarbage() throws IOException {
        byte[] raw = images(3, 2, 2), pixels = Arrays.copyOfRange(raw, 16, raw.length);
        byte[] twoMembers = concat(gzip(Arrays.copyOf(raw, 7)), gzip(Arrays.copyOfRange(raw, 7, raw.length)));
        assertArrayEquals(pixels, IdxReader.readImages(write("two.gz", twoMembers)).pixels());
        assertArrayEquals(pixels, IdxReader.readImages(write("padded.gz", concat(gzip(raw), new byte[9]))).pixels());
        assertEquals("corrupt gzip data (trailing garbage after the last gzip member)", imagesError(concat(gzip(raw), new byte[]{0, 0, 'x'})));
        byte[] reserved = gzip(raw);
        reserved[3] |= (byte) 0x80;
        assertEquals("corrupt gzip data (reserved gzip header flags set: 0x80)", imagesError(reserved));
    }

    @Test
    void dimensionsWhoseProductWrapsAroundAreRefused() throws IOException {
        assertEquals("dimensions [4194304, 2097152, 2097152] exceed a Java array", imagesError(idx(new int[]{1 << 22, 1 << 21, 1 << 21}, new byte[0])));
        // no sample fits a Java array, even though there are none
        assertEquals("dimensions [0, 65536, 65536] exceed a Java array", imagesError(idx(new int[]{0, 65536, 65536}, new byte[0])));
    }

    @Test
    void gzipPayloadIsNotAllocatedBeforeItIsDecompressed() throws IOException {
        byte[] claimsMore = gzip(idx(new int[]{1000, 1000, 1000}, new byte[3]));
        assertTrue(imagesError(claimsMore).startsWith("truncated: expected 1000000000 bytes of pixels, found a"), imagesError(claimsMore));
        // within what deflate could hold, the header is believed only as far as bytes arrive
        assertEquals("truncated: expected 20000 bytes of pixels, found 3", imagesError(gzip(idx(new int[]{20, 1000, 1}, new byte[3]))));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
