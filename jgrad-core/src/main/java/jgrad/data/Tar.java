package jgrad.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the regular files of a tar archive (POSIX ustar, with GNU long names and pax paths) one
 * after another from a stream, without extracting anything:
 * <pre>{@code
 * Tar tar = new Tar(in, file);
 * for (Tar.Entry e; (e = tar.next()) != null; ) use(e.name(), tar.content());
 * }</pre>
 * A size in a header is a promise, not an allocation: {@link #content()} streams the entry and
 * fails, naming the archive, if the archive ends before the promised bytes. Directories, links and
 * other special entries are skipped.
 */
final class Tar {
    private static final int BLOCK = 512;
    /** Long names and pax headers larger than this are refused rather than read into memory. */
    private static final int MAX_META = 1 << 20;

    /** A regular file in the archive: its path inside the archive and its size in bytes. */
    record Entry(String name, long size) {}

    private final InputStream in;
    private final Path file;
    private Entry current;
    private long remaining;

    /** Reads {@code in} (already decompressed); {@code file} names the archive in errors. */
    Tar(InputStream in, Path file) {
        this.in = in;
        this.file = file;
    }

    /** The next regular file, skipping what is left of the current one; null at the end of the archive. */
    Entry next() throws IOException {
        String longName = null;
        while (true) {
            skipRest();
            byte[] h = in.readNBytes(BLOCK);
            if (h.length == 0) return end(); // no end-of-archive blocks: tolerated, as tar does
            if (h.length < BLOCK) throw new IOException(file + ": truncated: the archive ends inside a tar header");
            if (allZero(h)) return end();
            checkChecksum(h);
            long size = number(h, 124, 12, "size");
            char type = (char) h[156];
            String name = longName != null ? longName : name(h);
            longName = null;
            current = new Entry(name, size);
            remaining = size;
            switch (type) {
                case 'L' -> longName = cString(meta());  // GNU: the next entry's name
                case 'x' -> longName = paxPath(meta());  // pax: the next entry's attributes; only its path matters here
                case '0', '\0', '7' -> {
                    return current;
                }
                default -> {
                    // a directory, link, global pax header or device: nothing to read
                }
            }
        }
    }

    /** The current entry's bytes; reading past them returns -1, and an archive that ends early is an IOException naming it. */
    InputStream content() {
        Entry entry = current;
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (current != entry || remaining == 0) return -1;
                if (len == 0) return 0;
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) throw truncated(entry);
                remaining -= n;
                return n;
            }
        };
    }

    private Entry end() {
        current = null;
        remaining = 0;
        return null;
    }

    private IOException truncated(Entry e) {
        return new IOException(file + ": truncated: " + e.name() + " should hold " + e.size() + " bytes but the archive ends after "
                + (e.size() - remaining));
    }

    /** Skips the rest of the current entry and its padding to a whole block. */
    private void skipRest() throws IOException {
        if (current == null) return;
        Entry e = current;
        long data = remaining, skipped = skipUpTo(data);
        current = null;
        remaining = data - skipped;
        if (remaining > 0) throw truncated(e);
        skipUpTo((BLOCK - e.size() % BLOCK) % BLOCK); // a missing end of padding shows as the end of the archive
    }

    /** Skips up to {@code n} bytes, fewer only at the end of the stream; returns how many. */
    private long skipUpTo(long n) throws IOException {
        long done = 0;
        while (done < n) {
            long k = in.skip(n - done);
            if (k <= 0) {
                if (in.read() < 0) break;
                k = 1;
            }
            done += k;
        }
        return done;
    }

    private byte[] meta() throws IOException {
        if (current.size() > MAX_META)
            throw new IOException(file + ": a tar header entry of " + current.size() + " bytes; at most " + MAX_META + " are read");
        byte[] b = content().readNBytes(MAX_META);
        if (b.length < current.size()) throw truncated(current);
        return b;
    }

    private String name(byte[] h) {
        String name = cString(h, 0, 100);
        // POSIX ustar ("ustar\0") splits long paths into a prefix; GNU's "ustar  " uses those bytes for times
        if (h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[262] == 0) {
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) name = prefix + "/" + name;
        }
        return name;
    }

    /** The {@code path} record of a pax header ({@code "<length> path=<value>\n"}), or null. */
    private String paxPath(byte[] b) {
        String text = new String(b, StandardCharsets.UTF_8);
        for (int at = 0; at < text.length(); ) {
            int space = text.indexOf(' ', at), nl = text.indexOf('\n', at);
            if (space < 0 || nl < 0) break;
            String record = text.substring(space + 1, nl);
            if (record.startsWith("path=")) return record.substring("path=".length());
            at = nl + 1;
        }
        return null;
    }

    private void checkChecksum(byte[] h) throws IOException {
        long stored = number(h, 148, 8, "checksum");
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xFF;
            signed += b;
        }
        if (stored != unsigned && stored != signed)
            throw new IOException(file + ": not a tar archive (a header's checksum is " + stored + " but its bytes sum to " + unsigned + ")");
    }

    /** An octal field (NUL- or space-terminated), or GNU's base-256 form for sizes of 8 GiB and more. */
    private long number(byte[] h, int at, int len, String what) throws IOException {
        if ((h[at] & 0x80) != 0) {
            long v = 0;
            for (int i = at + 1; i < at + len; i++) {
                if (v >>> 55 != 0) throw new IOException(file + ": not a tar archive (a " + what + " field is too large)");
                v = v << 8 | (h[i] & 0xFF);
            }
            return v;
        }
        long v = 0;
        int i = at, stop = at + len;
        while (i < stop && h[i] == ' ') i++;
        for (; i < stop && h[i] != 0 && h[i] != ' '; i++) {
            if (h[i] < '0' || h[i] > '7' || v >>> 60 != 0)
                throw new IOException(file + ": not a tar archive (a header's " + what + " field is not an octal number)");
            v = v << 3 | (h[i] - '0');
        }
        return v;
    }

    private static String cString(byte[] b) {
        return cString(b, 0, b.length);
    }

    private static String cString(byte[] b, int at, int len) {
        int end = at;
        while (end < at + len && b[end] != 0) end++;
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }
}
