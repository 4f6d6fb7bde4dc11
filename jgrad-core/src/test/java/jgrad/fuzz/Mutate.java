package jgrad.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Byte-level mutations of a seed file: bit flips, byte sets, truncation, appended junk, inserted
 * and deleted ranges, and sizes written into the format's header fields (huge, negative,
 * off by one, or a group of fields whose product is huge or wraps around 2^32 or 2^64). Positions are drawn
 * from the header half of the time, where one changed byte matters most.
 */
final class Mutate {
    private Mutate() {}

    /** A size field of the format: {@code width} bytes at {@code offset}. */
    record Field(int offset, int width, boolean littleEndian) {}

    private static final byte[] BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe, '{', '}', '"', ',', ' '};
    private static final long[] SIZES = {0, 1, 2, 7, 8, -1, -2, 255, 256, 65535, 65536, 1 << 21, 1 << 22, 1 << 24,
            0x7fff_fff7, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffff_ffffL, 1L << 32, 100_000_001,
            Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62};

    /**
     * 1 to 3 random mutations of {@code seed}; {@code header} is the length of its header region,
     * {@code fields} its size fields and {@code product} those whose product is a size.
     */
    static byte[] bytes(SplittableRandom r, byte[] seed, int header, List<Field> fields, List<Field> product, StringBuilder how) {
        byte[] b = seed.clone();
        for (int m = 1 + r.nextInt(3); m > 0; m--) b = one(r, b, header, fields, product, how);
        return b;
    }

    /** True when {@code how} says the only change was appended junk (which the formats here all refuse). */
    static boolean onlyAppended(String how) {
        return how.matches("append \\d+ junk; ");
    }

    private static byte[] one(SplittableRandom r, byte[] b, int header, List<Field> fields, List<Field> product, StringBuilder how) {
        int kind = r.nextInt(b.length == 0 ? 1 : 9);
        switch (kind) {
            case 0 -> {
                byte[] junk = junk(r, 1 + r.nextInt(64));
                how.append("append ").append(junk.length).append(" junk; ");
                return concat(b, junk);
            }
            case 1, 2 -> {
                int p = position(r, b.length, header), bit = r.nextInt(8);
                how.append("flip bit ").append(bit).append(" at ").append(p).append("; ");
                b[p] ^= (byte) (1 << bit);
            }
            case 3 -> {
                int p = position(r, b.length, header);
                byte v = r.nextBoolean() ? BYTES[r.nextInt(BYTES.length)] : (byte) r.nextInt();
                how.append("set ").append(p).append(" to ").append(v & 0xff).append("; ");
                b[p] = v;
            }
            case 4 -> {
                int n = r.nextBoolean() ? position(r, b.length, header) : r.nextInt(b.length);
                how.append("truncate to ").append(n).append("; ");
                return Arrays.copyOf(b, n);
            }
            case 5 -> {
                int p = r.nextInt(b.length + 1);
                byte[] junk = junk(r, 1 + r.nextInt(16));
                how.append("insert ").append(junk.length).append(" at ").append(p).append("; ");
                return concat(concat(Arrays.copyOf(b, p), junk), Arrays.copyOfRange(b, p, b.length));
            }
            case 6 -> {
                int p = r.nextInt(b.length), n = 1 + r.nextInt(Math.min(16, b.length - p));
                how.append("delete ").append(n).append(" at ").append(p).append("; ");
                return concat(Arrays.copyOf(b, p), Arrays.copyOfRange(b, p + n, b.length));
            }
            case 7 -> {
                if (fields.isEmpty()) return b;
                Field f = fields.get(r.nextInt(fields.size()));
                if (f.offset() + f.width() > b.length) return b;
                long old = get(b, f), v = switch (r.nextInt(4)) {
                    case 0 -> old + (r.nextBoolean() ? 1 : -1);
                    case 1 -> old * (2 + r.nextInt(1000));
                    case 2 -> r.nextLong();
                    default -> SIZES[r.nextInt(SIZES.length)];
                };
                how.append("size field at ").append(f.offset()).append(" = ").append(v).append("; ");
                put(b, f, v);
            }
            default -> {
                // sizes that are each plausible but whose product wraps to 0 (2^32 or 2^64), as a header check with int or long arithmetic may miss
                if (product.isEmpty() || product.getLast().offset() + product.getLast().width() > b.length) return b;
                if (r.nextInt(3) == 0) {
                    how.append("large sizes:");
                    for (Field f : product) {
                        long v = (1L << 20) + r.nextLong(Integer.MAX_VALUE - (1L << 20));
                        how.append(' ').append(v);
                        put(b, f, v);
                    }
                    how.append("; ");
                    return b;
                }
                int total = r.nextBoolean() ? 64 : 32, left = total;
                how.append("sizes with product 2^").append(total).append(":");
                for (int i = 0; i < product.size(); i++) {
                    int lo = Math.max(0, left - 30 * (product.size() - 1 - i)), hi = Math.min(30, left);
                    int e = lo >= hi ? hi : lo + r.nextInt(hi - lo + 1);
                    left -= e;
                    how.append(' ').append(1L << e);
                    put(b, product.get(i), 1L << e);
                }
                how.append("; ");
            }
        }
        return b;
    }

    private static int position(SplittableRandom r, int length, int header) {
        return r.nextBoolean() && header > 0 ? r.nextInt(Math.min(header, length)) : r.nextInt(length);
    }

    /** Junk that is neither all zeros nor the start of a gzip member, so every format here must refuse it. */
    static byte[] junk(SplittableRandom r, int n) {
        byte[] j = new byte[n];
        for (int i = 0; i < n; i++) j[i] = (byte) r.nextInt();
        if (j[0] == 0 || j[0] == 0x1f) j[0] = 'J';
        return j;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static long get(byte[] b, Field f) {
        long v = 0;
        for (int i = 0; i < f.width(); i++) {
            int at = f.littleEndian() ? f.offset() + f.width() - 1 - i : f.offset() + i;
            v = v << 8 | (b[at] & 0xff);
        }
        return v;
    }

    static void put(byte[] b, Field f, long v) {
        for (int i = 0; i < f.width(); i++) {
            int at = f.littleEndian() ? f.offset() + i : f.offset() + f.width() - 1 - i;
            b[at] = (byte) (v >>> (8 * i));
        }
    }
}
