package jgrad.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A protobuf message decoded without its schema, for tests to look inside exported files: each
 * field number maps to its values in order, a varint as a Long, a fixed32 as a Float, a
 * length-delimited field as its bytes (a string, a nested message or packed values).
 */
record ProtoReader(Map<Integer, List<Object>> fields) {
    static ProtoReader parse(byte[] b) {
        Map<Integer, List<Object>> fields = new LinkedHashMap<>();
        int[] pos = {0};
        while (pos[0] < b.length) {
            long key = varint(b, pos);
            Object value = switch ((int) (key & 7)) {
                case 0 -> varint(b, pos);
                case 2 -> {
                    int n = (int) varint(b, pos);
                    pos[0] += n;
                    yield Arrays.copyOfRange(b, pos[0] - n, pos[0]);
                }
                case 5 -> {
                    pos[0] += 4;
                    yield ByteBuffer.wrap(b, pos[0] - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
                }
                default -> throw new IllegalArgumentException("wire type " + (key & 7) + " at byte " + pos[0]);
            };
            fields.computeIfAbsent((int) (key >>> 3), k -> new ArrayList<>()).add(value);
        }
        return new ProtoReader(fields);
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) return v;
        }
    }

    List<Object> all(int field) {
        return fields.getOrDefault(field, List.of());
    }

    long varint(int field) {
        return (Long) all(field).getFirst();
    }

    String string(int field) {
        return new String((byte[]) all(field).getFirst(), StandardCharsets.UTF_8);
    }

    ProtoReader message(int field) {
        return parse((byte[]) all(field).getFirst());
    }

    List<ProtoReader> messages(int field) {
        return all(field).stream().map(v -> parse((byte[]) v)).toList();
    }

    List<String> strings(int field) {
        return all(field).stream().map(v -> new String((byte[]) v, StandardCharsets.UTF_8)).toList();
    }
}
