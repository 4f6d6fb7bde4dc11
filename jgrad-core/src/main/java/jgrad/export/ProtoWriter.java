package jgrad.export;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One Protocol Buffers message in the wire format, the part of it that ONNX files use:
 * <pre>
 *   field = key value,  key = varint(number &lt;&lt; 3 | wire type)
 *   wire type 0: varint (7 bits a byte, low group first, high bit = more follows; int64 &lt; 0 takes 10 bytes)
 *   wire type 2: varint(length) bytes   (strings, nested messages, packed repeated scalars)
 *   wire type 5: 4 bytes little-endian  (float)
 * </pre>
 * A nested message is built in its own writer and then added whole, which copies its bytes once
 * per level; ONNX graphs are a few levels deep, so that costs less than sizing every message first.
 * <pre>{@code
 * byte[] opset = new ProtoWriter().varint(2, 17).toByteArray();   // 10 11: field 2, value 17
 * }</pre>
 */
final class ProtoWriter {
    private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int VARINT = 0, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private byte[] buf = new byte[64];
    private int size;

    /** An int32, int64 or enum field; negative values take ten bytes, as protobuf encodes them. */
    ProtoWriter varint(int field, long value) {
        key(field, VARINT);
        rawVarint(value);
        return this;
    }

    ProtoWriter floatField(int field, float value) {
        key(field, FIXED32);
        ensure(4);
        FLOAT_LE.set(buf, size, value);
        size += 4;
        return this;
    }

    ProtoWriter string(int field, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        return bytes(field, b, b.length);
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.buf, message.size);
    }

    /** A {@code repeated float [packed = true]} field: one length, then 4 little-endian bytes a value. */
    ProtoWriter packedFloats(int field, float[] values) {
        key(field, LENGTH_DELIMITED);
        rawVarint(4L * values.length);
        ensure(4L * values.length);
        for (float v : values) {
            FLOAT_LE.set(buf, size, v);
            size += 4;
        }
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private ProtoWriter bytes(int field, byte[] b, int n) {
        key(field, LENGTH_DELIMITED);
        rawVarint(n);
        ensure(n);
        System.arraycopy(b, 0, buf, size, n);
        size += n;
        return this;
    }

    private void key(int field, int wireType) {
        rawVarint((long) field << 3 | wireType);
    }

    private void rawVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void ensure(long more) {
        if (buf.length - size < more) {
            long need = size + more;
            if (need > Integer.MAX_VALUE - 8)
                throw new IllegalStateException("ONNX export: the model is " + need + " bytes; a protobuf message holds at most 2 GiB");
            buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8L, 2L * buf.length)));
        }
    }
}
