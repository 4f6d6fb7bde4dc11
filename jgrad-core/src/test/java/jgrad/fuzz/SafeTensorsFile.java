package jgrad.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A safetensors file as editable JSON text, for mutations below the JSON parser's level, and the
 * format's rules written out on their own (independently of {@code SafeTensors}) as the
 * reference that says which files are valid and what they hold.
 */
final class SafeTensorsFile {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One tensor entry, every value kept as raw JSON text so that a mutation can make it anything. */
    static final class Entry {
        String key, dtype, begin, end;
        List<String> shape;
        final List<String> extra = new ArrayList<>(); // further raw "name":value members

        Entry(String key, String dtype, List<String> shape, String begin, String end) {
            this.key = key;
            this.dtype = dtype;
            this.shape = new ArrayList<>(shape);
            this.begin = begin;
            this.end = end;
        }

        Entry copy() {
            Entry e = new Entry(key, dtype, shape, begin, end);
            e.extra.addAll(extra);
            return e;
        }

        String json() {
            List<String> members = new ArrayList<>(List.of("\"dtype\":" + dtype, "\"shape\":[" + String.join(",", shape) + "]",
                    "\"data_offsets\":[" + begin + "," + end + "]"));
            members.addAll(extra);
            return quote(key) + ":{" + String.join(",", members) + "}";
        }
    }

    /** The entries, the raw {@code __metadata__} value (or null) and where it stands, and the data section. */
    final List<Entry> entries = new ArrayList<>();
    String metadata;
    int metadataAt;
    byte[] data;

    SafeTensorsFile copy() {
        SafeTensorsFile f = new SafeTensorsFile();
        for (Entry e : entries) f.entries.add(e.copy());
        f.metadata = metadata;
        f.metadataAt = metadataAt;
        f.data = data.clone();
        return f;
    }

    /** The members of the top-level object, as raw text. */
    List<String> members() {
        List<String> m = new ArrayList<>();
        for (Entry e : entries) m.add(e.json());
        if (metadata != null) m.add(Math.min(metadataAt, m.size()), "\"__metadata__\":" + metadata);
        return m;
    }

    static String json(List<String> members) {
        return "{" + String.join(",", members) + "}";
    }

    /** The file: header length, the header padded with spaces to 8 bytes as writers do, the data. */
    byte[] bytes(byte[] header, long lengthDelta) {
        int padded = (header.length + 7) / 8 * 8;
        var out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded + lengthDelta).array());
        out.writeBytes(header);
        for (int i = header.length; i < padded; i++) out.write(' ');
        out.writeBytes(data);
        return out.toByteArray();
    }

    static SafeTensorsFile parse(byte[] file) throws JsonProcessingException {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode root = JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        SafeTensorsFile f = new SafeTensorsFile();
        int i = 0;
        for (var p : root.properties()) {
            JsonNode v = p.getValue();
            if (p.getKey().equals("__metadata__")) {
                f.metadata = v.toString();
                f.metadataAt = i;
                continue;
            }
            List<String> shape = new ArrayList<>();
            v.get("shape").forEach(d -> shape.add(d.toString()));
            f.entries.add(new Entry(p.getKey(), v.get("dtype").toString(), shape,
                    v.get("data_offsets").get(0).toString(), v.get("data_offsets").get(1).toString()));
            i++;
        }
        f.data = java.util.Arrays.copyOfRange(file, 8 + (int) n, file.length);
        return f;
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** What a valid file holds, tensor by tensor in header order: shape and float32 bit patterns. */
    record Tensor(int[] shape, int[] bits) {}

    record Expected(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    /**
     * The reference: what a valid file holds, or null when the file breaks a rule of the format
     * (or one of jgrad's: dtypes F32, F64, I64; I64 values within ±2^24; int-sized shapes).
     */
    static Expected reference(byte[] b) {
        if (b.length < 8) return null;
        BigInteger n = new BigInteger(1, reversed(b, 0, 8));
        if (n.compareTo(BigInteger.valueOf(100_000_000)) > 0 || n.longValue() + 8 > b.length) return null;
        int start = 8 + n.intValue();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, 8, n.intValue())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        JsonNode root;
        try {
            root = text.startsWith("{") ? JSON.readTree(text) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
        if (root == null || !root.isObject()) return null;
        Map<String, String> metadata = new LinkedHashMap<>();
        record Range(String key, long begin, long end, String dtype, int[] shape) {}
        List<Range> ranges = new ArrayList<>();
        for (var p : root.properties()) {
            JsonNode v = p.getValue();
            if (p.getKey().equals("__metadata__")) {
                if (!v.isObject()) return null;
                for (var m : v.properties()) {
                    if (!m.getValue().isTextual()) return null;
                    metadata.put(m.getKey(), m.getValue().textValue());
                }
                continue;
            }
            if (!v.isObject() || !Set.copyOf(iterable(v.fieldNames())).equals(Set.of("dtype", "shape", "data_offsets"))) return null;
            JsonNode dtype = v.get("dtype"), shape = v.get("shape"), offsets = v.get("data_offsets");
            int width = !dtype.isTextual() ? 0 : switch (dtype.textValue()) {
                case "F32" -> 4;
                case "F64", "I64" -> 8;
                default -> 0;
            };
            if (width == 0 || !shape.isArray() || !offsets.isArray() || offsets.size() != 2) return null;
            int[] dims = new int[shape.size()];
            BigInteger numel = BigInteger.ONE;
            for (int i = 0; i < dims.length; i++) {
                BigInteger d = natural(shape.get(i));
                if (d == null || d.compareTo(INT_MAX) > 0) return null;
                dims[i] = d.intValue();
                numel = numel.multiply(d);
            }
            BigInteger begin = natural(offsets.get(0)), end = natural(offsets.get(1));
            if (numel.compareTo(INT_MAX) > 0 || begin == null || end == null || !end.subtract(begin).equals(numel.multiply(BigInteger.valueOf(width))) || end.compareTo(BigInteger.valueOf(b.length)) > 0)
                return null;
            ranges.add(new Range(p.getKey(), begin.longValue(), end.longValue(), dtype.textValue(), dims));
        }
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
        long cursor = 0;
        for (Range r : sorted) {
            if (r.begin() != cursor) return null; // a hole or an overlap
            cursor = r.end();
        }
        if (cursor != b.length - start) return null;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Range r : ranges) {
            ByteBuffer d = ByteBuffer.wrap(b, start + (int) r.begin(), (int) (r.end() - r.begin())).slice().order(ByteOrder.LITTLE_ENDIAN);
            int[] bits = new int[(int) ((r.end() - r.begin()) / (r.dtype().equals("F32") ? 4 : 8))];
            for (int i = 0; i < bits.length; i++) {
                switch (r.dtype()) {
                    case "F32" -> bits[i] = Float.floatToIntBits(d.getFloat());
                    case "F64" -> bits[i] = Float.floatToIntBits((float) d.getDouble());
                    default -> {
                        long v = d.getLong();
                        if (v > 1 << 24 || v < -(1 << 24)) return null;
                        bits[i] = Float.floatToIntBits(v);
                    }
                }
            }
            tensors.put(r.key(), new Tensor(r.shape(), bits));
        }
        return new Expected(tensors, metadata);
    }

    /** A JSON integer ≥ 0 (never a float like 24.0), or null. */
    private static BigInteger natural(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.bigIntegerValue().signum() >= 0 ? n.bigIntegerValue() : null;
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    private static byte[] reversed(byte[] b, int from, int n) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) r[i] = b[from + n - 1 - i];
        return r;
    }
}
