package jgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST-style datasets, gzipped or not.
 *
 * <p>Format (big-endian): a magic number {@code 0x0000 08 NN} (type 0x08 = uint8, NN dimensions),
 * NN sizes as 32-bit ints, then the row-major uint8 payload. Image files are {@value #IMAGES_MAGIC}
 * ({@code [count, rows, cols]}); label files are {@value #LABELS_MAGIC} ({@code [count]}).
 *
 * <p>Gzip is recognised by its magic bytes {@code 1f 8b}, not by the file name, so a gunzipped
 * file keeps working under either name. Gzip data is read as Python's {@code gzip} module (which
 * torchvision uses) reads it: one or more members, optionally followed by zero bytes, and nothing
 * else. Every inconsistency is an {@link IdxFormatException} naming the file: bad gzip data,
 * wrong magic, implausible dimensions (a sample or a whole file larger than a Java array), a payload
 * shorter than the header promises ("truncated") or longer ("trailing garbage"). A header is never
 * trusted with memory: a plain file is checked against its size before the payload is allocated,
 * and a gzip payload grows as its bytes are decompressed.
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

    /** Deflate cannot expand data more than about 1032 times; used to reject absurd headers before reading. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    /** Trailing garbage is counted up to this many bytes, so that a gzip bomb after the payload ends the read soon. */
    private static final long TRAILING_COUNTED = 1 << 20;

    /** A stack of {@code count} uint8 images of {@code rows × cols}, row-major in {@code pixels}. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            // rows × cols first, so that the product cannot overflow a long
            if (count < 0 || rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE
                    || (long) rows * cols * count != pixels.length)
                throw new IllegalArgumentException(count + "×" + rows + "×" + cols + " images do not match "
                        + pixels.length + " bytes of pixels");
        }
    }

    private IdxReader() {}

    public static Images readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            int[] dims = readHeader(in, file, IMAGES_MAGIC, "uint8 images with 3 dimensions");
            byte[] pixels = readPayload(in, file, (long) dims[0] * dims[1] * dims[2], "pixels", 16);
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
            return new GzipMembers(in);
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
        for (int d = 0; d < ndims; d++) {
            dims[d] = b.getInt();
            // the sample count may be 0; an image side may not
            if (dims[d] < (d == 0 ? 0 : 1))
                throw new IdxFormatException(file, "bad dimension " + d + ": " + Integer.toUnsignedString(dims[d]));
        }
        // innermost first, checked at every step: each partial product stays below 2^31, so it cannot wrap around,
        // and one sample must fit a Java array even when the file holds none
        long product = 1;
        for (int d = ndims - 1; d >= 0; d--) {
            product *= dims[d];
            if (product > Integer.MAX_VALUE - 8)
                throw new IdxFormatException(file, "dimensions " + Arrays.toString(dims) + " exceed a Java array");
        }
        return dims;
    }

    private static byte[] readPayload(InputStream in, Path file, long n, String what, int headerBytes) throws IOException {
        long fileSize = Files.size(file);
        boolean gzip = in instanceof GzipMembers;
        long room = gzip ? fileSize * MAX_DEFLATE_RATIO : fileSize - headerBytes;
        if (n > room)
            throw new IdxFormatException(file, "truncated: expected " + n + " bytes of " + what + ", found "
                    + (gzip ? "a " + fileSize + "-byte gzip file that cannot hold that many" : String.valueOf(room)));
        // a plain file holds the bytes (checked above); a gzip file's size says little, so the buffer grows with the bytes decompressed
        byte[] payload = new byte[(int) (gzip ? Math.min(n, Math.max(1 << 16, 4 * fileSize)) : n)];
        int got = 0;
        for (int r; got < n; got += r) {
            if (got == payload.length) payload = Arrays.copyOf(payload, (int) Math.min(n, 2L * payload.length));
            if ((r = in.read(payload, got, payload.length - got)) < 0) break;
        }
        if (got < n)
            throw new IdxFormatException(file, "truncated: expected " + n + " bytes of " + what + ", found " + got);
        long extra = 0;
        byte[] skip = new byte[8192];
        for (int r; extra <= TRAILING_COUNTED && (r = in.read(skip)) > 0; ) extra += r;
        if (extra > 0)
            throw new IdxFormatException(file, "trailing garbage: " + (extra > TRAILING_COUNTED ? "more than " + TRAILING_COUNTED : extra)
                    + " bytes after the " + n + " bytes of " + what);
        return payload;
    }

    private static IdxFormatException gzipProblem(Path file, IOException e) {
        String problem = e instanceof EOFException ? "truncated gzip stream" : "corrupt gzip data";
        return new IdxFormatException(file, problem + " (" + e.getMessage() + ")", e);
    }

    /**
     * The decompressed bytes of gzip members one after another (RFC 1952). Unlike
     * {@link java.util.zip.GZIPInputStream}, which silently ignores whatever follows a member
     * when it does not parse as one, anything after the last member other than zero padding is
     * an error, as in Python's {@code gzip} module; the reserved header flags must be zero.
     * Bad data is a {@link ZipException}, a cut stream an {@link EOFException}.
     */
    private static final class GzipMembers extends InputStream {
        private final InputStream in;
        private final Inflater inflater = new Inflater(true);
        private final CRC32 crc = new CRC32();
        private final byte[] buf = new byte[1 << 16];
        private int pos, lim;
        private boolean done;

        GzipMembers(InputStream in) throws IOException {
            this.in = in;
            memberHeader(true);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            while (!done && len > 0) {
                int n;
                try {
                    n = inflater.inflate(b, off, len);
                } catch (DataFormatException e) {
                    throw new ZipException(e.getMessage());
                }
                if (n > 0) {
                    crc.update(b, off, n);
                    return n;
                }
                if (inflater.finished()) {
                    pos = lim - inflater.getRemaining(); // the inflater read ahead into the trailer
                    memberTrailer();
                    done = !memberHeader(false);
                } else if (inflater.needsInput()) {
                    if (pos == lim && !fill()) throw new EOFException("unexpected end of the deflate data");
                    inflater.setInput(buf, pos, lim - pos);
                    pos = lim;
                } else {
                    throw new ZipException("deflate data that needs a preset dictionary");
                }
            }
            return done ? -1 : 0;
        }

        /** Reads a member's header; after a member, returns false at the end of the file (after any zero padding). */
        private boolean memberHeader(boolean first) throws IOException {
            int id1 = next(first);
            if (!first) {
                while (id1 == 0) id1 = next(false);
                if (id1 < 0) return false;
            }
            if (id1 != 0x1f || next(true) != 0x8b)
                throw new ZipException(first ? "Not in GZIP format" : "trailing garbage after the last gzip member");
            int method = next(true), flags = next(true);
            if (method != 8) throw new ZipException("unsupported compression method " + method);
            if ((flags & 0xe0) != 0) throw new ZipException("reserved gzip header flags set: 0x" + Integer.toHexString(flags));
            skip(6); // mtime, extra flags, operating system
            if ((flags & 4) != 0) skip(next(true) | next(true) << 8); // FEXTRA
            if ((flags & 8) != 0) while (next(true) != 0) {} // FNAME
            if ((flags & 16) != 0) while (next(true) != 0) {} // FCOMMENT
            if ((flags & 2) != 0) skip(2); // FHCRC, not checked (as Python does not)
            inflater.reset();
            crc.reset();
            return true;
        }

        private void memberTrailer() throws IOException {
            long storedCrc = next(true) | next(true) << 8 | next(true) << 16 | (long) next(true) << 24;
            long size = next(true) | next(true) << 8 | next(true) << 16 | (long) next(true) << 24;
            if (storedCrc != crc.getValue() || size != (inflater.getBytesWritten() & 0xffffffffL))
                throw new ZipException("Corrupt GZIP trailer");
        }

        private void skip(int n) throws IOException {
            for (int i = 0; i < n; i++) next(true);
        }

        /** The next compressed byte; at the end of the file -1, or an EOFException when {@code needed}. */
        private int next(boolean needed) throws IOException {
            if (pos == lim && !fill()) {
                if (needed) throw new EOFException("unexpected end of the gzip header or trailer");
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        private boolean fill() throws IOException {
            int r = in.read(buf);
            if (r <= 0) return false;
            pos = 0;
            lim = r;
            return true;
        }

        @Override
        public void close() throws IOException {
            inflater.end();
            in.close();
        }
    }
}
