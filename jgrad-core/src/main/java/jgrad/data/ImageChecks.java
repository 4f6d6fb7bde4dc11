package jgrad.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The structural checks a careful decoder makes of a picture file, which ImageIO's decoders skip:
 * they decode a damaged file and fill in what is missing. A file that fails one is an
 * {@link IOException} naming it and the damage:
 * <ul>
 *   <li>PNG: every chunk's length within the file and its CRC-32 right (IHDR and PLTE included); IHDR
 *       first, 13 bytes, of a valid bit depth and colour type; PLTE of 1 to 256 entries; the IDAT
 *       chunks consecutive, one zlib stream that ends, inflating to exactly the bytes the header's
 *       width, height, bit depth, colour type and interlacing need (so a height shrunk under a fixed
 *       CRC is refused); an IEND chunk.</li>
 *   <li>JPEG: marker segments whose lengths fit the file, entropy-coded data ending in a marker,
 *       and the end-of-image marker (a truncated file lacks it).</li>
 *   <li>GIF: blocks that fit the file up to its trailer, and every frame's LZW data encoding at
 *       least the frame's width × height pixels (counted without decoding them).</li>
 * </ul>
 * Other formats (BMP) are left to their decoder. The checks hold at most one 64 KB buffer.
 */
final class ImageChecks {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private ImageChecks() {}

    /** Checks {@code b}, the bytes of {@code file}, by its signature; nothing for a format without checks here. */
    static void check(Path file, byte[] b) throws IOException {
        if (starts(b, PNG)) png(file, b);
        else if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) jpeg(file, b);
        else if (starts(b, "GIF87a".getBytes(StandardCharsets.US_ASCII)) || starts(b, "GIF89a".getBytes(StandardCharsets.US_ASCII))) gif(file, b);
    }

    private static boolean starts(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[i] != prefix[i]) return false;
        return true;
    }

    private static IOException bad(Path file, String format, String problem) {
        return new IOException(file + ": a damaged " + format + " file: " + problem);
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static void png(Path file, byte[] b) throws IOException {
        int pos = 8, width = 0, height = 0, depth = 0, colour = -1, interlace = 0;
        long expected = 0, produced = 0;
        boolean idat = false, idatEnded = false, palette = false;
        Inflater inflater = new Inflater();
        byte[] out = new byte[1 << 16];
        try {
            while (true) {
                if (b.length - pos < 12)
                    throw bad(file, "PNG", pos == b.length ? "it ends without an IEND chunk (truncated file?)"
                            : "it ends inside a chunk header at byte " + pos + " (truncated file?)");
                long len = u32(b, pos);
                String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
                if (!type.matches("[A-Za-z]{4}")) throw bad(file, "PNG", "no chunk type at byte " + pos + " (bytes " + hex(b, pos + 4, 4) + ")");
                if (len > b.length - pos - 12L)
                    throw bad(file, "PNG", "chunk " + type + " at byte " + pos + " declares " + len + " bytes, but " + (b.length - pos - 12)
                            + " follow (truncated file?)");
                int n = (int) len, data = pos + 8;
                CRC32 crc = new CRC32();
                crc.update(b, pos + 4, 4 + n);
                if (crc.getValue() != u32(b, data + n))
                    throw bad(file, "PNG", "chunk " + type + " at byte " + pos + " fails its CRC check");
                if (pos == 8 && !type.equals("IHDR")) throw bad(file, "PNG", "its first chunk is " + type + ", not IHDR");
                if (idat && !type.equals("IDAT")) idatEnded = true;
                switch (type) {
                    case "IHDR" -> {
                        if (pos != 8) throw bad(file, "PNG", "a second IHDR chunk at byte " + pos);
                        if (n != 13) throw bad(file, "PNG", "its IHDR chunk has " + n + " bytes, not 13");
                        width = (int) Math.min(u32(b, data), Integer.MAX_VALUE);
                        height = (int) Math.min(u32(b, data + 4), Integer.MAX_VALUE);
                        depth = b[data + 8];
                        colour = b[data + 9];
                        interlace = b[data + 12];
                        int channels = switch (colour) {
                            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16 ? 1 : -1;
                            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 ? 1 : -1;
                            case 2 -> depth == 8 || depth == 16 ? 3 : -1;
                            case 4 -> depth == 8 || depth == 16 ? 2 : -1;
                            case 6 -> depth == 8 || depth == 16 ? 4 : -1;
                            default -> -1;
                        };
                        if (channels < 0) throw bad(file, "PNG", "IHDR has colour type " + colour + " with bit depth " + depth + ", which PNG does not define");
                        if (b[data + 10] != 0 || b[data + 11] != 0 || interlace > 1 || interlace < 0)
                            throw bad(file, "PNG", "IHDR has an unknown compression, filter or interlace method");
                        expected = imageBytes(width, height, depth * channels, interlace == 1);
                    }
                    case "PLTE" -> {
                        if (n % 3 != 0 || n == 0 || n > 768) throw bad(file, "PNG", "its PLTE chunk has " + n + " bytes, not 3 × 1 to 256 entries");
                        if (idat) throw bad(file, "PNG", "its PLTE chunk comes after the image data");
                        palette = true;
                    }
                    case "IDAT" -> {
                        if (idatEnded) throw bad(file, "PNG", "its IDAT chunks are not consecutive (another at byte " + pos + ")");
                        if (colour == 3 && !palette) throw bad(file, "PNG", "a palette image without a PLTE chunk before its data");
                        idat = true;
                        inflater.setInput(b, data, n);
                        while (!inflater.needsInput() && !inflater.finished()) {
                            int got = inflater.inflate(out);
                            produced += got;
                            if (produced > expected)
                                throw bad(file, "PNG", "its image data is larger than the " + expected + " bytes its header's " + width + "×" + height
                                        + " pixels at " + depth + " bits need (a changed size?)");
                            if (got == 0 && inflater.needsDictionary()) throw bad(file, "PNG", "its image data asks for a zlib dictionary");
                        }
                    }
                    case "IEND" -> {
                        if (n != 0) throw bad(file, "PNG", "its IEND chunk is not empty");
                        if (!idat) throw bad(file, "PNG", "it has no image data (IDAT chunk)");
                        if (!inflater.finished())
                            throw bad(file, "PNG", "its image data stream ends early, after " + produced + " of " + expected + " bytes");
                        if (produced != expected)
                            throw bad(file, "PNG", "its image data holds " + produced + " bytes, but the header's " + width + "×" + height + " pixels at "
                                    + depth + " bits need " + expected + " (a changed size?)");
                        return; // what follows IEND is not part of the image, as every decoder treats it
                    }
                    default -> {
                        if (Character.isUpperCase(type.charAt(0)))
                            throw bad(file, "PNG", "an unknown critical chunk " + type + " at byte " + pos);
                    }
                }
                pos = data + n + 4;
            }
        } catch (DataFormatException e) {
            throw bad(file, "PNG", "its image data is not a valid zlib stream (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    /** The filtered bytes of a PNG image: a filter byte and the packed samples of each row (of each Adam7 pass when interlaced). */
    static long imageBytes(long width, long height, int bitsPerPixel, boolean interlaced) {
        if (!interlaced) return height * (1 + (width * bitsPerPixel + 7) / 8);
        int[][] passes = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
        long total = 0;
        for (int[] p : passes) {
            long w = width > p[0] ? (width - p[0] + p[2] - 1) / p[2] : 0, h = height > p[1] ? (height - p[1] + p[3] - 1) / p[3] : 0;
            if (w > 0 && h > 0) total += h * (1 + (w * bitsPerPixel + 7) / 8);
        }
        return total;
    }

    private static void jpeg(Path file, byte[] b) throws IOException {
        int pos = 2;
        while (true) {
            if (pos >= b.length) throw bad(file, "JPEG", "it ends without its end-of-image marker (truncated file?)");
            if ((b[pos] & 0xff) != 0xFF) throw bad(file, "JPEG", "no marker at byte " + pos + " (bytes " + hex(b, pos, 2) + ")");
            while (pos + 1 < b.length && (b[pos + 1] & 0xff) == 0xFF) pos++; // fill bytes
            if (pos + 1 >= b.length) throw bad(file, "JPEG", "it ends without its end-of-image marker (truncated file?)");
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xD9) return; // EOI; what follows is not part of the image
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) { // no length
                pos += 2;
                continue;
            }
            if (marker == 0x00 || marker == 0xD8) throw bad(file, "JPEG", "an invalid marker FF" + hex(b, pos + 1, 1) + " at byte " + pos);
            if (pos + 4 > b.length) throw bad(file, "JPEG", "it ends inside a marker at byte " + pos + " (truncated file?)");
            int len = (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
            if (len < 2 || pos + 2L + len > b.length)
                throw bad(file, "JPEG", "the segment FF" + hex(b, pos + 1, 1) + " at byte " + pos + " declares " + len + " bytes, but "
                        + (b.length - pos - 2) + " follow (truncated file?)");
            pos += 2 + len;
            if (marker == 0xDA) { // start of scan: entropy-coded data up to the next marker
                while (pos < b.length) {
                    if ((b[pos] & 0xff) != 0xFF) pos++;
                    else if (pos + 1 < b.length && ((b[pos + 1] & 0xff) == 0 || (b[pos + 1] & 0xff) >= 0xD0 && (b[pos + 1] & 0xff) <= 0xD7)) pos += 2;
                    else break;
                }
            }
        }
    }

    private static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static void gif(Path file, byte[] b) throws IOException {
        if (b.length < 13) throw bad(file, "GIF", "it ends inside its screen descriptor");
        int flags = b[10] & 0xff, pos = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0), frames = 0;
        while (true) {
            if (pos >= b.length) throw bad(file, "GIF", "it ends before its trailer (truncated file?)");
            int block = b[pos] & 0xff;
            if (block == 0x3B) {
                if (frames == 0) throw bad(file, "GIF", "it holds no image");
                return;
            } else if (block == 0x21) {
                pos = skipSubBlocks(file, b, pos + 2);
            } else if (block == 0x2C) {
                if (pos + 10 > b.length) throw bad(file, "GIF", "it ends inside the descriptor of frame " + (frames + 1));
                long w = u16le(b, pos + 5), h = u16le(b, pos + 7);
                int f = b[pos + 9] & 0xff;
                pos += 10 + ((f & 0x80) != 0 ? 3 << ((f & 7) + 1) : 0);
                if (pos >= b.length) throw bad(file, "GIF", "it ends before the data of frame " + (frames + 1));
                int min = b[pos++];
                if (min < 2 || min > 8) throw bad(file, "GIF", "frame " + (frames + 1) + " has an LZW code size of " + min + ", not 2 to 8");
                long[] pixels = {0};
                pos = lzw(file, b, pos, min, pixels, frames + 1);
                frames++;
                if (pixels[0] < w * h)
                    throw bad(file, "GIF", "frame " + frames + " carries " + pixels[0] + " of its " + w + "×" + h + " pixels (data missing)");
            } else {
                throw bad(file, "GIF", "an unknown block 0x" + hex(b, pos, 1) + " at byte " + pos);
            }
        }
    }

    private static int skipSubBlocks(Path file, byte[] b, int pos) throws IOException {
        while (true) {
            if (pos >= b.length) throw bad(file, "GIF", "it ends inside a block (truncated file?)");
            int n = b[pos] & 0xff;
            pos += 1 + n;
            if (n == 0) return pos;
        }
    }

    /** Counts the pixels the LZW codes in the sub-blocks from {@code pos} decode to, into {@code pixels[0]}; returns the position after them. */
    private static int lzw(Path file, byte[] b, int pos, int min, long[] pixels, int frame) throws IOException {
        int clear = 1 << min, end = clear + 1, next = clear + 2, width = min + 1, prev = -1, bits = 0, acc = 0;
        int[] length = new int[4096];
        for (int i = 0; i < clear; i++) length[i] = 1;
        boolean done = false;
        while (true) {
            if (pos >= b.length) throw bad(file, "GIF", "it ends inside the data of frame " + frame + " (truncated file?)");
            int n = b[pos++] & 0xff;
            if (n == 0) return pos;
            if (pos + n > b.length) throw bad(file, "GIF", "it ends inside the data of frame " + frame + " (truncated file?)");
            for (int i = 0; i < n && !done; i++) {
                acc |= (b[pos + i] & 0xff) << bits;
                bits += 8;
                while (bits >= width && !done) {
                    int code = acc & ((1 << width) - 1);
                    acc >>>= width;
                    bits -= width;
                    if (code == clear) {
                        next = clear + 2;
                        width = min + 1;
                        prev = -1;
                        continue;
                    }
                    if (code == end) {
                        done = true;
                        break;
                    }
                    int added;
                    if (prev < 0) {
                        if (code >= clear) throw bad(file, "GIF", "frame " + frame + " has an invalid LZW code " + code);
                        pixels[0] += 1;
                        prev = code;
                        continue;
                    } else if (code < next) {
                        pixels[0] += length[code];
                        added = length[prev] + 1;
                    } else if (code == next) {
                        added = length[prev] + 1;
                        pixels[0] += added;
                    } else {
                        throw bad(file, "GIF", "frame " + frame + " has an invalid LZW code " + code);
                    }
                    if (next < 4096) {
                        length[next++] = added;
                        if (next == 1 << width && width < 12) width++;
                    }
                    prev = code;
                }
            }
            pos += n;
        }
    }

    private static String hex(byte[] b, int at, int n) {
        var s = new StringBuilder();
        for (int i = at; i < Math.min(b.length, at + n); i++) s.append(String.format("%02X", b[i] & 0xff));
        return s.toString();
    }
}
