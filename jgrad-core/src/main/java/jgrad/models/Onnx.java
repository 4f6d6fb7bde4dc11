package jgrad.models;

import java.util.List;

import jgrad.autograd.Tensor;
import jgrad.nn.Module;
import jgrad.tensor.Shapes;

/**
 * The ONNX graph a layer kind's export writes into ({@link LayerKind#onnx}): a chain of nodes,
 * each applied to the previous node's output, and the initializers (weights) they read. The ONNX
 * export (package {@code jgrad.export}, a layer above this one) builds one and encodes it (IR
 * version 8, opset 17); a layer only appends to it. Shapes here carry the batch dimension first, as -1.
 */
public interface Onnx {
    /** A node attribute, an ONNX AttributeProto of type FLOAT, INT or INTS. */
    sealed interface Attribute {
        String name();
    }

    record FloatAttribute(String name, float value) implements Attribute {}

    record IntAttribute(String name, long value) implements Attribute {}

    record IntsAttribute(String name, int... values) implements Attribute {}

    /**
     * Appends {@code op} applied to the current value and {@code weights} (initializer names); its
     * output becomes the current value. Named as PyTorch's exporter names nodes: {@code /fc1/Gemm},
     * {@code /relu/LeakyRelu_1} for the second use of one module.
     */
    void node(String op, String path, List<String> weights, Attribute... attributes);

    /**
     * Adds {@code t} as the initializer {@code name} of {@code owner} and returns the name; the same
     * module listed twice shares its initializers, two modules may not share a name.
     */
    String initializer(String name, Module owner, Tensor t);

    /** {@code prefix.name}, or {@code name} at the top: a layer's tensors are named {@code join(path, "weight")}. */
    static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** A layer as errors name it: {@code Linear "fc1"}. */
    static String name(String path, Module m) {
        return m.getClass().getSimpleName() + " \"" + path + "\"";
    }

    /** A shape with the batch dimension shown as N: {@code [N, 1, 28, 28]}. */
    static String str(int[] shape) {
        return Shapes.str(shape).replaceFirst("^\\[-1", "[N");
    }

    /** ONNX's pads list [top, left, bottom, right] for padding p (rows) and q (columns) on both sides. */
    static int[] pads(int p, int q) {
        return new int[]{p, q, p, q};
    }

    /**
     * A sliding window's output size ({@link Shapes#windowOutput}), which ONNX computes the same way
     * (ceil_mode 0); refused with the layer's name when the window does not fit.
     */
    static int windowOutput(String path, Module m, int in, int k, int s, int p, int d) {
        long out = Shapes.windowOutput(in, k, s, p, d);
        if (out < 1) throw new IllegalArgumentException(name(path, m) + " with kernel " + k + " does not fit an input of size " + in
                + " (padding " + p + ", dilation " + d + ")");
        return (int) out;
    }
}
