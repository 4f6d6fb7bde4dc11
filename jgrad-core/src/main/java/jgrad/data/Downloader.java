package jgrad.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import jgrad.io.AtomicFile;

/** Fetches one file over HTTP, verifying length and SHA-256 before it appears under its final name. */
final class Downloader {
    private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

    private record Transfer(int status, String reason, long expected, long received, String sha256) {}

    private Downloader() {}

    /**
     * Downloads {@code url} to {@code target}. The bytes go to a hidden temporary file in the same
     * directory and are renamed over {@code target} atomically only once complete and verified, so a
     * reader, a crash or a concurrent download never sees a partial file under the final name.
     *
     * @throws IOException whose message starts with the file name: connection failure, timeout,
     *                     HTTP error, truncated body or SHA-256 mismatch
     */
    static void fetch(URI url, Path target, String sha256, Duration timeout, PrintStream progress) throws IOException {
        String name = target.getFileName().toString();
        long[] received = {0};
        AtomicFile.stage(target, part -> {
            Transfer t;
            try {
                t = transfer(url, part, name, timeout, progress);
            } catch (SocketTimeoutException e) {
                throw new IOException(name + ": no answer from " + url + " within " + timeout.toMillis() + " ms", e);
            } catch (IOException e) {
                throw new IOException(name + ": download from " + url + " failed: " + e, e);
            }
            if (t.status != HttpURLConnection.HTTP_OK)
                throw new IOException(name + ": HTTP " + t.status + " " + t.reason + " from " + url);
            if (t.expected >= 0 && t.received != t.expected)
                throw new IOException(name + ": truncated download: received " + t.received + " of " + t.expected + " bytes from " + url);
            if (!t.sha256.equals(sha256))
                throw new IOException(name + ": SHA-256 mismatch: expected " + sha256 + ", got " + t.sha256
                        + " (" + t.received + " bytes from " + url + "; discarded)");
            received[0] = t.received;
        });
        if (progress != null) progress.println(name + ": " + mb(received[0]) + " MB, SHA-256 verified");
    }

    private static Transfer transfer(URI url, Path part, String name, Duration timeout, PrintStream progress) throws IOException {
        var conn = (HttpURLConnection) url.toURL().openConnection();
        int millis = Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
        conn.setConnectTimeout(millis);
        // a per-read timeout, so a server that stalls mid-body is noticed too
        conn.setReadTimeout(millis);
        conn.setRequestProperty("User-Agent", "jgrad");
        try {
            int status = conn.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) return new Transfer(status, conn.getResponseMessage(), -1, 0, "");
            long expected = conn.getContentLengthLong();
            if (progress != null) progress.println(name + ": downloading " + url);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long received = 0;
            try (InputStream in = conn.getInputStream(); OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[1 << 16];
                long lastReport = System.nanoTime();
                for (int n; (n = readSome(in, buf, expected)) > 0; ) {
                    out.write(buf, 0, n);
                    sha.update(buf, 0, n);
                    received += n;
                    if (progress != null && System.nanoTime() - lastReport >= PROGRESS_INTERVAL_NANOS) {
                        lastReport = System.nanoTime();
                        progress.println(name + ": " + amount(received, expected));
                    }
                }
            }
            return new Transfer(status, "", expected, received, HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        } finally {
            conn.disconnect();
        }
    }

    /**
     * {@code in.read(buf)}, except that losing the connection in a body of known length ends it, so
     * that it is reported as what it is, a truncated download, rather than as "Premature EOF".
     */
    private static int readSome(InputStream in, byte[] buf, long expected) throws IOException {
        try {
            return in.read(buf);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            if (expected < 0) throw e;
            return -1;
        }
    }

    private static String amount(long received, long total) {
        return total > 0 ? String.format(Locale.ROOT, "%3d%% (%s of %s MB)", received * 100 / total, mb(received), mb(total)) : mb(received) + " MB";
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
