package jgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST-style datasets, gzipped or not.
 *
 * <p>Format (big-endian): a magic number {@code 0x0000 08 NN} (type 0x08 = uint8, NN dimensions),
 * NN sizes as 32-bit ints, then the row-major uint8 payload. Image files are {@value #IMAGES_MAGIC}
 * ({@code [count, rows, cols]}); label files are {@value #LABELS_MAGIC} ({@code [count]}).
 *
 * <p>Gzip is recognised by its magic bytes {@code 1f 8b}, not by the file name, so a gunzipped
 * file keeps working under either name. Every inconsistency is an {@link IdxFormatException}
 * naming the file: bad gzip data, wrong magic, implausible dimensions, a payload shorter than the
 * header promises ("truncated") or longer ("trailing garbage").
 *
 * <pre>{@code
 * IdxReader.Images im = IdxReader.readImages(Path.of("t10k-images-idx3-ubyte.gz"));
 * int first = im.pixels()[0] & 0xFF;   // uint8 pixel of image 0, row 0, col 0
 * byte[] labels = IdxReader.readLabels(Path.of("t10k-labels-idx1-ubyte.gz"));
 * }</pre>
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x0803;
    public static final int LABELS_MAGIC = 0x0801;

    /** Deflate cannot expand data more than about 1032 times; used to reject absurd headers before allocating. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    /** A stack of {@code count} uint8 images of {@code rows × cols}, row-major in {@code pixels}. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            if ((long) count * rows * cols != pixels.length)
                throw new IllegalArgumentException(count + "×" + rows + "×" + cols + " images need "
                        + (long) count * rows * cols + " bytes, got " + pixels.length);
        }
    }

    private IdxReader() {}

    public static Images readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            int[] dims = readHeader(in, file, IMAGES_MAGIC, "uint8 images with 3 dimensions");
            long n = (long) dims[0] * dims[1] * dims[2];
            byte[] pixels = readPayload(in, file, n, "pixels", 16);
            return new Images(dims[0], dims[1], dims[2], pixels);
        } catch (EOFException | ZipException e) {
            throw gzipProblem(file, e);
        }
    }

    public static byte[] readLabels(Path file) throws IOException {
        try (InputStream in = open(file)) {
            int[] dims = readHeader(in, file, LABELS_MAGIC, "uint8 labels with 1 dimension");
            return readPayload(in, file, dims[0], "labels", 8);
        } catch (EOFException | ZipException e) {
            throw gzipProblem(file, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        var in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        if (!gzip) return in;
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (IOException | RuntimeException e) {
            in.close(); // a bad gzip header throws before the caller owns the stream
            throw e;
        }
    }

    private static int[] readHeader(InputStream in, Path file, int magic, String what) throws IOException {
        int ndims = magic & 0xFF;
        byte[] header = in.readNBytes(4 + 4 * ndims);
        if (header.length < 4)
            throw new IdxFormatException(file, "truncated: the IDX header needs " + (4 + 4 * ndims) + " bytes, found " + header.length);
        ByteBuffer b = ByteBuffer.wrap(header);
        int found = b.getInt();
        if (found != magic)
            throw new IdxFormatException(file, String.format("bad magic number 0x%08x: expected 0x%08x (%d, %s)", found, magic, magic, what));
        if (header.length < 4 + 4 * ndims)
            throw new IdxFormatException(file, "truncated: the IDX header needs " + (4 + 4 * ndims) + " bytes, found " + header.length);
        int[] dims = new int[ndims];
        long product = 1;
        for (int d = 0; d < ndims; d++) {
            dims[d] = b.getInt();
            // the sample count may be 0; an image side may not
            if (dims[d] < (d == 0 ? 0 : 1))
                throw new IdxFormatException(file, "bad dimension " + d + ": " + Integer.toUnsignedString(dims[d]));
            product *= dims[d];
        }
        if (product > Integer.MAX_VALUE - 8)
            throw new IdxFormatException(file, "dimensions " + Arrays.toString(dims) + " exceed a Java array");
        return dims;
    }

    private static byte[] readPayload(InputStream in, Path file, long n, String what, int headerBytes) throws IOException {
        long fileSize = Files.size(file);
        boolean gzip = in instanceof GZIPInputStream;
        long room = gzip ? fileSize * MAX_DEFLATE_RATIO : fileSize - headerBytes;
        if (n > room)
            throw new IdxFormatException(file, "truncated: expected " + n + " bytes of " + what + ", found "
                    + (gzip ? "a " + fileSize + "-byte gzip file that cannot hold that many" : String.valueOf(room)));
        byte[] payload = new byte[(int) n];
        int got = in.readNBytes(payload, 0, payload.length);
        if (got < n)
            throw new IdxFormatException(file, "truncated: expected " + n + " bytes of " + what + ", found " + got);
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0)
            throw new IdxFormatException(file, "trailing garbage: " + extra + " bytes after the " + n + " bytes of " + what);
        return payload;
    }

    private static IdxFormatException gzipProblem(Path file, IOException e) {
        String problem = e instanceof EOFException ? "truncated gzip stream" : "corrupt gzip data";
        return new IdxFormatException(file, problem + " (" + e.getMessage() + ")", e);
    }
}
