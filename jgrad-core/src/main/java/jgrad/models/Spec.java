package jgrad.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import jgrad.nn.AdaptiveAvgPool2d;
import jgrad.nn.AvgPool2d;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Conv2d;
import jgrad.nn.Dropout;
import jgrad.nn.Dropout2d;
import jgrad.nn.Flatten;
import jgrad.nn.LeakyReLU;
import jgrad.nn.Linear;
import jgrad.nn.MaxPool2d;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.nn.Sigmoid;
import jgrad.nn.Tanh;
import jgrad.tensor.Rng;

/**
 * A network written as text: layers separated by commas, each a kind and its arguments, optionally
 * named ({@code fc1=linear 256}; unnamed layers are numbered as in PyTorch's Sequential). Input
 * sizes are inferred from the input shape, so only outputs are written:
 * <pre>
 *   conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias]   Conv2d(in, OUT, K)
 *   linear OUT [nobias]                Linear(in, OUT); needs a flat input (put flatten before it)
 *   bn                                 BatchNorm1d or BatchNorm2d, by the input's rank
 *   relu | leakyrelu [SLOPE=0.01] | sigmoid | tanh
 *   maxpool K [stride S] [pad P] | avgpool K [stride S] [pad P] | adaptiveavgpool SIZE
 *   dropout [P=0.5] | dropout2d [P=0.5] | flatten
 * </pre>
 * For example the {@code cnn} preset:
 * <pre>{@code
 * Spec s = Spec.parse("conv 32 3 same, bn, relu, maxpool 2, conv 64 3 same, bn, relu, maxpool 2, "
 *                   + "flatten, linear 128, relu, dropout 0.3, linear 10", 1, 28, 28);
 * Module net = s.build(Rng.global());   // a Sequential, [N, 1, 28, 28] → [N, 10]
 * }</pre>
 * Errors name the layer, the bad token and the shape that reaches it.
 */
public final class Spec {
    /** One layer of a spec: its name (or null), kind, arguments, and the input shape it sees (without the batch). */
    private record Layer(String name, String kind, List<String> args, int[] in, String text) {}

    private final String text;
    private final int[] inputShape, outputShape;
    private final List<Layer> layers;

    private Spec(String text, int[] inputShape, int[] outputShape, List<Layer> layers) {
        this.text = text;
        this.inputShape = inputShape;
        this.outputShape = outputShape;
        this.layers = layers;
    }

    /** Parses and checks {@code text} for inputs of {@code inputShape} (without the batch dimension, e.g. 1, 28, 28). */
    public static Spec parse(String text, int... inputShape) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty network spec: expected layers separated by commas, e.g. "
                + "\"flatten, linear 128, relu, linear 10\"");
        List<Layer> layers = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        int[] shape = inputShape.clone();
        int index = 0;
        for (String raw : text.split(",")) {
            String item = raw.trim();
            String name = null;
            int eq = item.indexOf('=');
            if (eq >= 0) {
                name = item.substring(0, eq).trim();
                item = item.substring(eq + 1).trim();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*"))
                    throw error(index, raw, "a layer name must be a word of letters, digits and _, got '" + name + "'");
            }
            List<String> words = new ArrayList<>(Arrays.asList(item.toLowerCase(Locale.ROOT).split("\\s+")));
            if (words.getFirst().isEmpty()) throw error(index, raw, "an empty layer (two commas in a row?)");
            if (!names.add(name != null ? name : Integer.toString(index))) throw error(index, raw, "the name '" + name + "' is used twice");
            Layer layer = new Layer(name, words.removeFirst(), words, shape.clone(), raw.trim());
            shape = outputShape(index, layer);
            layers.add(layer);
            index++;
        }
        return new Spec(text.trim(), inputShape.clone(), shape, List.copyOf(layers));
    }

    /** The spec as written. */
    @Override
    public String toString() {
        return text;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    /** The output shape without the batch dimension, e.g. [10]. */
    public int[] outputShape() {
        return outputShape.clone();
    }

    /** A fresh network of this spec, its weights drawn from {@code rng} in layer order. */
    public Sequential build(Rng rng) {
        var named = new LinkedHashMap<String, Module>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            named.put(l.name != null ? l.name : Integer.toString(i), module(l, rng));
        }
        return new Sequential(named);
    }

    private static Module module(Layer l, Rng rng) {
        return switch (l.kind) {
            case "conv" -> {
                int[] pad = convPadding(l);
                yield new Conv2d(l.in[0], integer(l, 0, "the output channels"), pair(integer(l, 1, "the kernel size")),
                        pair(option(l, "stride", 1)), pad, pair(option(l, "dilation", 1)), option(l, "groups", 1), !l.args.contains("nobias"), rng);
            }
            case "linear" -> new Linear(l.in[0], integer(l, 0, "the output features"), !l.args.contains("nobias"), rng);
            case "bn" -> l.in.length == 3 ? new BatchNorm2d(l.in[0]) : new BatchNorm1d(l.in[0]);
            case "relu" -> new ReLU();
            case "leakyrelu" -> new LeakyReLU(number(l, 0.01f));
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "maxpool" -> new MaxPool2d(integer(l, 0, "the kernel size"), option(l, "stride", integer(l, 0, "")), option(l, "pad", 0), 1);
            case "avgpool" -> new AvgPool2d(integer(l, 0, "the kernel size"), option(l, "stride", integer(l, 0, "")), option(l, "pad", 0));
            case "adaptiveavgpool" -> new AdaptiveAvgPool2d(integer(l, 0, "the output size"));
            case "dropout" -> new Dropout(number(l, 0.5f));
            case "dropout2d" -> new Dropout2d(number(l, 0.5f));
            case "flatten" -> new Flatten();
            default -> throw new IllegalStateException(l.kind); // outputShape has already refused unknown kinds
        };
    }

    /** The shape a layer gives for its input shape (without the batch), checking its arguments on the way. */
    private static int[] outputShape(int index, Layer l) {
        int[] in = l.in;
        try {
            return switch (l.kind) {
                case "conv" -> {
                    need(l, 3, "[channels, height, width]");
                    var m = module(l, new Rng(0));
                    var c = (Conv2d) m;
                    int[] k = c.kernelSize(), s = c.stride(), p = c.padding(), d = c.dilation();
                    yield new int[]{c.outChannels, size(l, in[1], k[0], s[0], p[0], d[0]), size(l, in[2], k[1], s[1], p[1], d[1])};
                }
                case "maxpool", "avgpool" -> {
                    need(l, 3, "[channels, height, width]");
                    int k = integer(l, 0, "the kernel size"), s = option(l, "stride", k), p = option(l, "pad", 0);
                    module(l, null);
                    yield new int[]{in[0], size(l, in[1], k, s, p, 1), size(l, in[2], k, s, p, 1)};
                }
                case "adaptiveavgpool" -> {
                    need(l, 3, "[channels, height, width]");
                    int o = integer(l, 0, "the output size");
                    if (o < 1) throw new IllegalArgumentException("the output size must be positive, got " + o);
                    yield new int[]{in[0], o, o};
                }
                case "linear" -> {
                    need(l, 1, "[features] (put flatten before it)");
                    int out = integer(l, 0, "the output features");
                    if (out < 1) throw new IllegalArgumentException("the output features must be positive, got " + out);
                    yield new int[]{out};
                }
                case "bn" -> {
                    if (in.length != 1 && in.length != 3)
                        throw new IllegalArgumentException("bn normalises [features] or [channels, height, width], but gets " + Arrays.toString(in));
                    yield in;
                }
                case "flatten" -> new int[]{Arrays.stream(in).reduce(1, (a, b) -> a * b)};
                case "relu", "sigmoid", "tanh", "leakyrelu", "dropout", "dropout2d" -> {
                    if (l.kind.equals("dropout2d")) need(l, 3, "[channels, height, width]");
                    module(l, null); // checks the argument
                    yield in;
                }
                default -> throw new IllegalArgumentException("unknown layer kind '" + l.kind + "': expected one of conv, linear, bn, relu, "
                        + "leakyrelu, sigmoid, tanh, maxpool, avgpool, adaptiveavgpool, dropout, dropout2d, flatten");
            };
        } catch (IllegalArgumentException e) {
            throw error(index, l.text, e.getMessage() + " (input to this layer: " + Arrays.toString(in) + ")");
        }
    }

    private static void need(Layer l, int rank, String what) {
        if (l.in.length != rank) throw new IllegalArgumentException(l.kind + " expects an input " + what + ", but gets " + Arrays.toString(l.in));
    }

    /** PyTorch's output size ⌊(in + 2p − d·(k − 1) − 1) / s⌋ + 1, which must be positive. */
    private static int size(Layer l, int in, int k, int s, int p, int d) {
        int out = Math.floorDiv(in + 2 * p - d * (k - 1) - 1, s) + 1;
        if (out < 1) throw new IllegalArgumentException(l.kind + " with kernel " + k + " does not fit an input of size " + in + " (padding " + p + ")");
        return out;
    }

    private static int[] convPadding(Layer l) {
        if (l.args.contains("same")) return null;
        return pair(option(l, "pad", 0));
    }

    private static int[] pair(int v) {
        return new int[]{v, v};
    }

    /** Positional argument {@code i} (words that are not keywords or keyword values) as a whole number. */
    private static int integer(Layer l, int i, String what) {
        List<String> positional = positional(l);
        if (i >= positional.size()) throw new IllegalArgumentException(l.kind + " needs " + what);
        try {
            return Integer.parseInt(positional.get(i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(l.kind + ": '" + positional.get(i) + "' is not a whole number (" + what + ")");
        }
    }

    /** The optional first positional argument as a number, or {@code fallback}. */
    private static float number(Layer l, float fallback) {
        List<String> positional = positional(l);
        if (positional.size() > 1) throw new IllegalArgumentException(l.kind + " takes at most one number, got " + positional);
        if (positional.isEmpty()) return fallback;
        try {
            return Float.parseFloat(positional.getFirst());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(l.kind + ": '" + positional.getFirst() + "' is not a number");
        }
    }

    private static final List<String> KEYWORDS = List.of("stride", "pad", "dilation", "groups");
    private static final List<String> FLAGS = List.of("same", "valid", "nobias");

    private static List<String> positional(Layer l) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.args.size(); i++) {
            String w = l.args.get(i);
            if (KEYWORDS.contains(w)) i++;
            else if (!FLAGS.contains(w)) out.add(w);
        }
        return out;
    }

    /** The whole number after keyword {@code key}, or {@code fallback} when the keyword is absent. */
    private static int option(Layer l, String key, int fallback) {
        int i = l.args.indexOf(key);
        if (i < 0) return fallback;
        if (i + 1 >= l.args.size()) throw new IllegalArgumentException(l.kind + ": '" + key + "' needs a whole number after it");
        try {
            return Integer.parseInt(l.args.get(i + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(l.kind + ": '" + key + " " + l.args.get(i + 1) + "' needs a whole number");
        }
    }

    private static IllegalArgumentException error(int index, String layer, String problem) {
        return new IllegalArgumentException("network spec, layer " + (index + 1) + " '" + layer.trim() + "': " + problem);
    }

    /**
     * Parses {@code text} for inputs of {@code inputShape} and {@code outputs} outputs: a last layer
     * {@code linear} written without a size gets {@code outputs}.
     */
    public static Spec parse(String text, int[] inputShape, int outputs) {
        if (text != null) {
            int comma = text.lastIndexOf(',');
            String last = text.substring(comma + 1);
            if (last.trim().matches("([A-Za-z_][A-Za-z0-9_]*\\s*=\\s*)?linear(\\s+nobias)?"))
                text = text.substring(0, comma + 1) + last.replaceFirst("linear", "linear " + outputs);
        }
        return parse(text, inputShape);
    }

    /** The number of parameters the network has. */
    public long parameterCount() {
        return build(new Rng(0)).parameters().stream().mapToLong(jgrad.autograd.Tensor::numel).sum();
    }

    /** The grammar, one line a layer kind, for help texts. */
    public static List<String> grammar() {
        return List.of("conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias], linear [OUT] [nobias], bn, relu,",
                "leakyrelu [SLOPE], sigmoid, tanh, maxpool K [stride S] [pad P], avgpool K [stride S] [pad P],",
                "adaptiveavgpool SIZE, dropout [P], dropout2d [P], flatten");
    }
}
