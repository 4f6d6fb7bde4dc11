package jgrad.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jgrad.autograd.Tensor;
import jgrad.models.Onnx;
import jgrad.nn.Module;

/**
 * An ONNX graph under construction, one chain of nodes from {@code input} to {@code output}, which the
 * layer kinds' exports append to ({@link Onnx}), and its
 * encoding as a {@code ModelProto} of the official {@code onnx.proto}: IR version 8, default-domain
 * opset 17, producer "jgrad", float32 values whose first dimension is the symbolic batch "N".
 * <pre>
 *   ModelProto   { ir_version 1, producer_name 2, graph 7, opset_import 8 {version 2} }
 *   GraphProto   { node 1, name 2, initializer 5, input 11, output 12 }
 *   NodeProto    { input 1, output 2, name 3, op_type 4, attribute 5 }
 *   AttributeProto { name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7) }
 *   TensorProto  { dims 1, data_type 2 (FLOAT 1), float_data 4 [packed], name 8 }
 *   ValueInfoProto { name 1, type 2 }  TypeProto { tensor_type 1 { elem_type 1, shape 2 } }
 *   TensorShapeProto { dim 1 { dim_value 1 | dim_param 2 } }
 * </pre>
 * Fields are written in field-number order, as protobuf's own serializers write them. Shapes here
 * use -1 for the batch dimension.
 */
final class OnnxGraph implements Onnx {
    static final int IR_VERSION = 8, OPSET = 17;
    static final String INPUT = "input", OUTPUT = "output";
    private static final int TENSOR_FLOAT = 1, ATTRIBUTE_FLOAT = 1, ATTRIBUTE_INT = 2, ATTRIBUTE_INTS = 7;

    private record Node(String op, String name, List<String> inputs, String output, Attribute[] attributes) {}

    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> nodeNames = new HashSet<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Map<String, Module> initializerOwners = new HashMap<>();
    private String value = INPUT;

    /**
     * Appends {@code op} applied to the current value and {@code weights} (initializer names); its
     * output becomes the current value. Named as PyTorch's exporter names nodes: {@code /fc1/Gemm},
     * {@code /relu/LeakyRelu_1} for the second use of one module.
     */
    @Override
    public void node(String op, String path, List<String> weights, Attribute... attributes) {
        String base = "/" + (path.isEmpty() ? "" : path.replace('.', '/') + "/") + op, name = base;
        for (int k = 1; !nodeNames.add(name); k++) name = base + "_" + k;
        List<String> inputs = new ArrayList<>(List.of(value));
        inputs.addAll(weights);
        value = name + "_output_0";
        nodes.add(new Node(op, name, inputs, value, attributes));
    }

    /**
     * Adds {@code t} as the initializer {@code name} of {@code owner} and returns the name; the same
     * module listed twice shares its initializers, two modules may not share a name.
     */
    @Override
    public String initializer(String name, Module owner, Tensor t) {
        Module previous = initializerOwners.putIfAbsent(name, owner);
        if (previous == null) initializers.put(name, t);
        else if (previous != owner)
            throw new IllegalArgumentException("ONNX export: two different modules would both name their tensor \"" + name
                    + "\" (a " + previous.getClass().getSimpleName() + " and a " + owner.getClass().getSimpleName()
                    + "); pass the model that owns them so the names are its state-dict keys");
        return name;
    }

    /** The serialized ModelProto, the last node's output renamed {@code output} (an Identity when there is none). */
    byte[] encode(int[] inputShape, int[] outputShape) {
        if (nodes.isEmpty()) node("Identity", "", List.of());
        Node last = nodes.removeLast();
        nodes.add(new Node(last.op, last.name, last.inputs, OUTPUT, last.attributes));
        ProtoWriter graph = new ProtoWriter();
        for (Node n : nodes) graph.message(1, node(n));
        graph.string(2, "main_graph"); // the name PyTorch's exporter gives every graph
        initializers.forEach((name, t) -> graph.message(5, tensor(name, t)));
        graph.message(11, valueInfo(INPUT, inputShape));
        graph.message(12, valueInfo(OUTPUT, outputShape));
        return new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "jgrad")
                .message(7, graph)
                .message(8, new ProtoWriter().varint(2, OPSET)) // domain absent: the default ONNX domain
                .toByteArray();
    }

    private static ProtoWriter node(Node n) {
        ProtoWriter w = new ProtoWriter();
        for (String in : n.inputs) w.string(1, in);
        w.string(2, n.output).string(3, n.name).string(4, n.op);
        for (Attribute a : n.attributes) {
            ProtoWriter attr = new ProtoWriter().string(1, a.name());
            switch (a) {
                case FloatAttribute f -> attr.floatField(2, f.value()).varint(20, ATTRIBUTE_FLOAT);
                case IntAttribute i -> attr.varint(3, i.value()).varint(20, ATTRIBUTE_INT);
                case IntsAttribute is -> {
                    for (int v : is.values()) attr.varint(8, v); // unpacked, as protobuf writes a proto2 repeated int64
                    attr.varint(20, ATTRIBUTE_INTS);
                }
            }
            w.message(5, attr);
        }
        return w;
    }

    private static ProtoWriter tensor(String name, Tensor t) {
        ProtoWriter w = new ProtoWriter();
        for (int d : t.shape()) w.varint(1, d); // dims is a plain (unpacked) repeated int64 in onnx.proto
        return w.varint(2, TENSOR_FLOAT).packedFloats(4, t.data()).string(8, name);
    }

    private static ProtoWriter valueInfo(String name, int[] shape) {
        ProtoWriter dims = new ProtoWriter();
        for (int d : shape) dims.message(1, d < 0 ? new ProtoWriter().string(2, "N") : new ProtoWriter().varint(1, d));
        ProtoWriter tensorType = new ProtoWriter().varint(1, TENSOR_FLOAT).message(2, dims);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
