package jgrad.export;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jgrad.autograd.Tensor;
import jgrad.models.ComplexNet;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.Flatten;
import jgrad.nn.Linear;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.tensor.Rng;

/** The bytes jgrad writes, read back field by field against the official onnx.proto numbering. */
class OnnxFormatTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void wireFormatMatchesTheProtobufEncoding() {
        assertArrayEquals(bytes(0x08, 0xAC, 0x02), new ProtoWriter().varint(1, 300).toByteArray());
        assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), new ProtoWriter().varint(1, -1).toByteArray(),
                "a negative int64 is ten bytes");
        assertArrayEquals(bytes(0xA0, 0x01, 0x02), new ProtoWriter().varint(20, 2).toByteArray(), "field 20's key takes two bytes");
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().floatField(2, 1f).toByteArray());
        assertArrayEquals(bytes(0x1A, 0x05, 'j', 'g', 'r', 'a', 'd'), new ProtoWriter().string(3, "jgrad").toByteArray());
        assertArrayEquals(bytes(0x22, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0),
                new ProtoWriter().packedFloats(4, new float[]{1f, -2f}).toByteArray());
        assertArrayEquals(bytes(0x42, 0x02, 0x10, 0x11), new ProtoWriter().message(8, new ProtoWriter().varint(2, 17)).toByteArray(),
                "opset_import {version: 17}");
    }

    @Test
    void largeFieldsGrowTheBufferAndKeepEveryValue() {
        float[] v = new float[100_000];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5f - 7;
        byte[] b = new ProtoWriter().varint(1, 5).packedFloats(4, v).toByteArray();
        assertEquals(2 + 1 + 3 + 4 * v.length, b.length, "key, value, key, 3-byte length, data");
        ProtoReader r = ProtoReader.parse(b);
        assertEquals(5L, r.varint(1));
        assertArrayEquals(v, floats((byte[]) r.all(4).getFirst()));
    }

    private static float[] floats(byte[] packed) {
        float[] f = new float[packed.length / 4];
        ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static ComplexNet complexNet() {
        Rng.manualSeed(3);
        return new ComplexNet();
    }

    static List<Module> layers(ComplexNet n) {
        return List.of(new Flatten(), n.fc1, n.batchNorm1, n.relu, n.fc2, n.batchNorm2, n.relu, n.fc3, n.batchNorm3, n.relu, n.fc4);
    }

    @Test
    void complexNetIsAModelProtoWithStateDictNamedInitializers() {
        ComplexNet net = complexNet();
        ProtoReader model = ProtoReader.parse(OnnxExport.encode(net, layers(net), new int[]{1, 28, 28}));
        assertEquals(8L, model.varint(1), "ir_version");
        assertEquals("jgrad", model.string(2), "producer_name");
        ProtoReader opset = model.message(8);
        assertEquals(17L, opset.varint(2));
        assertTrue(opset.all(1).isEmpty(), "no domain: the default ONNX operator set");

        ProtoReader graph = model.message(7);
        List<ProtoReader> nodes = graph.messages(1);
        assertEquals(List.of("Flatten", "Gemm", "BatchNormalization", "LeakyRelu", "Gemm", "BatchNormalization", "LeakyRelu",
                "Gemm", "BatchNormalization", "LeakyRelu", "Gemm"), nodes.stream().map(n -> n.string(4)).toList());
        assertEquals(List.of("/0/Flatten", "/fc1/Gemm", "/batch_norm1/BatchNormalization", "/relu/LeakyRelu", "/fc2/Gemm"),
                nodes.subList(0, 5).stream().map(n -> n.string(3)).toList());
        assertEquals("/relu/LeakyRelu_1", nodes.get(6).string(3), "the second use of one module gets its own node name");
        assertEquals(List.of("/fc1/Gemm_output_0", "batch_norm1.weight", "batch_norm1.bias", "batch_norm1.running_mean",
                "batch_norm1.running_var"), nodes.get(2).strings(1));
        assertEquals(List.of("input"), nodes.getFirst().strings(1));
        assertEquals(List.of("output"), nodes.getLast().strings(2));
        assertEquals(Map.of("axis", 1L), attributes(nodes.get(0)));
        assertEquals(Map.of("transB", 1L), attributes(nodes.get(1)));
        assertEquals(Map.of("epsilon", 1e-5f), attributes(nodes.get(2)));
        assertEquals(Map.of("alpha", 0.2f), attributes(nodes.get(3)));

        Map<String, Tensor> state = new LinkedHashMap<>(net.stateDict());
        state.keySet().removeIf(k -> k.endsWith("num_batches_tracked")); // not used in inference
        Set<String> names = new HashSet<>();
        for (ProtoReader t : graph.messages(5)) {
            String name = t.string(8);
            assertTrue(names.add(name), "initializer " + name + " once");
            Tensor expected = state.get(name);
            assertNotNull(expected, name + " is a state-dict key");
            assertEquals(1L, t.varint(2), "FLOAT");
            assertEquals(java.util.Arrays.stream(expected.shape()).asLongStream().boxed().toList(), t.all(1), name + " dims");
            assertArrayEquals(expected.data(), floats((byte[]) t.all(4).getFirst()), name);
        }
        assertEquals(state.keySet(), names);

        assertEquals(List.of("N", 1L, 28L, 28L), dims(graph.message(11)));
        assertEquals(List.of("N", 10L), dims(graph.message(12)));
        assertEquals("output", graph.message(12).string(1));
    }

    /** A ValueInfoProto's shape: dim_param strings and dim_value numbers. */
    private static List<Object> dims(ProtoReader valueInfo) {
        assertEquals(1L, valueInfo.message(2).message(1).varint(1), "elem_type FLOAT");
        return valueInfo.message(2).message(1).message(2).messages(1).stream()
                .map(d -> d.all(2).isEmpty() ? (Object) d.varint(1) : d.string(2)).toList();
    }

    private static Map<String, Object> attributes(ProtoReader node) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ProtoReader a : node.messages(5)) {
            long type = a.varint(20);
            out.put(a.string(1), type == 1 ? a.all(2).getFirst() : a.varint(3));
            assertTrue(type == 1 || type == 2, "FLOAT or INT");
        }
        return out;
    }

    @Test
    void sequentialNamesFollowItsStateDictAndDropoutAtTheEndLeavesNoDanglingOutput() {
        Sequential s = new Sequential(new Linear(4, 3, true, new Rng(1)), new Sequential(new ReLU(), new Linear(3, 2, false, new Rng(2))),
                new jgrad.nn.Dropout(0.5f));
        ProtoReader graph = ProtoReader.parse(OnnxExport.encode(s, List.of(s), new int[]{4})).message(7);
        assertEquals(List.of("0.weight", "0.bias", "1.1.weight"), graph.messages(5).stream().map(t -> t.string(8)).toList());
        List<ProtoReader> nodes = graph.messages(1);
        assertEquals(List.of("/0/Gemm", "/1/0/Relu", "/1/1/Gemm"), nodes.stream().map(n -> n.string(3)).toList());
        assertEquals(List.of("/1/0/Relu_output_0", "1.1.weight"), nodes.get(2).strings(1), "no bias input without a bias");
        assertEquals(List.of("output"), nodes.get(2).strings(2));
        assertEquals(List.of("N", 2L), dims(graph.message(12)));
    }

    @Test
    void batchNormWithoutAffineGetsConstantOnesAndZeros() {
        BatchNorm1d bn = new BatchNorm1d(3, 1e-3f, 0.1f, false);
        ProtoReader graph = ProtoReader.parse(OnnxExport.encode(null, List.of(bn), new int[]{3})).message(7);
        List<ProtoReader> init = graph.messages(5);
        assertEquals(List.of("0.ones", "0.zeros", "0.running_mean", "0.running_var"), init.stream().map(t -> t.string(8)).toList());
        assertArrayEquals(new float[]{1, 1, 1}, floats((byte[]) init.get(0).all(4).getFirst()));
        assertArrayEquals(new float[]{0, 0, 0}, floats((byte[]) init.get(1).all(4).getFirst()));
        assertEquals(Map.of("epsilon", 1e-3f), attributes(graph.messages(1).getFirst()));
    }

    @Test
    void noLayersIsAnIdentity() {
        ProtoReader graph = ProtoReader.parse(OnnxExport.encode(null, List.of(new jgrad.nn.Dropout(0.1f)), new int[]{5})).message(7);
        ProtoReader node = graph.messages(1).getFirst();
        assertEquals("Identity", node.string(4));
        assertEquals(List.of("input"), node.strings(1));
        assertEquals(List.of("output"), node.strings(2));
    }
}
