package jgrad.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jgrad.io.AtomicFile;
import jgrad.models.LayerKind;
import jgrad.models.Layers;
import jgrad.models.Onnx;
import jgrad.nn.Module;
import jgrad.nn.Sequential;
import jgrad.tensor.Shapes;

/**
 * Writes a network as an ONNX model of its inference, {@code y = layerₙ(…layer₂(layer₁(x)))}, one
 * ONNX operator a layer (IR version 8, opset 17), for ONNX Runtime and other ONNX tools:
 * <pre>
 *   input:  float32 [N, inputShape…]   →   output: float32 [N, …]   (N symbolic: dim_param "N")
 * </pre>
 * Each layer is written by its kind's entry in {@link Layers} (the kinds a spec can name; their
 * modules are the ones exported): for example Linear as Gemm(transB=1), Conv2d as Conv, BatchNorm1d
 * and BatchNorm2d as BatchNormalization with the running statistics, Softmax as Softmax(axis),
 * LayerNorm as LayerNormalization, Dropout and Dropout2d as nothing (the identity in inference).
 * A {@code Sequential} is its layers, in order, at any depth.
 * Parameters: the layers in the order the network's forward applies them (a {@code Sequential}
 * gives its own), the input's shape without the batch dimension ({@code {1, 28, 28}} for images,
 * {@code {784}} for flat vectors), and the file to write.
 *
 * <p>The graph computes what the network computes after {@code eval()}, whatever mode it is in, as
 * {@code torch.onnx.export} does by default (here with {@code dynamic_axes} making the batch
 * dimension "N"); a batch norm uses its running statistics. As there, the initializers are named
 * by the state-dict keys ({@code fc1.weight}, {@code batch_norm1.running_var}) and the nodes by the
 * layers ({@code /fc1/Gemm}). A layer type not in the table, a Flatten that keeps more than the
 * batch dimension, or a layer that does not fit the shape it gets is an
 * {@link IllegalArgumentException} naming the layer and the shapes, and no file is written. The
 * file is written to a temporary file in the same directory, forced to disk and renamed, so no
 * reader ever sees half a model under its name.
 * <pre>{@code
 * OnnxExport.write(new Sequential(new Flatten(), new Linear(784, 10)), new int[]{1, 28, 28}, Path.of("linear.onnx"));
 * ComplexNet net = …;  // not a Sequential: list its layers in the order its forward applies them
 * OnnxExport.write(net, List.of(new Flatten(), net.fc1, net.batchNorm1, net.relu, net.fc2, …, net.fc4),
 *         new int[]{1, 28, 28}, Path.of("complex.onnx"));
 * }</pre>
 */
public final class OnnxExport {
    private OnnxExport() {}

    /** Exports {@code model}'s layers; initializers are named as in {@code model.stateDict()} ({@code 0.weight}). */
    public static void write(Sequential model, int[] inputShape, Path out) throws IOException {
        write(model, List.of(model), inputShape, out);
    }

    /**
     * Exports the layers in the order given, each applied to the previous one's output; they are
     * named by position as in {@code new Sequential(layers)}, so {@code 0.weight}, {@code 2.running_mean}.
     */
    public static void write(List<? extends Module> layersInForwardOrder, int[] inputShape, Path out) throws IOException {
        write(null, layersInForwardOrder, inputShape, out);
    }

    /**
     * Exports the layers in the order given, a layer of {@code model} named by its path there (so the
     * initializers are {@code model}'s state-dict keys), any other, like a {@code Flatten} that a
     * forward method does with {@code view}, by its position in the list.
     */
    public static void write(Module model, List<? extends Module> layersInForwardOrder, int[] inputShape, Path out) throws IOException {
        byte[] bytes = encode(model, layersInForwardOrder, inputShape);
        AtomicFile.write(out, o -> o.write(bytes));
    }

    /** The ModelProto's bytes; {@code model} may be null. */
    static byte[] encode(Module model, List<? extends Module> layers, int[] inputShape) {
        Map<Module, String> paths = new IdentityHashMap<>();
        if (model != null) collectPaths("", model, paths);
        int[] in = withBatch(inputShape), x = in;
        OnnxGraph g = new OnnxGraph();
        for (int i = 0; i < layers.size(); i++) x = layer(g, paths.getOrDefault(layers.get(i), Integer.toString(i)), layers.get(i), x);
        return g.encode(in, x);
    }

    /** Appends {@code m} applied to a value of shape {@code x} and returns the output's shape: its kind's export, from {@link Layers}. */
    private static int[] layer(OnnxGraph g, String path, Module m, int[] x) {
        if (m instanceof Sequential s) {
            // by the layers' names, so a spec's fc1=linear 256 gives fc1.weight, as its state dict does
            for (var e : s.children().entrySet()) x = layer(g, Onnx.join(path, e.getKey()), e.getValue(), x);
            return x;
        }
        LayerKind kind = Layers.forModule(m);
        if (kind == null)
            throw new IllegalArgumentException("ONNX export does not support " + m.getClass().getName() + " (layer \"" + path
                    + "\"); it exports " + String.join(", ", Layers.moduleNames()) + " and Sequential");
        return kind.onnx().apply(g, path, m, x);
    }

    /** The batch dimension (-1) and then {@code shape}, checked. */
    private static int[] withBatch(int[] shape) {
        for (int d : shape)
            if (d < 1) throw new IllegalArgumentException("ONNX export: the input shape (without the batch dimension) must be positive, got " + Shapes.str(shape));
        Shapes.numel(shape); // fits an int, as every jgrad tensor does
        int[] s = new int[shape.length + 1];
        s[0] = -1;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /** Every module under {@code m} by its dotted path; a module registered twice keeps its first path, as PyTorch's named_modules. */
    private static void collectPaths(String prefix, Module m, Map<Module, String> out) {
        out.putIfAbsent(m, prefix);
        m.children().forEach((k, c) -> collectPaths(Onnx.join(prefix, k), c, out));
    }
}
