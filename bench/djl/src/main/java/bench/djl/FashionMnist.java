package bench.djl;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from its gzipped IDX files: an IDX file is a big-endian header (magic
 * {@code 0x0000 08 rank}, one 32-bit size per dimension) followed by unsigned bytes.
 *
 * <p>Images become {@code float[n·784]} normalised as {@code (p/255 − 0.5)/0.5}, what
 * torchvision's {@code ToTensor()} then {@code Normalize((0.5,), (0.5,))} give; labels become
 * {@code long[n]}, the index type PyTorch's cross-entropy wants.
 *
 * <p>Example: {@code float[] x = FashionMnist.images(dir.resolve("t10k-images-idx3-ubyte.gz"))}.
 */
final class FashionMnist {
    private FashionMnist() {}

    static float[] images(Path file) throws IOException {
        byte[] raw = read(file, 3, 28);
        float[] x = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            x[i] = ((raw[i] & 0xFF) / 255f - 0.5f) / 0.5f;
        }
        return x;
    }

    static long[] labels(Path file) throws IOException {
        byte[] raw = read(file, 1, 0);
        long[] y = new long[raw.length];
        for (int i = 0; i < raw.length; i++) {
            y[i] = raw[i] & 0xFF;
            if (y[i] > 9) {
                throw new IOException(file + ": label " + y[i] + " at item " + i + " is not a class 0..9");
            }
        }
        return y;
    }

    /** The payload of an unsigned-byte IDX file of the given rank; side > 0 checks every non-leading size. */
    private static byte[] read(Path file, int rank, int side) throws IOException {
        try (InputStream gz = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
             DataInputStream in = new DataInputStream(gz)) {
            int magic = in.readInt();
            if (magic != (0x0800 | rank)) {
                throw new IOException(String.format("%s: magic 0x%08x, expected 0x%08x (unsigned bytes, rank %d)",
                        file, magic, 0x0800 | rank, rank));
            }
            long total = 1;
            for (int d = 0; d < rank; d++) {
                int size = in.readInt();
                if (size <= 0 || (d > 0 && size != side)) {
                    throw new IOException(file + ": dimension " + d + " has size " + size
                            + (d > 0 ? ", expected " + side : ", expected a positive count"));
                }
                total *= size;
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": header declares " + total + " bytes, too many for one array");
            }
            byte[] data = new byte[(int) total];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new IOException(file + ": truncated, the header declares " + total + " bytes of data", e);
            }
            if (in.read() != -1) {
                throw new IOException(file + ": has data beyond the " + total + " bytes its header declares");
            }
            return data;
        }
    }
}
