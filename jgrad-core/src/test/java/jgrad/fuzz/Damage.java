package jgrad.fuzz;

/** Damage that keeps a file's structure whole, shared by the fuzz campaigns and the readers' own tests. */
public final class Damage {
    private Damage() {}

    /** {@code gif} with its first frame's LZW data cut to 1/{@code part}, ended by an empty sub-block and the trailer. */
    public static byte[] starve(byte[] gif, int part) {
        int flags = gif[10] & 0xff, pos = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        while ((gif[pos] & 0xff) == 0x21) {
            pos += 2;
            while (gif[pos] != 0) pos += 1 + (gif[pos] & 0xff);
            pos++;
        }
        int f = gif[pos + 9] & 0xff;
        pos += 10 + ((f & 0x80) != 0 ? 3 << ((f & 7) + 1) : 0) + 1; // descriptor, local colour table, LZW code size
        int data = 0;
        for (int q = pos; gif[q] != 0; q += 1 + (gif[q] & 0xff)) data += gif[q] & 0xff;
        int keep = Math.max(1, data / part);
        var out = new java.io.ByteArrayOutputStream();
        out.write(gif, 0, pos);
        out.write(keep);
        out.write(gif, pos + 1, keep); // the first sub-block holds at least that much (255 bytes)
        out.write(0);
        out.write(0x3B);
        return out.toByteArray();
    }

}
