package jgrad.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jgrad.nn.Module;
import jgrad.nn.Sequential;
import jgrad.tensor.Rng;

/**
 * A network written as text: layers separated by commas, each a kind and its arguments, optionally
 * named ({@code fc1=linear 256}; unnamed layers are numbered as in PyTorch's Sequential). Input
 * sizes are inferred from the input shape, so only outputs are written. The kinds and their grammar
 * are the table {@link Layers} (docs/networks.md lists them); for example
 * {@code conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias]},
 * {@code linear OUT [nobias]}, {@code relu}, {@code dropout [P=0.5]}. The {@code cnn} preset:
 * <pre>{@code
 * Spec s = Spec.parse("conv 32 3 same, bn, relu, maxpool 2, conv 64 3 same, bn, relu, maxpool 2, "
 *                   + "flatten, linear 128, relu, dropout 0.3, linear 10", 1, 28, 28);
 * Module net = s.build(Rng.global());   // a Sequential, [N, 1, 28, 28] → [N, 10]
 * Spec t = Spec.parse("flatten, linear 64, relu, linear", new int[]{4}, 3);   // the last linear gives the data's 3 outputs
 * }</pre>
 * Parsing checks everything before anything is built: errors name the layer, the bad token and the
 * shape that reaches it ({@code network spec, layer 2 'linear 10': linear expects an input
 * [features] …}), and a network whose parameters and one sample's activations would not fit in the
 * heap is refused with the numbers ({@link #bytesFor}).
 */
public final class Spec {
    /** One layer of a spec: its name (or null), kind, checked arguments, text as written, the shapes it gets and gives (without the batch), its parameters. */
    private record Layer(String name, LayerKind kind, Syntax.Args args, String text, int[] in, int[] out, long parameters) {}

    /** Bytes a parameter costs in training: its value, its gradient and Adam's two moments, float32 each. */
    public static final int BYTES_PER_PARAMETER = 16;
    /** Bytes an activation value costs in training: the value, kept for the backward pass, and its gradient. */
    public static final int BYTES_PER_ACTIVATION = 8;

    private final String text, resolved;
    private final int[] inputShape, outputShape;
    private final List<Layer> layers;
    private final long parameters, activations;

    private Spec(String text, String resolved, int[] inputShape, List<Layer> layers, long parameters, long activations) {
        this.text = text;
        this.resolved = resolved;
        this.inputShape = inputShape;
        this.outputShape = layers.getLast().out;
        this.layers = layers;
        this.parameters = parameters;
        this.activations = activations;
    }

    /**
     * Parses and checks {@code text} for inputs of {@code inputShape} (without the batch dimension,
     * e.g. 1, 28, 28); every linear layer must give its size.
     */
    public static Spec parse(String text, int... inputShape) {
        return parse(text, inputShape, 0, Runtime.getRuntime().maxMemory());
    }

    /**
     * Parses and checks {@code text} for inputs of {@code inputShape}; its last linear layer may
     * leave out its size, which is then {@code outputs}, the data's number of classes or targets
     * ({@code "flatten, linear 128, relu, linear"}).
     */
    public static Spec parse(String text, int[] inputShape, int outputs) {
        if (outputs < 1) throw new IllegalArgumentException("network spec: the number of outputs must be positive, got " + outputs);
        return parse(text, inputShape, outputs, Runtime.getRuntime().maxMemory());
    }

    /** {@code outputs} 0 for none; {@code heap}: the bytes the network may take in training (one sample). */
    static Spec parse(String text, int[] inputShape, int outputs, long heap) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty network spec: expected layers separated by commas, e.g. "
                + "\"flatten, linear 128, relu, linear 10\"");
        if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)
                || Arrays.stream(inputShape).asLongStream().reduce(1, (a, b) -> Math.min(a, 1L << 31) * b) > Integer.MAX_VALUE)
            throw new IllegalArgumentException("network spec: the input shape must be positive sizes with at most 2^31-1 elements, got "
                    + Arrays.toString(inputShape));
        // the words of each layer first: whether a linear may leave out its size depends on the ones after it
        String[] items = text.split(",", -1); // -1: trailing empty layers too, so ",," is three empty layers, not none
        List<String> names = new ArrayList<>(), texts = new ArrayList<>();
        List<LayerKind> kinds = new ArrayList<>();
        List<List<String>> words = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < items.length; index++) {
            String raw = items[index], item = raw.trim(), name = null;
            int eq = item.indexOf('=');
            if (eq >= 0) {
                name = item.substring(0, eq).trim();
                item = item.substring(eq + 1).trim();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*"))
                    throw error(index, raw, "a layer name must be a word of letters, digits and _, got '" + name + "'");
            }
            List<String> w = new ArrayList<>(Arrays.asList(item.toLowerCase(Locale.ROOT).split("\\s+")));
            if (w.getFirst().isEmpty()) throw error(index, raw, "an empty layer (two commas in a row, or one at an end?)");
            if (!seen.add(name != null ? name : Integer.toString(index))) throw error(index, raw, "the name '" + name + "' is used twice");
            LayerKind kind = Layers.kind(w.removeFirst());
            if (kind == null) throw error(index, raw, "unknown layer kind '" + item.split("\\s+")[0].toLowerCase(Locale.ROOT)
                    + "': expected one of " + Layers.words());
            names.add(name);
            texts.add(raw.trim());
            kinds.add(kind);
            words.add(w);
        }
        List<Layer> layers = new ArrayList<>();
        int[] shape = inputShape.clone();
        long parameters = 0, activations = Arrays.stream(inputShape).asLongStream().reduce(1, (a, b) -> a * b);
        String resolved = text.trim();
        for (int index = 0; index < items.length; index++) {
            LayerKind kind = kinds.get(index);
            String raw = texts.get(index);
            try {
                Syntax.Args args = kind.syntax().parse(kind.word(), words.get(index));
                if (args.missingOutputs()) {
                    Syntax.Positional p = kind.syntax().positionals().stream().filter(Syntax.Positional::fromData).findFirst().orElseThrow();
                    if (kinds.subList(index + 1, kinds.size()).contains(kind))
                        throw new IllegalArgumentException(kind.word() + " needs " + p.name() + " (" + p.what() + "): only the spec's last "
                                + kind.word() + " may leave it out, to give the data's number of outputs");
                    if (outputs == 0)
                        throw new IllegalArgumentException(kind.word() + " needs " + p.name() + " (" + p.what() + "): the number of outputs "
                                + "is needed, and here no data gives it; write it (" + kind.word() + " 10) or parse with the data's outputs");
                    args = args.withOutputs(p.name(), outputs);
                    resolved = String.join(", ", texts.subList(0, index)) + (index > 0 ? ", " : "") + raw + " " + outputs
                            + (index + 1 < texts.size() ? ", " + String.join(", ", texts.subList(index + 1, texts.size())) : "");
                }
                LayerKind.Shape out = kind.infer().apply(args, shape);
                layers.add(new Layer(names.get(index), kind, args, raw, shape, out.out(), out.parameters()));
                shape = out.out();
                parameters += out.parameters();
                activations += Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
            } catch (IllegalArgumentException e) {
                throw error(index, raw, e.getMessage() + " (input to this layer: " + Arrays.toString(shape) + ")");
            }
            long bytes = bytes(parameters, activations, 1);
            if (bytes > heap)
                throw error(index, raw, "the network is too large for this JVM: up to this layer it has " + count(parameters)
                        + " parameters and " + count(activations) + " activation values a sample, and training it needs about " + size(bytes)
                        + " (" + BYTES_PER_PARAMETER + " bytes a parameter: the weight, its gradient and Adam's two moments; "
                        + BYTES_PER_ACTIVATION + " an activation value: the value and its gradient), more than the " + size(heap)
                        + " of heap it may use (-Xmx)");
        }
        return new Spec(text.trim(), resolved, inputShape.clone(), List.copyOf(layers), parameters, activations);
    }

    /** The spec as written. */
    @Override
    public String toString() {
        return text;
    }

    /** The spec with the data's number of outputs written into its last linear where it left it out; else as written. */
    public String resolved() {
        return resolved;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    /** The output shape without the batch dimension, e.g. [10]. */
    public int[] outputShape() {
        return outputShape.clone();
    }

    /** The number of learned parameters (weights and biases; not BatchNorm's running statistics). */
    public long parameterCount() {
        return parameters;
    }

    /** The values one sample makes on its way through: the input's and every layer's output's. */
    public long activationsPerSample() {
        return activations;
    }

    /**
     * About the heap that training this network with Adam on batches of {@code batchSize} takes:
     * {@value #BYTES_PER_PARAMETER} bytes a parameter (the weight, its gradient, Adam's two moments)
     * and {@value #BYTES_PER_ACTIVATION} bytes an activation value (the value, kept for the backward
     * pass, and its gradient). A lower bound: a convolution's column buffers and the data come on top.
     */
    public long bytesFor(int batchSize) {
        return bytes(parameters, activations, batchSize);
    }

    /** Refuses, with the numbers, a batch size whose {@link #bytesFor} exceeds the heap this JVM may use. */
    public void checkFits(int batchSize) {
        long heap = Runtime.getRuntime().maxMemory(), bytes = bytesFor(batchSize);
        if (bytes > heap)
            throw new IllegalArgumentException("network spec '" + text + "' with batches of " + batchSize + " needs about " + size(bytes)
                    + " of heap to train (" + count(parameters) + " parameters, " + count(activations) + " activation values a sample), "
                    + "more than the " + size(heap) + " this JVM may use (-Xmx); use a smaller batch or give the JVM more heap");
    }

    /** A fresh network of this spec, its weights drawn from {@code rng} in layer order. */
    public Sequential build(Rng rng) {
        var named = new LinkedHashMap<String, Module>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            named.put(l.name != null ? l.name : Integer.toString(i), l.kind.build().apply(l.args, l.in, rng));
        }
        return new Sequential(named);
    }

    private static long bytes(long parameters, long activations, int batchSize) {
        // saturating: a spec of huge layers must still compare as too large, not wrap around
        double b = (double) BYTES_PER_PARAMETER * parameters + (double) BYTES_PER_ACTIVATION * activations * batchSize;
        return b >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) b;
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes as people read them: 1.3 GB, 512.0 MB. */
    static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
    }

    private static IllegalArgumentException error(int index, String layer, String problem) {
        return new IllegalArgumentException("network spec, layer " + (index + 1) + " '" + layer.trim() + "': " + problem);
    }
}
