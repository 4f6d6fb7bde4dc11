package jgrad.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files for tests (here and in the fuzz harness). */
public final class IdxFiles {
    private IdxFiles() {}

    /** An IDX file: magic {@code 0x0800 | dims.length}, the dims, then the payload. */
    public static byte[] idx(int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(payload).array();
    }

    /** {@code count} images of rows×cols whose pixel p of image i is {@code (i * 7 + p) & 0xFF}. */
    public static byte[] images(int count, int rows, int cols) {
        byte[] px = new byte[count * rows * cols];
        for (int i = 0; i < count; i++)
            for (int p = 0; p < rows * cols; p++) px[i * rows * cols + p] = (byte) (i * 7 + p);
        return idx(new int[]{count, rows, cols}, px);
    }

    /** Labels {@code i % classes}. */
    public static byte[] labels(int count, int classes) {
        byte[] l = new byte[count];
        for (int i = 0; i < count; i++) l[i] = (byte) (i % classes);
        return idx(new int[]{count}, l);
    }

    public static byte[] gzip(byte[] data) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
