package jgrad.nn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jgrad.autograd.Tensor;
import jgrad.tensor.Shapes;

/**
 * Saves and loads a {@link Module#stateDict()} in the safetensors format, which PyTorch reads with
 * {@code safetensors.torch.load_file}:
 * <pre>
 *   [8 bytes: header length N, little-endian u64][N bytes: JSON header][tensor data, little-endian]
 *   header: {"fc1.weight": {"dtype": "F32", "shape": [256, 784], "data_offsets": [begin, end]}, ...}
 * </pre>
 * jgrad writes every tensor as F32 (so {@code num_batches_tracked} too) and reads F32, F64 and I64
 * (PyTorch saves {@code num_batches_tracked} as I64). Files are written to a temporary file in the
 * same directory and then renamed, so a crash never leaves a half-written model under the name.
 *
 * <pre>{@code
 * SafeTensors.save(net.stateDict(), Path.of("net.safetensors"));
 * net.loadStateDict(SafeTensors.load(Path.of("net.safetensors")));
 * }</pre>
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Larger headers are refused before they are read, like the reference implementation does. */
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /** Writes {@code tensors} to {@code file} atomically. */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (var e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (int d : e.getValue().shape()) shape.add(d);
            long end = offset + 4L * e.getValue().numel();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // data starts 8-byte aligned; the format pads with spaces
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // a fresh name in the same directory (so the rename is atomic), created with the usual permissions
        Path tmp = dir.resolve("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded).put(json);
                while (head.hasRemaining()) head.put((byte) ' ');
                out.write(head.array());
                for (Tensor t : tensors.values()) {
                    ByteBuffer data = ByteBuffer.allocate(4 * t.numel()).order(ByteOrder.LITTLE_ENDIAN);
                    data.asFloatBuffer().put(t.data());
                    out.write(data.array());
                }
                ch.force(true); // on disk before the rename makes it visible
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads every tensor of {@code file}, in header order; a malformed file is an error naming it and the problem. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "only " + size + " bytes: too short for the 8-byte header length");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.flip().getLong();
            if (n < 2 || n > MAX_HEADER || n > size - 8)
                throw bad(file, "header length " + n + " does not fit a file of " + size + " bytes");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(hb.array());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw bad(file, "header is not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (header == null || !header.isObject()) throw bad(file, "header is not a JSON object");
            long dataStart = 8 + n, dataSize = size - dataStart;
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var it = header.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                out.put(e.getKey(), readTensor(file, ch, e.getKey(), e.getValue(), dataStart, dataSize));
            }
            return out;
        }
    }

    private static Tensor readTensor(Path file, FileChannel ch, String name, JsonNode t, long dataStart, long dataSize) throws IOException {
        String dtype = t.path("dtype").asText("");
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F64", "I64" -> 8;
            default -> throw bad(file, "tensor " + name + " has dtype '" + dtype + "'; jgrad reads F32, F64 and I64");
        };
        JsonNode shapeNode = t.path("shape"), offsets = t.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2)
            throw bad(file, "tensor " + name + " needs a shape array and two data_offsets");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = shapeNode.get(i).asLong(-1);
            if (d < 0 || d > Integer.MAX_VALUE) throw bad(file, "tensor " + name + " has dimension " + shapeNode.get(i));
            shape[i] = (int) d;
        }
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        int count;
        try {
            count = Shapes.numel(shape);
        } catch (IllegalArgumentException e) {
            throw bad(file, "tensor " + name + ": " + e.getMessage());
        }
        if (begin < 0 || end < begin || end > dataSize || end - begin != (long) count * width)
            throw bad(file, "tensor " + name + " of shape " + Shapes.str(shape) + " and dtype " + dtype + " needs "
                    + (long) count * width + " bytes, but its data_offsets [" + begin + ", " + end + "] give "
                    + (end - begin) + (end > dataSize ? " and end past the " + dataSize + " data bytes (truncated file?)" : ""));
        ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, dataStart + begin);
        buf.flip();
        float[] data = new float[count];
        for (int i = 0; i < count; i++) {
            if (dtype.equals("I64")) {
                long v = buf.getLong();
                if (Math.abs(v) > 1L << 24) // float32 holds every integer up to 2^24, not beyond
                    throw bad(file, "tensor " + name + " holds the integer " + v + ", which float32 cannot represent exactly");
                data[i] = v;
            } else data[i] = dtype.equals("F32") ? buf.getFloat() : (float) buf.getDouble();
        }
        return Tensor.of(data, shape);
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
