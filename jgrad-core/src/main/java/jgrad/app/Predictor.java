package jgrad.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.ImageFiles;
import jgrad.models.Spec;
import jgrad.nn.SafeTensors;
import jgrad.nn.Sequential;
import jgrad.tensor.Rng;

/**
 * A trained network rebuilt from its safetensors file alone, for inference:
 * {@code p = softmax(model(normalize(x / 255)))}, the inputs transformed as {@link Run#TRANSFORM}
 * transforms the training data. {@code jgrad train --save} writes, besides the state dict, the
 * {@code __metadata__} that makes this possible:
 * <pre>
 *   jgrad.spec         the network as a {@link Spec}: "flatten, fc1=linear 256, relu, fc2=linear 128, relu, fc3=linear 10"
 *   jgrad.input_shape  without the batch dimension, comma-separated: "1,28,28"
 *   jgrad.classes      the output classes' names as a JSON array: ["T-shirt/top", "Trouser", …]
 *   jgrad.version      the jgrad that wrote it: "0.1.0"
 * </pre>
 * Loading parses the spec for the input shape, builds its {@link Sequential} and loads the
 * tensors into it; it is in eval mode. A file without a spec, with metadata that does not parse,
 * or whose tensors do not fit the spec is an {@link IOException} naming the file and the problem.
 * <pre>{@code
 * Predictor p = Predictor.load(Path.of("cnn.safetensors"));
 * float[] probs = p.probabilities(ImageFiles.read(Path.of("shirt.jpg"), 28, 28).pixels());
 * int best = Predictor.top(probs, 1)[0];   p.classes().get(best);   // "Shirt"
 * }</pre>
 */
public final class Predictor {
    public static final String SPEC = "jgrad.spec", INPUT_SHAPE = "jgrad.input_shape", CLASSES = "jgrad.classes", VERSION = "jgrad.version";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Spec spec;
    private final Sequential model;
    private final List<String> classes;
    private final float[] table = Run.TRANSFORM.lookupTable();

    private Predictor(Spec spec, Sequential model, List<String> classes) {
        this.spec = spec;
        this.model = model;
        this.classes = classes;
        model.eval();
    }

    /** The metadata {@link #load} needs, for {@link SafeTensors#save(Map, Map, Path)}. */
    public static Map<String, String> metadata(String spec, int[] inputShape, List<String> classes, String version) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SPEC, spec);
        m.put(INPUT_SHAPE, String.join(",", Arrays.stream(inputShape).mapToObj(Integer::toString).toList()));
        try {
            m.put(CLASSES, JSON.writeValueAsString(classes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a list of strings always serialises
        }
        m.put(VERSION, version);
        return m;
    }

    /** The network saved in {@code file}, with its weights and buffers. */
    public static Predictor load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        validate(file, c);
        Map<String, String> meta = c.metadata();
        String text = meta.get(SPEC);
        if (text == null)
            throw new IOException(file + ": has no network spec (metadata \"" + SPEC + "\"), so the network cannot be rebuilt from the "
                    + "file; save it with jgrad train --save, or build the network in code and loadStateDict(SafeTensors.load(file))");
        int[] shape = inputShape(file, meta.get(INPUT_SHAPE));
        Spec spec;
        try {
            spec = Spec.parse(text, shape);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": its spec \"" + text + "\" does not parse for inputs " + Arrays.toString(shape) + ": " + e.getMessage(), e);
        }
        List<String> classes = classes(file, meta.get(CLASSES), spec);
        // a network far larger than the file's tensors is refused before it is built; a near miss is built and loadStateDict names the keys
        long present = c.tensors().values().stream().mapToLong(Tensor::numel).sum(), allowed = 2 * present + (1 << 18);
        long needed = stateSize(text, shape, allowed);
        if (needed > allowed)
            throw new IOException(file + ": its spec \"" + text + "\" for inputs " + Arrays.toString(shape) + " makes a network of more than "
                    + needed + " weights and buffers, but the file holds " + present);
        Sequential model;
        try {
            model = spec.build(new Rng(0));
        } catch (OutOfMemoryError e) { // the spec asks for more than the tensors the file holds (checked above against the heap)
            throw new IOException(file + ": its spec \"" + text + "\" builds a network too large for " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB of heap, larger than the file's tensors", e);
        }
        try {
            model.loadStateDict(c.tensors());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": its tensors do not fit its spec \"" + text + "\": " + e.getMessage(), e);
        }
        return new Predictor(spec, model, classes);
    }

    /** The largest input of one sample a model file may declare: as many values as the largest picture jgrad reads has pixels. */
    public static final long MAX_INPUT = ImageFiles.MAX_PIXELS;

    /**
     * What {@link #load} checks of a file before anything is sized from it: its input shape within
     * {@link #MAX_INPUT} values; its tensors finite (a NaN or infinite weight gives NaN
     * probabilities), running variances ≥ 0; and twice their size (themselves, and the network built to hold them) within
     * the free heap.
     */
    private static void validate(Path file, SafeTensors.Contents c) throws IOException {
        String shape = c.metadata().get(INPUT_SHAPE);
        if (shape != null) {
            long values = 1;
            for (int d : inputShape(file, shape)) values = Math.min(values * d, Long.MAX_VALUE / Integer.MAX_VALUE);
            if (values > MAX_INPUT)
                throw new IOException(file + ": metadata \"" + INPUT_SHAPE + "\" is \"" + shape + "\", inputs of " + values
                        + " values; jgrad's models take inputs of at most " + MAX_INPUT);
        }
        long bytes = 0;
        for (var e : c.tensors().entrySet()) {
            float[] v = e.getValue().data();
            bytes += 4L * v.length;
            // a variance below 0 makes batch norm's sqrt NaN: every probability would be NaN
            boolean variance = e.getKey().endsWith("running_var");
            for (int i = 0; i < v.length; i++)
                if (!Float.isFinite(v[i]) || variance && v[i] < 0)
                    throw new IOException(file + ": tensor " + e.getKey() + " holds " + v[i] + " at index " + i + (variance
                            ? ": a batch norm's running variance is finite and at least 0" : ": a trained network's weights and buffers are finite"));
        }
        Runtime rt = Runtime.getRuntime();
        if (bytes > rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()))
            throw new IOException(file + ": a network of " + (bytes >> 20) + " MB of tensors is too large to build in " + (rt.maxMemory() >> 20)
                    + " MB of heap: give Java more heap, e.g. JGRAD_JAVA_OPTS=-Xmx" + (2 * (bytes >> 30) + 2) + "g");
    }

    /**
     * The elements of the state dict of {@code text}'s network for inputs {@code shape}, counted
     * layer by layer (layers are separated by commas) without building a large one, and no further
     * once past {@code limit}: a layer's state is affine in the first dimension of the shape that
     * reaches it (features for a linear layer, channels for convolution and batch norm), so two
     * builds for a first dimension of 1 and 2 give its size for any; a layer that cannot be built
     * so (grouped convolution) is built for its real input.
     */
    static long stateSize(String text, int[] shape, long limit) {
        String[] layers = text.split(",");
        long total = 0;
        int[] in = shape;
        for (int k = 0; k < layers.length && total <= limit; k++) {
            long size;
            try {
                int[] one = in.clone(), two = in.clone();
                one[0] = 1;
                two[0] = 2;
                long a = elements(layers[k], one), b = elements(layers[k], two);
                size = a + (b - a) * (in[0] - 1);
            } catch (IllegalArgumentException e) {
                size = elements(layers[k], in);
            }
            total += size;
            in = Spec.parse(String.join(",", Arrays.copyOf(layers, k + 1)), shape).outputShape();
        }
        return total;
    }

    private static long elements(String layer, int[] in) {
        return Spec.parse(layer, in).build(new Rng(0)).stateDict().values().stream().mapToLong(Tensor::numel).sum();
    }

    private static int[] inputShape(Path file, String s) throws IOException {
        if (s == null) throw new IOException(file + ": has a spec but no input shape (metadata \"" + INPUT_SHAPE + "\")");
        try {
            int[] shape = Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            for (int d : shape) if (d < 1) throw new NumberFormatException();
            return shape;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": metadata \"" + INPUT_SHAPE + "\" is \"" + s + "\", not positive whole numbers separated by commas");
        }
    }

    private static List<String> classes(Path file, String s, Spec spec) throws IOException {
        int[] out = spec.outputShape();
        if (s == null) throw new IOException(file + ": has a spec but no class names (metadata \"" + CLASSES + "\")");
        List<String> classes = new java.util.ArrayList<>();
        try {
            // node by node: a typed read would take numbers for strings ("[1, 2]" as "1", "2")
            var names = JSON.readTree(s);
            if (names == null || !names.isArray()) throw new IOException(file + ": metadata \"" + CLASSES + "\" is not a JSON array of strings");
            for (var n : names) {
                if (!n.isTextual()) throw new IOException(file + ": metadata \"" + CLASSES + "\" is not a JSON array of strings: it holds " + n);
                classes.add(n.textValue());
            }
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": metadata \"" + CLASSES + "\" is not a JSON array of strings: " + e.getOriginalMessage());
        }
        if (out.length != 1 || out[0] != classes.size())
            throw new IOException(file + ": names " + classes.size() + " classes, but its network gives outputs of shape "
                    + Arrays.toString(out));
        return List.copyOf(classes);
    }

    public Spec spec() {
        return spec;
    }

    /** The network, in eval mode. */
    public Sequential model() {
        return model;
    }

    public List<String> classes() {
        return classes;
    }

    /** Reads and preprocesses an image file to this network's input size, as {@link ImageFiles#read} describes; needs a [1, H, W] input. */
    public ImageFiles.Image readImage(Path file) throws IOException {
        int[] in = spec.inputShape();
        if (in.length != 3 || in[0] != 1)
            throw new IllegalArgumentException("this network takes inputs of shape " + Arrays.toString(in) + ", not one grey image [1, H, W]");
        return ImageFiles.read(file, in[1], in[2]);
    }

    /**
     * {@code name} as a terminal may show it: each control or format character (ESC, BEL, CR, a
     * bidirectional override, …) as a backslash, {@code u} and its four hex digits, and a backslash
     * doubled, so that a class name from a file cannot move the cursor, ring, or rewrite what is on
     * the screen. {@code printable("Shirt\u001B[2J")} is {@code Shirt\\u001B[2J}.
     */
    public static String printable(String name) {
        var sb = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.SURROGATE)
                sb.append(String.format("\\u%04X", cp));
            else if (cp == '\\') sb.append("\\\\");
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    /** The class probabilities for one input of raw uint8 values (for an image, its pixels row by row), transformed as the training data. */
    public float[] probabilities(byte[] pixels) {
        int[] in = spec.inputShape();
        int n = Arrays.stream(in).reduce(1, (a, b) -> a * b);
        if (pixels.length != n)
            throw new IllegalArgumentException("this network takes " + n + " values " + Arrays.toString(in) + ", got " + pixels.length);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = table[pixels[i] & 0xff];
        int[] shape = new int[in.length + 1];
        shape[0] = 1;
        System.arraycopy(in, 0, shape, 1, in.length);
        try (var g = GradMode.noGrad()) {
            return model.forward(Tensor.of(x, shape)).softmax(1).data();
        }
    }

    /** The indices of the {@code k} largest probabilities, largest first (ties: the lower index first). */
    public static int[] top(float[] probabilities, int k) {
        return java.util.stream.IntStream.range(0, probabilities.length).boxed()
                .sorted((a, b) -> probabilities[a] != probabilities[b] ? Float.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
