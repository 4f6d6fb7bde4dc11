package jgrad.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jgrad.autograd.Convolution;
import jgrad.autograd.Tensor;
import jgrad.models.LayerKind.Shape;
import jgrad.models.Onnx.FloatAttribute;
import jgrad.models.Onnx.IntAttribute;
import jgrad.models.Onnx.IntsAttribute;
import jgrad.nn.AdaptiveAvgPool2d;
import jgrad.nn.AvgPool2d;
import jgrad.nn.BatchNorm;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Conv2d;
import jgrad.nn.Dropout;
import jgrad.nn.Dropout2d;
import jgrad.nn.Flatten;
import jgrad.nn.LayerNorm;
import jgrad.nn.LeakyReLU;
import jgrad.nn.Linear;
import jgrad.nn.MaxPool2d;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sigmoid;
import jgrad.nn.Softmax;
import jgrad.nn.Tanh;
import jgrad.tensor.Conv2dKernels;
import jgrad.tensor.PoolKernels;
import jgrad.tensor.Shapes;

/**
 * The layer kinds, one {@link LayerKind} each: the one table that {@link Spec} parses and builds
 * from, the ONNX export (package {@code jgrad.export}, a layer above) writes through, and
 * {@code jgrad train --help} and docs/networks.md print. Adding a layer is its module (in {@code jgrad.nn}) and one entry here:
 * its word and {@link Syntax}, a summary, its module class, the shape and parameter count it gives,
 * its builder and its ONNX export. Shapes are without the batch dimension except in the exports.
 * <pre>{@code
 * Layers.kind("conv").synopsis();          // "conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias]"
 * Layers.forModule(new ReLU()).word();     // "relu"
 * Layers.helpLines();                      // one line a kind, for the command line's help
 * }</pre>
 */
public final class Layers {
    private Layers() {}

    private static final List<LayerKind> KINDS = List.of(
            new LayerKind("flatten", Syntax.of(), "Flatten: [C, H, W] → [C·H·W]", List.of(Flatten.class),
                    (a, in) -> new Shape(new int[]{numel("flatten", in)}, 0),
                    (a, in, rng) -> new Flatten(),
                    Layers::flatten),
            new LayerKind("linear", Syntax.of().outputs("OUT", "output features").flag("nobias", "without a bias"),
                    "Linear(F, OUT) on [F]; the last may omit OUT",
                    List.of(Linear.class),
                    (a, in) -> {
                        need("linear", in, 1, "[features] (put flatten before it)");
                        long out = a.integer("OUT");
                        return new Shape(new int[]{(int) out}, weight("linear", (long) in[0] * out) + (a.has("nobias") ? 0 : out));
                    },
                    (a, in, rng) -> new Linear(in[0], a.integer("OUT"), !a.has("nobias"), rng),
                    Layers::gemm),
            new LayerKind("conv", Syntax.of().whole("OUT", "output channels", 1).whole("K", "kernel size", 1)
                    .flag("same", "pads so that the output keeps the input's height and width (stride 1, odd (K−1)·D)")
                    .flag("valid", "no padding, the default").option("pad", "P", "zeros added on each side", 0)
                    .option("stride", "S", "the window's step, default 1", 1).option("dilation", "D", "the spacing of the kernel's taps, default 1", 1)
                    .option("groups", "G", "input and output channels split into G groups (both divisible by G), default 1", 1)
                    .flag("nobias", "without a bias").exclusive("same", "valid", "pad"),
                    "Conv2d(C, OUT, K) on [C, H, W]", List.of(Conv2d.class),
                    (a, in) -> {
                        need("conv", in, 3, "[channels, height, width]");
                        int k = a.integer("K"), s = a.integer("stride", 1), d = a.integer("dilation", 1), g = a.integer("groups", 1);
                        int p = convPadding(a)[0];
                        var geometry = new Conv2dKernels.Geometry(0, in[0], in[1], in[2], a.integer("OUT"), k, k, s, s, p, p, d, d, g);
                        long out = geometry.cout();
                        return new Shape(new int[]{geometry.cout(), geometry.ho(), geometry.wo()},
                                geometry.weightSize() + (a.has("nobias") ? 0 : out));
                    },
                    (a, in, rng) -> new Conv2d(in[0], a.integer("OUT"), pair(a.integer("K")), pair(a.integer("stride", 1)),
                            a.has("same") ? null : convPadding(a), pair(a.integer("dilation", 1)), a.integer("groups", 1), !a.has("nobias"), rng),
                    Layers::conv),
            new LayerKind("maxpool", poolSyntax(), "MaxPool2d(K, S=K, P=0) on [C, H, W]", List.of(MaxPool2d.class),
                    (a, in) -> pool("maxpool", a, in),
                    (a, in, rng) -> new MaxPool2d(a.integer("K"), a.integer("stride", a.integer("K")), a.integer("pad", 0), 1),
                    (g, path, m, x) -> {
                        var p = (MaxPool2d) m;
                        return pool(g, "MaxPool", path, p, x, p.kernelSize(), p.stride(), p.padding(), p.dilation());
                    }),
            new LayerKind("avgpool", poolSyntax(), "AvgPool2d(K, S=K, P=0), padding counted", List.of(AvgPool2d.class),
                    (a, in) -> pool("avgpool", a, in),
                    (a, in, rng) -> new AvgPool2d(a.integer("K"), a.integer("stride", a.integer("K")), a.integer("pad", 0)),
                    (g, path, m, x) -> {
                        var p = (AvgPool2d) m;
                        return pool(g, "AveragePool", path, p, x, p.kernelSize(), p.stride(), p.padding(), 1);
                    }),
            new LayerKind("adaptiveavgpool", Syntax.of().whole("SIZE", "output height and width", 1),
                    "AdaptiveAvgPool2d(SIZE) on [C, H, W]", List.of(AdaptiveAvgPool2d.class),
                    (a, in) -> {
                        need("adaptiveavgpool", in, 3, "[channels, height, width]");
                        int[] out = {in[0], a.integer("SIZE"), a.integer("SIZE")};
                        numel("adaptiveavgpool", out);
                        return new Shape(out, 0);
                    },
                    (a, in, rng) -> new AdaptiveAvgPool2d(a.integer("SIZE")),
                    Layers::adaptiveAvgPool),
            new LayerKind("bn", Syntax.of(), "BatchNorm1d on [F], BatchNorm2d on [C, H, W]", List.of(BatchNorm1d.class, BatchNorm2d.class),
                    (a, in) -> {
                        if (in.length != 1 && in.length != 3)
                            throw new IllegalArgumentException("bn normalises [features] or [channels, height, width], but gets " + Arrays.toString(in));
                        return new Shape(in, 2L * in[0]);
                    },
                    (a, in, rng) -> in.length == 3 ? new BatchNorm2d(in[0]) : new BatchNorm1d(in[0]),
                    Layers::batchNorm),
            new LayerKind("relu", Syntax.of(), "ReLU()", List.of(ReLU.class), Layers::same, (a, in, rng) -> new ReLU(),
                    (g, path, m, x) -> elementwise(g, "Relu", path, x)),
            new LayerKind("leakyrelu", Syntax.of().real("SLOPE", "the slope for negative inputs", -Float.MAX_VALUE, Float.MAX_VALUE, "0.01"),
                    "LeakyReLU(SLOPE)", List.of(LeakyReLU.class), Layers::same, (a, in, rng) -> new LeakyReLU(a.real("SLOPE")),
                    (g, path, m, x) -> elementwise(g, "LeakyRelu", path, x, new FloatAttribute("alpha", ((LeakyReLU) m).negativeSlope()))),
            new LayerKind("sigmoid", Syntax.of(), "Sigmoid()", List.of(Sigmoid.class), Layers::same, (a, in, rng) -> new Sigmoid(),
                    (g, path, m, x) -> elementwise(g, "Sigmoid", path, x)),
            new LayerKind("tanh", Syntax.of(), "Tanh()", List.of(Tanh.class), Layers::same, (a, in, rng) -> new Tanh(),
                    (g, path, m, x) -> elementwise(g, "Tanh", path, x)),
            new LayerKind("softmax", Syntax.of().whole("DIM", "the dimension of the sample: 0 its first (features, or channels), −1 its last",
                    -Integer.MAX_VALUE, Integer.MAX_VALUE, 0),
                    "Softmax(dim=DIM+1): DIM 0 features/channels", List.of(Softmax.class),
                    (a, in) -> {
                        sampleDim("softmax", a.integer("DIM"), in);
                        return new Shape(in, 0);
                    },
                    (a, in, rng) -> new Softmax(sampleDim("softmax", a.integer("DIM"), in) + 1), // + 1: the batch in front
                    Layers::softmax),
            new LayerKind("layernorm", Syntax.of().whole("K", "how many of the sample's last dimensions are normalised together", 1,
                    Integer.MAX_VALUE, "all").flag("noaffine", "without the learned weight and bias"),
                    "LayerNorm over the last K dims, eps 1e-5", List.of(LayerNorm.class),
                    (a, in) -> {
                        int[] shape = normalized(a, in);
                        return new Shape(in, a.has("noaffine") ? 0 : 2L * Shapes.numel(shape));
                    },
                    (a, in, rng) -> new LayerNorm(normalized(a, in), 1e-5f, !a.has("noaffine")),
                    Layers::layerNorm),
            new LayerKind("dropout", Syntax.of().real("P", "the probability of zeroing an element", 0, 1, "0.5"),
                    "Dropout(P), the identity in eval()", List.of(Dropout.class), Layers::same,
                    (a, in, rng) -> new Dropout(a.real("P")), (g, path, m, x) -> x),
            new LayerKind("dropout2d", Syntax.of().real("P", "the probability of zeroing a channel", 0, 1, "0.5"),
                    "Dropout2d(P) on [C, H, W]: whole channels", List.of(Dropout2d.class),
                    (a, in) -> {
                        need("dropout2d", in, 3, "[channels, height, width]");
                        return new Shape(in, 0);
                    },
                    (a, in, rng) -> new Dropout2d(a.real("P")), (g, path, m, x) -> x));

    /** Every kind, in the order the help lists them. */
    public static List<LayerKind> kinds() {
        return KINDS;
    }

    /** The kind written {@code word}, or null. */
    public static LayerKind kind(String word) {
        for (LayerKind k : KINDS) if (k.word().equals(word)) return k;
        return null;
    }

    /** The kind that exports {@code m}: the one listing its exact class, else the first it is an instance of; null for none. */
    public static LayerKind forModule(Module m) {
        for (LayerKind k : KINDS) if (k.modules().contains(m.getClass())) return k;
        for (LayerKind k : KINDS) for (Class<? extends Module> c : k.modules()) if (c.isInstance(m)) return k;
        return null;
    }

    /** The words of every kind, for messages: {@code flatten, linear, conv, …}. */
    public static String words() {
        return String.join(", ", KINDS.stream().map(LayerKind::word).toList());
    }

    /** The module classes the kinds build, by their simple names: {@code Flatten, Linear, Conv2d, …}. */
    public static List<String> moduleNames() {
        List<String> names = new ArrayList<>();
        for (LayerKind k : KINDS) for (Class<? extends Module> c : k.modules()) names.add(c.getSimpleName());
        return names;
    }

    /** The column the help lines' summaries start in: the longest synopsis (conv's) gets a line of its own. */
    private static final int SYNOPSIS_WIDTH = 28;

    /**
     * A kind's synopsis and summary a line, the summaries aligned, within 76 columns: what
     * {@code jgrad train --help} prints. A synopsis too long to share its line has the summary on
     * the next.
     */
    public static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        for (LayerKind k : KINDS)
            if (k.synopsis().length() <= SYNOPSIS_WIDTH) lines.add(String.format("%-" + SYNOPSIS_WIDTH + "s  %s", k.synopsis(), k.summary()));
            else {
                lines.add(k.synopsis());
                lines.add(" ".repeat(SYNOPSIS_WIDTH + 2) + k.summary());
            }
        return lines;
    }

    /**
     * The grammar as Markdown: a table of the kinds (synopsis, module, shapes) and a list of every
     * argument's meaning; docs/networks.md holds it, and a test keeps the two the same.
     */
    public static String markdown() {
        StringBuilder s = new StringBuilder("| layer | what it is |\n|---|---|\n");
        // a | inside a table cell, even in code, ends the cell unless escaped
        for (LayerKind k : KINDS) s.append("| `").append(k.synopsis().replace("|", "\\|")).append("` | ").append(k.summary()).append(" |\n");
        s.append("\nThe arguments:\n\n");
        for (LayerKind k : KINDS) {
            List<String> parts = new ArrayList<>();
            for (Syntax.Positional p : k.syntax().positionals())
                parts.add("`" + p.name() + "` " + p.what() + (p.fromData() ? " (the last linear may leave it out)" : ""));
            for (Object o : k.syntax().named())
                parts.add(o instanceof Syntax.Option opt ? "`" + opt.keyword() + " " + opt.name() + "` " + opt.what()
                        : "`" + ((Syntax.Flag) o).word() + "` " + ((Syntax.Flag) o).what());
            if (!parts.isEmpty()) s.append("- `").append(k.word()).append("`: ").append(String.join("; ", parts)).append(".\n");
        }
        return s.toString();
    }

    // ---- the kinds' shape inference and checks (shapes without the batch)

    /** Refuses an input that is not of {@code rank}, naming what the layer takes. */
    private static void need(String kind, int[] in, int rank, String what) {
        if (in.length != rank) throw new IllegalArgumentException(kind + " expects an input " + what + ", but gets " + Arrays.toString(in));
    }

    /** The elements of one sample's {@code shape}, which must fit a Java array. */
    private static int numel(String kind, int[] shape) {
        long n = 1;
        for (int d : shape)
            // checked at each step, so the product of two ints never leaves a long
            if ((n *= d) > Integer.MAX_VALUE)
                throw new IllegalArgumentException(kind + " would give " + Arrays.toString(shape) + ", more than 2^31-1 elements for one sample");
        return (int) n;
    }

    /** The elements of a weight, which must fit a Java array. */
    private static long weight(String kind, long n) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(kind + " would have a weight of " + String.format("%,d", n)
                + " elements, more than a Java array holds (2^31-1)");
        return n;
    }

    private static Shape same(Syntax.Args a, int[] in) {
        return new Shape(in, 0);
    }

    private static Syntax poolSyntax() {
        return Syntax.of().whole("K", "window size", 1).option("stride", "S", "the window's step, default K", 1)
                .option("pad", "P", "padding on each side, at most K/2", 0);
    }

    private static Shape pool(String kind, Syntax.Args a, int[] in) {
        need(kind, in, 3, "[channels, height, width]");
        int k = a.integer("K"), s = a.integer("stride", k), p = a.integer("pad", 0);
        var g = new PoolKernels.Geometry(0, in[0], in[1], in[2], k, k, s, s, p, p, 1, 1);
        return new Shape(new int[]{in[0], g.ho(), g.wo()}, 0);
    }

    /** Conv's padding {rows, columns}: "same"'s (refused with a stride, as PyTorch does), or P, or none. */
    private static int[] convPadding(Syntax.Args a) {
        if (!a.has("same")) return pair(a.integer("pad", 0));
        int s = a.integer("stride", 1);
        if (s != 1) throw new IllegalArgumentException("padding='same' is not supported for strided convolutions, got stride " + s);
        return Convolution.samePadding(pair(a.integer("K")), pair(a.integer("dilation", 1)));
    }

    private static int[] pair(int v) {
        return new int[]{v, v};
    }

    /** A dimension of the sample's shape {@code in} (negative from the end), checked and made non-negative. */
    private static int sampleDim(String kind, int dim, int[] in) {
        if (dim < -in.length || dim >= in.length)
            throw new IllegalArgumentException(kind + ": DIM " + dim + " is not a dimension of " + Arrays.toString(in)
                    + " (expected " + -in.length + " to " + (in.length - 1) + ")");
        return dim < 0 ? dim + in.length : dim;
    }

    /** The last K dimensions of the sample (all of them when K is left out). */
    private static int[] normalized(Syntax.Args a, int[] in) {
        int k = a.integer("K", in.length);
        if (k > in.length)
            throw new IllegalArgumentException("layernorm: K " + k + " is more than the " + in.length + " dimensions of " + Arrays.toString(in));
        return Arrays.copyOfRange(in, in.length - k, in.length);
    }

    // ---- the kinds' ONNX exports (shapes with the batch dimension first, as -1)

    private static int[] flatten(Onnx g, String path, Module m, int[] x) {
        Flatten f = (Flatten) m;
        int start = f.startDim() < 0 ? f.startDim() + x.length : f.startDim();
        if (start != 1 || x.length < 2)
            throw new IllegalArgumentException(Onnx.name(path, f) + " with start_dim=" + f.startDim() + " gets input " + Onnx.str(x)
                    + ": ONNX Flatten always gives [N, features], which only start_dim=1 on 2 or more dimensions matches");
        g.node("Flatten", path, List.of(), new IntAttribute("axis", 1));
        return new int[]{-1, Shapes.inner(x, 0)};
    }

    private static int[] gemm(Onnx g, String path, Module m, int[] x) {
        Linear l = (Linear) m;
        int[] w = l.weight.shape();
        if (x.length != 2 || x[1] != w[1])
            throw new IllegalArgumentException(Onnx.name(path, l) + " with weight " + Shapes.str(w) + " [out, in] gets input " + Onnx.str(x)
                    + (x.length != 2 ? "; ONNX Gemm takes [N, in] (a Flatten before it makes one)" : ""));
        List<String> weights = new ArrayList<>(List.of(g.initializer(Onnx.join(path, "weight"), l, l.weight)));
        if (l.bias != null) weights.add(g.initializer(Onnx.join(path, "bias"), l, l.bias));
        g.node("Gemm", path, weights, new IntAttribute("transB", 1));
        return new int[]{-1, w[0]};
    }

    private static int[] conv(Onnx g, String path, Module m, int[] x) {
        Conv2d c = (Conv2d) m;
        int[] w = c.weight.shape(), k = c.kernelSize(), s = c.stride(), p = c.padding(), d = c.dilation();
        if (x.length != 4 || x[1] != c.inChannels)
            throw new IllegalArgumentException(Onnx.name(path, c) + " with weight " + Shapes.str(w) + " [out, in/groups, kH, kW] takes [N, "
                    + c.inChannels + ", H, W] but gets input " + Onnx.str(x));
        int[] out = {-1, c.outChannels, Onnx.windowOutput(path, c, x[2], k[0], s[0], p[0], d[0]),
                Onnx.windowOutput(path, c, x[3], k[1], s[1], p[1], d[1])};
        List<String> weights = new ArrayList<>(List.of(g.initializer(Onnx.join(path, "weight"), c, c.weight)));
        if (c.bias != null) weights.add(g.initializer(Onnx.join(path, "bias"), c, c.bias));
        g.node("Conv", path, weights, new IntsAttribute("dilations", d), new IntAttribute("group", c.groups),
                new IntsAttribute("kernel_shape", k), new IntsAttribute("pads", Onnx.pads(p[0], p[1])), new IntsAttribute("strides", s));
        return out;
    }

    /** MaxPool or AveragePool with a square window, stride and padding; AveragePool counts the padding, as PyTorch's AvgPool2d. */
    private static int[] pool(Onnx g, String op, String path, Module m, int[] x, int k, int s, int p, int d) {
        if (x.length != 4) throw new IllegalArgumentException(Onnx.name(path, m) + " takes [N, C, H, W] but gets input " + Onnx.str(x));
        int[] out = {-1, x[1], Onnx.windowOutput(path, m, x[2], k, s, p, d), Onnx.windowOutput(path, m, x[3], k, s, p, d)};
        List<Onnx.Attribute> a = new ArrayList<>();
        if (op.equals("AveragePool")) a.add(new IntAttribute("count_include_pad", 1));
        else a.add(new IntsAttribute("dilations", d, d));
        a.add(new IntsAttribute("kernel_shape", k, k));
        a.add(new IntsAttribute("pads", Onnx.pads(p, p)));
        a.add(new IntsAttribute("strides", s, s));
        g.node(op, path, List.of(), a.toArray(Onnx.Attribute[]::new));
        return out;
    }

    /**
     * GlobalAveragePool for output 1×1; AveragePool(kernel = stride = H/Ho, W/Wo) when the output
     * size divides the input's, where the two are the same bins; otherwise refused.
     */
    private static int[] adaptiveAvgPool(Onnx g, String path, Module m, int[] x) {
        int[] o = ((AdaptiveAvgPool2d) m).outputSize();
        if (x.length != 4) throw new IllegalArgumentException(Onnx.name(path, m) + " takes [N, C, H, W] but gets input " + Onnx.str(x));
        if (o[0] == 1 && o[1] == 1) {
            g.node("GlobalAveragePool", path, List.of());
            return new int[]{-1, x[1], 1, 1};
        }
        if (x[2] % o[0] != 0 || x[3] % o[1] != 0)
            throw new IllegalArgumentException(Onnx.name(path, m) + " to " + o[0] + "×" + o[1] + " gets input " + Onnx.str(x)
                    + ": ONNX has no adaptive pooling, and its bins of unequal sizes match no AveragePool (an output size that "
                    + "divides the input's, or 1, exports)");
        int kh = x[2] / o[0], kw = x[3] / o[1];
        g.node("AveragePool", path, List.of(), new IntsAttribute("kernel_shape", kh, kw), new IntsAttribute("strides", kh, kw));
        return new int[]{-1, x[1], o[0], o[1]};
    }

    /** BatchNormalization(epsilon) with the running statistics; without affine, constant ones and zeros named path.ones, path.zeros. */
    private static int[] batchNorm(Onnx g, String path, Module m, int[] x) {
        BatchNorm b = (BatchNorm) m;
        int c = b.runningMean.numel();
        if (x.length < 2 || x[1] != c)
            throw new IllegalArgumentException(Onnx.name(path, b) + " normalises [N, " + c + (x.length > 2 ? ", *" : "") + "] but gets input " + Onnx.str(x));
        boolean affine = b.weight != null;
        List<String> inputs = List.of(
                g.initializer(Onnx.join(path, affine ? "weight" : "ones"), b, affine ? b.weight : Tensor.ones(c)),
                g.initializer(Onnx.join(path, affine ? "bias" : "zeros"), b, affine ? b.bias : Tensor.zeros(c)),
                g.initializer(Onnx.join(path, "running_mean"), b, b.runningMean),
                g.initializer(Onnx.join(path, "running_var"), b, b.runningVar));
        g.node("BatchNormalization", path, inputs, new FloatAttribute("epsilon", b.eps()));
        return x;
    }

    /** Softmax(axis), whose opset-13 meaning is PyTorch's: along that one axis. */
    private static int[] softmax(Onnx g, String path, Module m, int[] x) {
        int dim = ((Softmax) m).dim();
        if (dim < -x.length || dim >= x.length)
            throw new IllegalArgumentException(Onnx.name(path, m) + " with dim=" + dim + " gets input " + Onnx.str(x));
        g.node("Softmax", path, List.of(), new IntAttribute("axis", dim));
        return x;
    }

    /** LayerNormalization(axis = −K, epsilon), opset 17; without affine, constant ones and zeros named path.ones, path.zeros. */
    private static int[] layerNorm(Onnx g, String path, Module m, int[] x) {
        LayerNorm l = (LayerNorm) m;
        int[] shape = l.normalizedShape();
        int k = shape.length;
        if (x.length <= k || !Arrays.equals(Arrays.copyOfRange(x, x.length - k, x.length), shape))
            throw new IllegalArgumentException(Onnx.name(path, l) + " normalises [N, *, " + Shapes.str(shape).substring(1)
                    + " but gets input " + Onnx.str(x));
        boolean affine = l.weight != null;
        List<String> inputs = List.of(
                g.initializer(Onnx.join(path, affine ? "weight" : "ones"), l, affine ? l.weight : Tensor.ones(shape)),
                g.initializer(Onnx.join(path, affine ? "bias" : "zeros"), l, affine ? l.bias : Tensor.zeros(shape)));
        g.node("LayerNormalization", path, inputs, new IntAttribute("axis", -k), new FloatAttribute("epsilon", l.eps()));
        return x;
    }

    private static int[] elementwise(Onnx g, String op, String path, int[] x, Onnx.Attribute... attributes) {
        g.node(op, path, List.of(), attributes);
        return x;
    }
}
