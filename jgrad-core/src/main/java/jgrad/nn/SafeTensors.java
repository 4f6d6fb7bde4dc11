package jgrad.nn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jgrad.autograd.Tensor;
import jgrad.io.AtomicFile;
import jgrad.tensor.Shapes;

/**
 * Saves and loads a {@link Module#stateDict()} in the safetensors format, which PyTorch reads with
 * {@code safetensors.torch.load_file}:
 * <pre>
 *   [8 bytes: header length N, little-endian u64][N bytes: JSON header, UTF-8][tensor data, little-endian]
 *   header: {"__metadata__": {"format": "pt"},
 *            "fc1.weight": {"dtype": "F32", "shape": [256, 784], "data_offsets": [begin, end]}, ...}
 * </pre>
 * jgrad writes every tensor as F32 except one whose key's last dotted part is
 * {@code num_batches_tracked}, which it writes as I64, as PyTorch does (jgrad holds that counter
 * as a float32, exact for integers up to 2^24). It reads F32, F64 (rounded to float32) and I64
 * (integers within ±2^24 only). Files are written to a temporary file in the same directory,
 * forced to disk and then renamed, so a crash never leaves a half-written model under the name.
 *
 * <p>Reading enforces every rule of the format, as the reference implementation does, so that a
 * damaged file is an {@link IOException} naming the file and the problem rather than wrong values:
 * a header length within 100,000,000 bytes and the file; a UTF-8 header that starts with
 * {@code {} and is one JSON object, with no duplicate keys and nothing after it but padding
 * spaces; every name and metadata string valid Unicode (no lone UTF-16 surrogate); every entry an object of exactly {@code dtype} (a string), {@code shape} (JSON integers
 * ≥ 0, never {@code 24.0}) and {@code data_offsets} (two JSON integers); {@code end - begin} the
 * bytes its shape and dtype need; the tensors' byte ranges tiling the data section exactly, with no
 * hole, overlap or byte left over; and {@code __metadata__}, if present, an object of strings.
 *
 * <pre>{@code
 * SafeTensors.save(net.stateDict(), Map.of("epochs", "10"), Path.of("net.safetensors"));
 * SafeTensors.Contents c = SafeTensors.read(Path.of("net.safetensors"));
 * net.loadStateDict(c.tensors());                 // or SafeTensors.load(path) for the tensors alone
 * c.metadata().get("epochs");                     // "10"
 * }</pre>
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Larger headers are refused before they are read, with the reference implementation's limit. */
    private static final long MAX_HEADER = 100_000_000;
    private static final String METADATA = "__metadata__";
    /** float32 holds every integer up to 2^24 exactly, not beyond. */
    private static final long EXACT = 1L << 24;
    private static final List<String> FIELDS = List.of("dtype", "shape", "data_offsets");

    private SafeTensors() {}

    /** A file's tensors in header order and its {@code __metadata__} (empty when it has none); both unmodifiable. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** Writes {@code tensors} to {@code file} atomically, with no metadata. */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        save(tensors, Map.of(), file);
    }

    /**
     * Writes {@code tensors} and, unless it is empty, {@code metadata} as {@code __metadata__} to
     * {@code file} atomically.
     *
     * @throws IllegalArgumentException if a key is {@code __metadata__}, or a {@code num_batches_tracked}
     *                                  tensor holds a value that is not an integer within ±2^24
     */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach((k, v) -> m.put(Objects.requireNonNull(k), Objects.requireNonNull(v, k)));
        }
        long offset = 0;
        for (var e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) throw new IllegalArgumentException("a tensor cannot be called " + METADATA);
            boolean counter = isCounter(e.getKey());
            if (counter)
                for (float v : e.getValue().data())
                    if (v != Math.rint(v) || Math.abs(v) > EXACT)
                        throw new IllegalArgumentException(e.getKey() + " holds " + v + ", not an integer within ±2^24");
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", counter ? "I64" : "F32");
            var shape = t.putArray("shape");
            for (int d : e.getValue().shape()) shape.add(d);
            long end = offset + (counter ? 8L : 4L) * e.getValue().numel();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // data starts 8-byte aligned; the format pads with spaces
        AtomicFile.write(file, out -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            out.write(head.array());
            for (var e : tensors.entrySet()) {
                float[] values = e.getValue().data();
                boolean counter = isCounter(e.getKey());
                ByteBuffer data = ByteBuffer.allocate((counter ? 8 : 4) * values.length).order(ByteOrder.LITTLE_ENDIAN);
                if (counter) for (float v : values) data.putLong((long) v);
                else data.asFloatBuffer().put(values);
                out.write(data.array());
            }
        });
    }

    /** PyTorch's batch norm counter, an int64 buffer: written as I64. */
    private static boolean isCounter(String key) {
        return key.substring(key.lastIndexOf('.') + 1).equals("num_batches_tracked");
    }

    /** Every tensor of {@code file}, in header order; see {@link #read}. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        return read(file).tensors();
    }

    /** Reads {@code file}'s tensors and metadata; a file that breaks a rule of the format is an IOException naming it and the rule. */
    public static Contents read(Path file) throws IOException {
        // the type first: opening a FIFO blocks until something writes to it
        if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, not a safetensors file");
        if (Files.exists(file) && !Files.isRegularFile(file))
            throw new IOException(file + ": is not a regular file (a FIFO, socket or device), not a safetensors file; not opened");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "only " + size + " bytes: too short for the 8-byte header length");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.flip().getLong(); // a u64: negative here means 2^63 or more
            if (n < 0 || n > MAX_HEADER)
                throw bad(file, "header length " + Long.toUnsignedString(n) + " exceeds the format's limit of " + MAX_HEADER + " bytes");
            if (n > size - 8) throw bad(file, "header length " + n + " does not fit a file of " + size + " bytes");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            JsonNode header = parse(file, hb.flip());
            Map<String, String> metadata = new LinkedHashMap<>();
            long dataStart = 8 + n, dataSize = size - dataStart;
            List<Info> infos = new ArrayList<>();
            for (var e : header.properties()) {
                unicode(file, e.getKey());
                if (e.getKey().equals(METADATA)) metadata(file, e.getValue(), metadata);
                else infos.add(info(file, e.getKey(), e.getValue(), dataSize));
            }
            checkTiling(file, infos, dataSize);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Info t : infos) tensors.put(t.name(), readTensor(file, ch, t, dataStart));
            return new Contents(tensors, metadata);
        }
    }

    /** One header entry, checked against its own rules. */
    private record Info(String name, String dtype, int width, int[] shape, int count, long begin, long end) {}

    private static JsonNode parse(Path file, ByteBuffer bytes) throws IOException {
        String text;
        try {
            // strictly UTF-8, as the format says: no other encoding detected, no malformed byte replaced
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "header is not valid UTF-8");
        }
        if (!text.startsWith("{")) throw bad(file, "header does not start with '{'");
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad(file, "header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static void metadata(Path file, JsonNode m, Map<String, String> into) throws IOException {
        if (!m.isObject()) throw bad(file, METADATA + " is not an object of strings: " + brief(m));
        for (var e : m.properties()) {
            if (!e.getValue().isTextual())
                throw bad(file, METADATA + " is not an object of strings: '" + e.getKey() + "' holds " + brief(e.getValue()));
            unicode(file, e.getKey());
            unicode(file, e.getValue().textValue());
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Info info(Path file, String name, JsonNode t, long dataSize) throws IOException {
        if (!t.isObject()) throw bad(file, "tensor " + name + " is " + brief(t) + ", not an object");
        for (String f : FIELDS) if (!t.has(f)) throw bad(file, "tensor " + name + " has no " + f);
        for (var it = t.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw bad(file, "tensor " + name + " has an unknown field '" + f + "'");
        }
        JsonNode dtypeNode = t.get("dtype"), shapeNode = t.get("shape"), offsets = t.get("data_offsets");
        if (!dtypeNode.isTextual()) throw bad(file, "tensor " + name + " has dtype " + brief(dtypeNode) + ", not a string");
        String dtype = dtypeNode.textValue();
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F64", "I64" -> 8;
            default -> throw bad(file, "tensor " + name + " has dtype '" + dtype + "'; jgrad reads F32, F64 and I64");
        };
        if (!shapeNode.isArray()) throw bad(file, "tensor " + name + " has shape " + brief(shapeNode) + ", not an array");
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            // a JSON integer only: 24.0 or 2.4e1 is refused, as the format's reference implementation does
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0)
                throw bad(file, "tensor " + name + " has shape entry " + brief(d) + ", not a JSON integer in 0.." + Integer.MAX_VALUE);
            shape[i] = d.intValue();
            count = Math.min(count * shape[i], 1L << 32); // capped, so that the product cannot wrap around
        }
        if (count > Integer.MAX_VALUE)
            throw bad(file, "tensor " + name + " of shape " + Shapes.str(shape) + " has more than 2^31-1 elements");
        if (!offsets.isArray() || offsets.size() != 2 || !natural(offsets.get(0)) || !natural(offsets.get(1)))
            throw bad(file, "tensor " + name + " has data_offsets " + brief(offsets) + ", not two JSON integers ≥ 0");
        if (!offsets.get(1).canConvertToLong() || offsets.get(1).longValue() > dataSize)
            throw bad(file, "tensor " + name + " has data_offsets " + offsets + " that end past the " + dataSize
                    + " data bytes (truncated file?)");
        long begin = offsets.get(0).canConvertToLong() ? offsets.get(0).longValue() : Long.MAX_VALUE, end = offsets.get(1).longValue();
        if (end - begin != count * width)
            throw bad(file, "tensor " + name + " of shape " + Shapes.str(shape) + " and dtype " + dtype + " needs "
                    + count * width + " bytes, but its data_offsets " + offsets + " give " + (end - begin));
        return new Info(name, dtype, width, shape, (int) count, begin, end);
    }

    /**
     * Refuses a string holding a lone UTF-16 surrogate, which a JSON escape (backslash, u, D800) can
     * spell: it is no Unicode character, and the format's header is UTF-8, which cannot encode it.
     */
    private static void unicode(Path file, String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c))
                throw bad(file, "header string \"" + s.substring(0, i).replaceAll("\\p{Cntrl}", "?") + "…\" holds a lone UTF-16 surrogate U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ", which is not Unicode");
        }
    }

    private static boolean natural(JsonNode n) {
        return n.isIntegralNumber() && n.bigIntegerValue().signum() >= 0;
    }

    /** The byte ranges, in offset order, must follow one another from 0 to the end of the file. */
    private static void checkTiling(Path file, List<Info> infos, long dataSize) throws IOException {
        List<Info> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
        long cursor = 0;
        String previous = null;
        for (Info t : sorted) {
            if (t.begin() > cursor)
                throw bad(file, "data bytes [" + cursor + ", " + t.begin() + ") belong to no tensor (a hole before tensor " + t.name() + ")");
            if (t.begin() < cursor)
                throw bad(file, "tensor " + t.name() + " at [" + t.begin() + ", " + t.end() + ") overlaps tensor " + previous
                        + ", which ends at " + cursor);
            cursor = t.end();
            previous = t.name();
        }
        if (cursor != dataSize)
            throw bad(file, "the tensors fill " + cursor + " of the " + dataSize + " data bytes (header length wrong, or bytes appended?)");
    }

    private static Tensor readTensor(Path file, FileChannel ch, Info t, long dataStart) throws IOException {
        float[] data = new float[t.count()];
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(t.end() - t.begin(), 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + t.begin();
        for (int i = 0; i < data.length; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), (long) (data.length - i) * t.width()));
            readFully(ch, buf, pos);
            pos += buf.flip().remaining();
            for (; buf.hasRemaining(); i++) {
                switch (t.dtype()) {
                    case "F32" -> data[i] = buf.getFloat();
                    case "F64" -> data[i] = (float) buf.getDouble();
                    default -> {
                        long v = buf.getLong();
                        if (v > EXACT || v < -EXACT)
                            throw bad(file, "tensor " + t.name() + " holds the integer " + v + ", outside ±2^24 where float32 is exact");
                        data[i] = v;
                    }
                }
            }
        }
        return Tensor.of(data, t.shape());
    }

    /** A JSON value for a message, cut short. */
    private static String brief(JsonNode n) {
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int r = ch.read(dst, pos);
            if (r < 0) throw new IOException("unexpected end of file");
            pos += r;
        }
    }

    private static IOException bad(Path file, String problem) {
        return new IOException(file + ": not a valid safetensors file: " + problem);
    }
}
