package jgrad.fuzz;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import jgrad.fuzz.Fuzz.Expect;
import jgrad.fuzz.Fuzz.Input;
import jgrad.fuzz.SafeTensorsFile.Entry;

/**
 * The inputs of the safetensors campaign: a third byte-level mutations of a seed, the rest one
 * mutation of its JSON header below the parser's level (bad JSON and encodings, bad dtypes, float
 * and huge numbers, offsets out of range, overlapping or leaving holes, duplicate keys, a header
 * length off by a few, wrong JSON types, bad metadata, and changes that keep the file valid),
 * sometimes followed by byte-level mutations. {@link SafeTensorsFile#reference} then says whether
 * the input must be refused or loaded; a mutation known to break a rule that the reference accepts
 * is a fault of the harness and stops the campaign.
 */
final class SafeTensorsMutations {
    private SafeTensorsMutations() {}

    static Input generate(SplittableRandom r, byte[] seed) {
        var how = new StringBuilder();
        boolean invalid; // the mutation surely breaks a rule of the format
        byte[] file;
        long n = ByteBuffer.wrap(seed, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (r.nextInt(3) == 0) {
            file = Mutate.bytes(r, seed, 8 + (int) n, List.of(new Mutate.Field(0, 8, true)), List.of(), how);
            invalid = Mutate.onlyAppended(how.toString());
        } else {
            SafeTensorsFile f;
            try {
                f = SafeTensorsFile.parse(seed);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            var state = new Header(f, f.members(), null, 0);
            invalid = json(r, state, how);
            file = state.file();
            if (r.nextInt(4) == 0) {
                file = Mutate.bytes(r, file, file.length, List.of(new Mutate.Field(0, 8, true)), List.of(), how.append("then "));
                invalid = false;
            }
        }
        SafeTensorsFile.Expected expected = SafeTensorsFile.reference(file);
        if (invalid && expected != null) throw new IllegalStateException("the reference accepts an input made invalid: " + how);
        return new Input(how.toString(), expected == null ? Expect.REFUSE : Expect.LOAD, file);
    }

    /** The file being built: its entries and data, the top-level members as text, an override of the header bytes, the header length's error. */
    static final class Header {
        final SafeTensorsFile f;
        List<String> members;
        byte[] header;
        long lengthDelta;

        Header(SafeTensorsFile f, List<String> members, byte[] header, long lengthDelta) {
            this.f = f;
            this.members = members;
            this.header = header;
            this.lengthDelta = lengthDelta;
        }

        String text() {
            return SafeTensorsFile.json(members);
        }

        byte[] file() {
            return f.bytes(header != null ? header : text().getBytes(UTF_8), lengthDelta);
        }
    }

    private static final String[] DTYPES = {"\"F16\"", "\"BF16\"", "\"I32\"", "\"U8\"", "\"BOOL\"", "\"f32\"", "\"F32 \"", "\"\"",
            "\"float32\"", "32", "null", "[\"F32\"]", "{\"F32\":1}", "true"};
    private static final String[] BAD_METADATA = {"[]", "1", "null", "\"s\"", "{\"k\":1}", "{\"k\":null}", "{\"k\":{\"a\":\"b\"}}",
            "{\"k\":[\"v\"]}", "{\"k\":true}"};
    private static final String[] GOOD_METADATA = {"{}", "{\"format\":\"pt\",\"k\":\"v\"}", "{\"\\u00fc\":\"\\n\\\"\"}"};
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64), TWO_63 = BigInteger.ONE.shiftLeft(63);

    /** One JSON-level mutation of {@code h}; true when it surely makes the file invalid. */
    static boolean json(SplittableRandom r, Header h, StringBuilder how) {
        SafeTensorsFile f = h.f;
        List<Entry> es = f.entries;
        Entry e = es.isEmpty() ? null : es.get(r.nextInt(es.size()));
        int kind = r.nextInt(16);
        if (e == null && kind <= 4) kind = 5; // the mutations of an entry need one
        switch (kind) {
            case 0 -> {
                if (e.shape.isEmpty()) e.shape.add("1");
                int i = r.nextInt(e.shape.size());
                String[] forms = {e.shape.get(i) + ".0", e.shape.get(i) + "e0", e.shape.get(i) + ".5", "\"" + e.shape.get(i) + "\"", "-" + e.shape.get(i) + ".0"};
                e.shape.set(i, forms[r.nextInt(forms.length)]);
                how.append("float shape ").append(e.key).append(' ').append(e.shape);
            }
            case 1 -> {
                int which = r.nextInt(e.shape.size() + 2);
                String old = which == 0 ? e.begin : which == 1 ? e.end : e.shape.get(which - 2);
                BigInteger v = new BigInteger(old);
                String[] forms = {v.add(TWO_64).toString(), v.add(TWO_63).toString(), v.add(TWO_64.shiftLeft(1)).toString(),
                        "-" + v.add(BigInteger.ONE), "1" + "0".repeat(30)};
                String huge = forms[r.nextInt(forms.length)];
                if (which == 0) e.begin = huge; else if (which == 1) e.end = huge; else e.shape.set(which - 2, huge);
                how.append("huge int ").append(huge).append(" for ").append(old).append(" in ").append(e.key);
            }
            case 2 -> {
                long b = Long.parseLong(e.begin), end = Long.parseLong(e.end);
                switch (r.nextInt(3)) {
                    case 0 -> e.end = Long.toString(f.data.length + 1 + r.nextInt(64));
                    case 1 -> e.begin = Long.toString(end + 1 + r.nextInt(8));
                    default -> {
                        e.begin = Long.toString(b + f.data.length + 8);
                        e.end = Long.toString(end + f.data.length + 8);
                    }
                }
                how.append("offsets out of range ").append(e.key).append(" [").append(e.begin).append(", ").append(e.end).append("]");
            }
            case 3 -> {
                long b = Long.parseLong(e.begin), end = Long.parseLong(e.end);
                if (b == 0 || end == b) return addTrailing(r, h, how);
                long s = 1 + r.nextInt((int) Math.min(b, 16));
                e.begin = Long.toString(b - s);
                e.end = Long.toString(end - s);
                how.append("overlap: ").append(e.key).append(" moved back ").append(s);
            }
            case 4 -> {
                long at = Long.parseLong(e.begin);
                int g = 1 + r.nextInt(8);
                for (Entry x : es) {
                    if (Long.parseLong(x.begin) < at) continue;
                    x.begin = Long.toString(Long.parseLong(x.begin) + g);
                    x.end = Long.toString(Long.parseLong(x.end) + g);
                }
                f.data = Mutate.concat(Mutate.concat(Arrays.copyOf(f.data, (int) at), Mutate.junk(r, g)), Arrays.copyOfRange(f.data, (int) at, f.data.length));
                how.append("hole of ").append(g).append(" before ").append(e.key);
            }
            case 5 -> {
                return addTrailing(r, h, how);
            }
            case 6 -> {
                List<String> m = f.members();
                int i = r.nextInt(m.size() + 1);
                if (i == m.size() && e != null) {
                    e.extra.add(r.nextBoolean() ? "\"dtype\":" + e.dtype : "\"shape\":[" + String.join(",", e.shape) + "]");
                    h.members = f.members();
                    how.append("duplicate field in ").append(e.key);
                    return true;
                }
                if (m.isEmpty()) return addTrailing(r, h, how);
                i = Math.min(i, m.size() - 1);
                m.add(r.nextInt(m.size() + 1), m.get(i));
                h.members = m;
                how.append("duplicate key ").append(m.get(i), 0, Math.min(20, m.get(i).length()));
                return true;
            }
            case 7 -> {
                h.lengthDelta = (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(3));
                how.append("header length ").append(h.lengthDelta > 0 ? "+" : "").append(h.lengthDelta);
                return true;
            }
            case 8 -> {
                String t = h.text();
                int p = r.nextInt(t.length());
                String chars = "{}[],:\"0a\\ -.";
                String c = String.valueOf(chars.charAt(r.nextInt(chars.length())));
                t = switch (r.nextInt(4)) {
                    case 0 -> t.substring(0, p) + t.substring(p + 1);
                    case 1 -> t.substring(0, p) + c + t.substring(p);
                    case 2 -> t.substring(0, p) + c + t.substring(p + 1);
                    default -> t.substring(0, p);
                };
                h.header = t.getBytes(UTF_8);
                how.append("JSON edited at ").append(p);
                return false;
            }
            case 9 -> {
                if (e == null) return addTrailing(r, h, how);
                e.dtype = DTYPES[r.nextInt(DTYPES.length)];
                how.append("dtype ").append(e.dtype);
            }
            case 10 -> {
                return structure(r, h, e, how);
            }
            case 11 -> {
                boolean bad = r.nextBoolean();
                f.metadata = bad ? BAD_METADATA[r.nextInt(BAD_METADATA.length)] : GOOD_METADATA[r.nextInt(GOOD_METADATA.length)];
                f.metadataAt = r.nextInt(es.size() + 1);
                h.members = f.members();
                how.append("metadata ").append(f.metadata);
                return bad;
            }
            case 12 -> {
                return encoding(r, h, how);
            }
            case 13 -> {
                valid(r, h, how);
                return false;
            }
            case 14 -> {
                if (e == null || e.shape.isEmpty()) return addTrailing(r, h, how);
                int i = r.nextInt(e.shape.size());
                long d = Long.parseLong(e.shape.get(i));
                switch (r.nextInt(4)) {
                    case 0 -> e.shape.set(i, Long.toString(d + 1));
                    case 1 -> e.shape.set(i, Long.toString(d * 2));
                    case 2 -> e.shape.set(i, "0");
                    default -> e.shape.add(r.nextInt(e.shape.size() + 1), "1");
                }
                how.append("shape ").append(e.key).append(' ').append(e.shape);
                h.members = f.members();
                return false;
            }
            default -> {
                long at = r.nextBoolean() ? f.data.length : es.isEmpty() ? 0 : Long.parseLong(es.get(r.nextInt(es.size())).end);
                if (r.nextInt(4) == 0) at = r.nextInt(f.data.length + 1);
                es.add(r.nextInt(es.size() + 1), new Entry("zero" + r.nextInt(3), "\"F32\"", List.of("0", "3"), Long.toString(at), Long.toString(at)));
                how.append("zero-size tensor at ").append(at);
                h.members = f.members();
                return false;
            }
        }
        h.members = f.members();
        return true;
    }

    private static boolean addTrailing(SplittableRandom r, Header h, StringBuilder how) {
        byte[] junk = Mutate.junk(r, 1 + r.nextInt(16));
        h.f.data = Mutate.concat(h.f.data, junk);
        h.members = h.f.members();
        how.append("data longer by ").append(junk.length);
        return true;
    }

    /** Wrong JSON types where the format wants an object of objects, arrays of two offsets, an array shape. */
    private static boolean structure(SplittableRandom r, Header h, Entry e, StringBuilder how) {
        int kind = e == null ? 0 : r.nextInt(7);
        switch (kind) {
            case 0 -> {
                h.header = ("[" + String.join(",", h.members) + "]").getBytes(UTF_8);
                how.append("top level is an array");
                return true;
            }
            case 1 -> {
                String v = new String[]{"[]", "\"x\"", "1", "null", "{}"}[r.nextInt(5)];
                h.members.replaceAll(m -> m.startsWith(SafeTensorsFile.quote(e.key) + ":") ? SafeTensorsFile.quote(e.key) + ":" + v : m);
                how.append("entry ").append(e.key).append(" is ").append(v);
                return true;
            }
            case 2 -> {
                String json = e.json();
                String field = new String[]{"\"dtype\":" + e.dtype + ",", "\"shape\":[" + String.join(",", e.shape) + "],"}[r.nextInt(2)];
                h.members.replaceAll(m -> m.equals(json) ? json.replace(field, "") : m);
                how.append("entry ").append(e.key).append(" lacks ").append(field);
                return true;
            }
            case 3 -> {
                e.extra.add("\"extra\":" + (r.nextBoolean() ? "1" : "\"x\""));
                how.append("entry ").append(e.key).append(" has an extra field");
            }
            case 4 -> {
                e.end = e.end + (r.nextBoolean() ? "," + e.end : "]");
                how.append("data_offsets of ").append(e.key).append(" not two numbers");
            }
            case 5 -> {
                e.begin = "[" + e.begin + "]";
                how.append("data_offsets of ").append(e.key).append(" nested");
            }
            default -> {
                String s = new String[]{"{}", "\"2\"", "null"}[r.nextInt(3)];
                e.shape = new ArrayList<>(List.of(s));
                how.append("shape of ").append(e.key).append(" holds ").append(s);
            }
        }
        h.members = h.f.members();
        return true;
    }

    /** Bytes that are not UTF-8, another encoding, a byte-order mark, text before or after the object. */
    private static boolean encoding(SplittableRandom r, Header h, StringBuilder how) {
        String t = h.text();
        switch (r.nextInt(6)) {
            case 0 -> {
                byte[] b = t.getBytes(UTF_8);
                int q = Math.max(1, t.indexOf('"') + 1);
                byte[][] bad = {{(byte) 0xc3, 0x28}, {(byte) 0xff}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}};
                byte[] x = bad[r.nextInt(bad.length)];
                h.header = Mutate.concat(Mutate.concat(Arrays.copyOf(b, q), x), Arrays.copyOfRange(b, q, b.length));
                how.append("not UTF-8 at ").append(q);
            }
            case 1 -> {
                h.header = t.getBytes(UTF_16LE);
                how.append("UTF-16 header");
            }
            case 2 -> {
                h.header = ("\ufeff" + t).getBytes(UTF_8);
                how.append("byte-order mark");
            }
            case 3 -> {
                h.header = (" " + t).getBytes(UTF_8);
                how.append("space before {");
            }
            case 4 -> {
                String tail = new String[]{"x", "{}", " 1", "}", ",", "\u0000"}[r.nextInt(6)];
                h.header = (t + tail).getBytes(UTF_8);
                how.append("after the object: ").append(tail.replace("\u0000", "NUL"));
            }
            default -> {
                h.header = (t.substring(0, t.length() - 1)).getBytes(UTF_8);
                how.append("no closing brace");
            }
        }
        return true;
    }

    /** Changes that keep the file valid: key order, whitespace, escaped key characters, the data's layout. */
    private static void valid(SplittableRandom r, Header h, StringBuilder how) {
        SafeTensorsFile f = h.f;
        switch (r.nextInt(4)) {
            case 0 -> {
                Collections.shuffle(h.members, new Random(r.nextLong()));
                how.append("members reordered");
            }
            case 1 -> {
                h.header = h.text().replace(",", " ,\n\t").replace(":", "\r: ").getBytes(UTF_8);
                how.append("whitespace");
            }
            case 2 -> {
                String t = h.text();
                var m = Pattern.compile("\"([a-z])").matcher(t);
                if (m.find()) t = t.substring(0, m.start(1)) + String.format("\\u%04x", (int) t.charAt(m.start(1))) + t.substring(m.end(1));
                h.header = t.getBytes(UTF_8);
                how.append("a string character written as a \\u escape");
            }
            default -> {
                List<Entry> order = new ArrayList<>(f.entries);
                Collections.shuffle(order, new Random(r.nextLong()));
                byte[] data = new byte[0];
                for (Entry e : order) {
                    long b = Long.parseLong(e.begin), end = Long.parseLong(e.end);
                    byte[] part = Arrays.copyOfRange(f.data, (int) b, (int) end);
                    e.begin = Long.toString(data.length);
                    e.end = Long.toString(data.length + part.length);
                    data = Mutate.concat(data, part);
                }
                f.data = data;
                h.members = f.members();
                how.append("data laid out in another order");
            }
        }
    }
}
