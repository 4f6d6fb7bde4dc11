package jgrad.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jgrad.autograd.Tensor;
import jgrad.export.OnnxGraph.FloatAttribute;
import jgrad.export.OnnxGraph.IntAttribute;
import jgrad.export.OnnxGraph.IntsAttribute;
import jgrad.nn.AdaptiveAvgPool2d;
import jgrad.nn.AvgPool2d;
import jgrad.io.AtomicFile;
import jgrad.nn.BatchNorm;
import jgrad.nn.Conv2d;
import jgrad.nn.Dropout;
import jgrad.nn.Flatten;
import jgrad.nn.LeakyReLU;
import jgrad.nn.Linear;
import jgrad.nn.MaxPool2d;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.nn.Sigmoid;
import jgrad.nn.Tanh;
import jgrad.tensor.Shapes;

/**
 * Writes a network as an ONNX model of its inference, {@code y = layerₙ(…layer₂(layer₁(x)))}, one
 * ONNX operator a layer (IR version 8, opset 17), for ONNX Runtime and other ONNX tools:
 * <pre>
 *   input:  float32 [N, inputShape…]   →   output: float32 [N, …]   (N symbolic: dim_param "N")
 *
 *   Flatten(start_dim=1)    Flatten(axis=1)
 *   Linear                  Gemm(transB=1), inputs x, weight [out, in], bias [out] (when it has one)
 *   ReLU, Sigmoid, Tanh     Relu, Sigmoid, Tanh
 *   LeakyReLU(slope)        LeakyRelu(alpha=slope)
 *   Conv2d                  Conv(kernel_shape, strides, pads, dilations, group), inputs x, weight, bias (when it has one)
 *   MaxPool2d               MaxPool(kernel_shape, strides, pads, dilations); padding is −∞ in both
 *   AvgPool2d               AveragePool(kernel_shape, strides, pads, count_include_pad=1), PyTorch's default
 *   AdaptiveAvgPool2d       GlobalAveragePool for output 1×1; AveragePool(kernel = stride = H/Ho, W/Wo) when the
 *                           output size divides the input's, where the two are the same bins; otherwise refused
 *   BatchNorm1d, BatchNorm2d BatchNormalization(epsilon), inputs x, weight, bias, running_mean, running_var
 *                           (affine=False: constant ones and zeros, named &lt;layer&gt;.ones and &lt;layer&gt;.zeros)
 *   Dropout, Dropout2d      nothing: the identity in inference
 *   Sequential              its layers, in order, at any depth
 * </pre>
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

    /** Appends {@code m} applied to a value of shape {@code x} and returns the output's shape: one case a layer type. */
    private static int[] layer(OnnxGraph g, String path, Module m, int[] x) {
        return switch (m) {
            case Sequential s -> {
                // by the layers' names, so a spec's fc1=linear 256 gives fc1.weight, as its state dict does
                for (var e : s.children().entrySet()) x = layer(g, join(path, e.getKey()), e.getValue(), x);
                yield x;
            }
            case Flatten f -> flatten(g, path, f, x);
            case Linear l -> gemm(g, path, l, x);
            case Conv2d c -> conv(g, path, c, x);
            case MaxPool2d p -> pool(g, "MaxPool", path, p, x, p.kernelSize(), p.stride(), p.padding(), p.dilation());
            case AvgPool2d p -> pool(g, "AveragePool", path, p, x, p.kernelSize(), p.stride(), p.padding(), 1);
            case AdaptiveAvgPool2d p -> adaptiveAvgPool(g, path, p, x);
            case BatchNorm b -> batchNorm(g, path, b, x);
            case ReLU _ -> elementwise(g, "Relu", path, x);
            case LeakyReLU l -> elementwise(g, "LeakyRelu", path, x, new FloatAttribute("alpha", l.negativeSlope()));
            case Sigmoid _ -> elementwise(g, "Sigmoid", path, x);
            case Tanh _ -> elementwise(g, "Tanh", path, x);
            case Dropout _ -> x;
            default -> throw new IllegalArgumentException("ONNX export does not support " + m.getClass().getName() + " (layer \"" + path
                    + "\"); it exports Flatten, Linear, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, ReLU, LeakyReLU, Sigmoid, Tanh, "
                    + "BatchNorm1d, BatchNorm2d, Dropout, Dropout2d and Sequential");
        };
    }

    private static int[] flatten(OnnxGraph g, String path, Flatten f, int[] x) {
        int start = f.startDim() < 0 ? f.startDim() + x.length : f.startDim();
        if (start != 1 || x.length < 2)
            throw new IllegalArgumentException(name(path, f) + " with start_dim=" + f.startDim() + " gets input " + str(x)
                    + ": ONNX Flatten always gives [N, features], which only start_dim=1 on 2 or more dimensions matches");
        g.node("Flatten", path, List.of(), new IntAttribute("axis", 1));
        return new int[]{-1, Shapes.inner(x, 0)};
    }

    private static int[] gemm(OnnxGraph g, String path, Linear l, int[] x) {
        int[] w = l.weight.shape();
        if (x.length != 2 || x[1] != w[1])
            throw new IllegalArgumentException(name(path, l) + " with weight " + Shapes.str(w) + " [out, in] gets input " + str(x)
                    + (x.length != 2 ? "; ONNX Gemm takes [N, in] (a Flatten before it makes one)" : ""));
        List<String> weights = new ArrayList<>(List.of(g.initializer(join(path, "weight"), l, l.weight)));
        if (l.bias != null) weights.add(g.initializer(join(path, "bias"), l, l.bias));
        g.node("Gemm", path, weights, new IntAttribute("transB", 1));
        return new int[]{-1, w[0]};
    }

    private static int[] conv(OnnxGraph g, String path, Conv2d c, int[] x) {
        int[] w = c.weight.shape(), k = c.kernelSize(), s = c.stride(), p = c.padding(), d = c.dilation();
        if (x.length != 4 || x[1] != c.inChannels)
            throw new IllegalArgumentException(name(path, c) + " with weight " + Shapes.str(w) + " [out, in/groups, kH, kW] takes [N, "
                    + c.inChannels + ", H, W] but gets input " + str(x));
        int[] out = {-1, c.outChannels, outSize(path, c, x[2], k[0], s[0], p[0], d[0]), outSize(path, c, x[3], k[1], s[1], p[1], d[1])};
        List<String> weights = new ArrayList<>(List.of(g.initializer(join(path, "weight"), c, c.weight)));
        if (c.bias != null) weights.add(g.initializer(join(path, "bias"), c, c.bias));
        g.node("Conv", path, weights, new IntsAttribute("dilations", d), new IntAttribute("group", c.groups),
                new IntsAttribute("kernel_shape", k), new IntsAttribute("pads", pads(p[0], p[1])), new IntsAttribute("strides", s));
        return out;
    }

    /** MaxPool or AveragePool with a square window, stride and padding; AveragePool counts the padding, as PyTorch's AvgPool2d. */
    private static int[] pool(OnnxGraph g, String op, String path, Module m, int[] x, int k, int s, int p, int d) {
        if (x.length != 4) throw new IllegalArgumentException(name(path, m) + " takes [N, C, H, W] but gets input " + str(x));
        int[] out = {-1, x[1], outSize(path, m, x[2], k, s, p, d), outSize(path, m, x[3], k, s, p, d)};
        List<OnnxGraph.Attribute> a = new ArrayList<>();
        if (op.equals("AveragePool")) a.add(new IntAttribute("count_include_pad", 1));
        else a.add(new IntsAttribute("dilations", d, d));
        a.add(new IntsAttribute("kernel_shape", k, k));
        a.add(new IntsAttribute("pads", pads(p, p)));
        a.add(new IntsAttribute("strides", s, s));
        g.node(op, path, List.of(), a.toArray(OnnxGraph.Attribute[]::new));
        return out;
    }

    private static int[] adaptiveAvgPool(OnnxGraph g, String path, AdaptiveAvgPool2d m, int[] x) {
        int[] o = m.outputSize();
        if (x.length != 4) throw new IllegalArgumentException(name(path, m) + " takes [N, C, H, W] but gets input " + str(x));
        if (o[0] == 1 && o[1] == 1) {
            g.node("GlobalAveragePool", path, List.of());
            return new int[]{-1, x[1], 1, 1};
        }
        if (x[2] % o[0] != 0 || x[3] % o[1] != 0)
            throw new IllegalArgumentException(name(path, m) + " to " + o[0] + "×" + o[1] + " gets input " + str(x)
                    + ": ONNX has no adaptive pooling, and its bins of unequal sizes match no AveragePool (an output size that "
                    + "divides the input's, or 1, exports)");
        int kh = x[2] / o[0], kw = x[3] / o[1];
        g.node("AveragePool", path, List.of(), new IntsAttribute("kernel_shape", kh, kw), new IntsAttribute("strides", kh, kw));
        return new int[]{-1, x[1], o[0], o[1]};
    }

    /** ONNX's pads list [top, left, bottom, right] for padding p (rows) and q (columns) on both sides. */
    private static int[] pads(int p, int q) {
        return new int[]{p, q, p, q};
    }

    /** PyTorch's output size ⌊(in + 2p − d·(k − 1) − 1) / s⌋ + 1, which ONNX computes the same way (ceil_mode 0). */
    private static int outSize(String path, Module m, int in, int k, int s, int p, int d) {
        int out = Math.floorDiv(in + 2 * p - d * (k - 1) - 1, s) + 1;
        if (out < 1) throw new IllegalArgumentException(name(path, m) + " with kernel " + k + " does not fit an input of size " + in
                + " (padding " + p + ", dilation " + d + ")");
        return out;
    }

    private static int[] batchNorm(OnnxGraph g, String path, BatchNorm b, int[] x) {
        int c = b.runningMean.numel();
        if (x.length < 2 || x[1] != c)
            throw new IllegalArgumentException(name(path, b) + " normalises [N, " + c + (x.length > 2 ? ", *" : "") + "] but gets input " + str(x));
        boolean affine = b.weight != null;
        List<String> inputs = List.of(
                g.initializer(join(path, affine ? "weight" : "ones"), b, affine ? b.weight : Tensor.ones(c)),
                g.initializer(join(path, affine ? "bias" : "zeros"), b, affine ? b.bias : Tensor.zeros(c)),
                g.initializer(join(path, "running_mean"), b, b.runningMean),
                g.initializer(join(path, "running_var"), b, b.runningVar));
        g.node("BatchNormalization", path, inputs, new FloatAttribute("epsilon", b.eps()));
        return x;
    }

    private static int[] elementwise(OnnxGraph g, String op, String path, int[] x, OnnxGraph.Attribute... attributes) {
        g.node(op, path, List.of(), attributes);
        return x;
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
        m.children().forEach((k, c) -> collectPaths(join(prefix, k), c, out));
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    private static String name(String path, Module m) {
        return m.getClass().getSimpleName() + " \"" + path + "\"";
    }

    /** A shape with the batch dimension shown as N: {@code [N, 1, 28, 28]}. */
    private static String str(int[] shape) {
        return Shapes.str(shape).replaceFirst("^\\[-1", "[N");
    }
}
