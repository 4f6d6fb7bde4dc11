package jgrad.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.ImageFiles;
import jgrad.data.Task;
import jgrad.data.Transform;
import jgrad.data.Transforms;
import jgrad.models.Spec;
import jgrad.nn.SafeTensors;
import jgrad.nn.Sequential;
import jgrad.tensor.Format;
import jgrad.tensor.Rng;

/**
 * A trained network rebuilt from its safetensors file alone, for inference on raw inputs
 * transformed as the training data was: {@code p = softmax(model(transform(x)))} for a classifier,
 * {@code [1 − σ(z), σ(z)]} for a binary one, and {@code model(transform(x))·std + mean} for
 * regression (in the targets' units). {@code jgrad train --save} writes, besides the state dict,
 * the {@code __metadata__} that makes this possible:
 * <pre>
 *   jgrad.spec         the network as a {@link Spec}: "flatten, fc1=linear 256, relu, fc2=linear 128, relu, fc3=linear 10"
 *   jgrad.input_shape  without the batch dimension, comma-separated: "1,28,28"
 *   jgrad.classes      the output classes' names as a JSON array: ["T-shirt/top", "Trouser", …] ([] for regression)
 *   jgrad.task         classify, binary or regress (absent: classify)
 *   jgrad.transform    the input transform as JSON: {"scale":255,"mean":[0.5],"std":[0.5]} is ToTensor then
 *                      Normalize(0.5, 0.5) (absent: that, the notebook's)
 *   jgrad.targets      regression: the targets' mean and std as JSON, {"mean":[…],"std":[…]}
 *   jgrad.data         what the network was trained on: fashion-mnist, mnist, cifar10, folder or csv (absent: fashion-mnist)
 *   jgrad.features     a table's feature columns as a JSON array, so new rows are read by name
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
    public static final String SPEC = "jgrad.spec", INPUT_SHAPE = "jgrad.input_shape", CLASSES = "jgrad.classes", VERSION = "jgrad.version",
            TASK = "jgrad.task", TRANSFORM = "jgrad.transform", TARGETS = "jgrad.targets", DATA = "jgrad.data", FEATURES = "jgrad.features";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Spec spec;
    private final Sequential model;
    private final List<String> classes;
    private final Task task;
    private final Transform transform;
    private final float[][] table;
    private final float[] targetMean, targetStd;
    private final Map<String, String> metadata;

    private Predictor(Spec spec, Sequential model, List<String> classes, Task task, Transform transform, float[] targetMean, float[] targetStd,
                      Map<String, String> metadata) {
        this.spec = spec;
        this.model = model;
        this.classes = classes;
        this.task = task;
        this.transform = transform;
        this.table = transform.lookupTable(spec.inputShape()[0]);
        this.targetMean = targetMean;
        this.targetStd = targetStd;
        this.metadata = metadata;
        model.eval();
    }

    /** The metadata {@link #load} needs for a classifier of Fashion-MNIST-like images with the notebook's transform. */
    public static Map<String, String> metadata(String spec, int[] inputShape, List<String> classes, String version) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SPEC, spec);
        m.put(INPUT_SHAPE, String.join(",", Arrays.stream(inputShape).mapToObj(Integer::toString).toList()));
        m.put(CLASSES, json(classes));
        m.put(VERSION, version);
        return m;
    }

    /**
     * The metadata {@link #load} needs for a network of {@code spec} trained on {@code data}, for
     * {@link SafeTensors#save(Map, Map, Path)}.
     *
     * @param source   what it was trained on (see the class notes)
     * @param features a table's feature columns, or null
     */
    public static Map<String, String> metadata(Spec spec, Run.Data data, String source, List<String> features, String version) {
        Map<String, String> m = metadata(spec.resolved(), data.inputShape(), data.classNames(), version);
        m.put(TASK, data.task().id());
        m.put(TRANSFORM, json(Transforms.toMap(data.transform())));
        if (data.targetMean() != null) m.put(TARGETS, json(Map.of("mean", data.targetMean(), "std", data.targetStd())));
        m.put(DATA, source);
        if (features != null) m.put(FEATURES, json(features));
        return m;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // lists and maps of strings and numbers always serialise
        }
    }

    /** The transform {@link Transforms#toMap} wrote, as JSON. */
    private static Transform transform(Path file, String s) throws IOException {
        if (s == null) return Run.TRANSFORM;
        try {
            return Transforms.fromMap(JSON.readValue(s, new TypeReference<Map<String, Object>>() {}));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(file + ": metadata \"" + TRANSFORM + "\" is not a transform jgrad wrote: " + e.getMessage());
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).floatValue();
        return out;
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
        Task task;
        try {
            task = meta.containsKey(TASK) ? Task.byId(meta.get(TASK)) : Task.CLASSIFY;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": metadata \"" + TASK + "\": " + e.getMessage());
        }
        List<String> classes = classes(file, meta.get(CLASSES), spec, task);
        Transform transform = transform(file, meta.get(TRANSFORM));
        if (transform.channels() != 0 && transform.channels() != shape[0])
            throw new IOException(file + ": its transform is for " + transform.channels() + " channels, its inputs " + Arrays.toString(shape)
                    + " have " + shape[0]);
        float[] mean = null, std = null;
        if (task == Task.REGRESS) {
            int t = spec.outputShape()[0];
            try {
                Map<String, Object> m = JSON.readValue(meta.getOrDefault(TARGETS, "{}"), new TypeReference<Map<String, Object>>() {});
                mean = floats(m.get("mean"));
                std = floats(m.get("std"));
            } catch (JsonProcessingException | RuntimeException e) {
                throw new IOException(file + ": metadata \"" + TARGETS + "\" is not the targets' mean and std: " + e.getMessage());
            }
            if (mean.length != t || std.length != t)
                throw new IOException(file + ": metadata \"" + TARGETS + "\" has " + mean.length + " means and " + std.length
                        + " stds for " + t + " outputs");
        }
        // a network far larger than the file's tensors is refused before it is built; a near miss is built and loadStateDict names the keys
        long present = c.tensors().values().stream().mapToLong(Tensor::numel).sum(), allowed = 2 * present + (1 << 18);
        long needed = spec.parameterCount(); // from the spec's shape inference: nothing is built to count it
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
        return new Predictor(spec, model, classes, task, transform, mean, std, Map.copyOf(meta));
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

    private static List<String> classes(Path file, String s, Spec spec, Task task) throws IOException {
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
        int expected = task == Task.CLASSIFY ? classes == null ? 0 : classes.size() : task == Task.BINARY ? 1 : out.length == 1 ? out[0] : -1;
        if (classes == null || classes.contains(null) || out.length != 1 || out[0] != expected || (task == Task.BINARY && classes.size() != 2)
                || (task == Task.REGRESS && !classes.isEmpty()))
            throw new IOException(file + ": names " + (classes == null ? 0 : classes.size()) + " classes"
                    + (task == Task.CLASSIFY ? "" : " for a " + task.id() + " network") + ", but its network gives outputs of shape "
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

    public Task task() {
        return task;
    }

    /** The file's metadata entry {@code key} (e.g. {@link #DATA}, {@link #FEATURES}), or null. */
    public String metadata(String key) {
        return metadata.get(key);
    }

    /**
     * A picture file read as this network's input, the raw uint8 values {@link #probabilities} takes,
     * and what was done to it. A network of grey images from Fashion-MNIST or MNIST (a light object
     * on black) gets {@link ImageFiles#read}'s preprocessing: grey, inverted when its border is
     * lighter than its centre, padded to a square and resized by area averaging. Any other network of
     * {@code [C, H, W]} images gets the picture as C channels stretched to H×W by area averaging, as
     * its training images were read ({@link ImageFiles#readChannels}).
     *
     * @throws IllegalArgumentException if the network does not take images
     */
    public Picture readPicture(Path file) throws IOException {
        int[] in = spec.inputShape();
        if (in.length != 3 || (in[0] != 1 && in[0] != 3))
            throw new IllegalArgumentException("this network takes inputs of shape " + Arrays.toString(in) + ", not images [1 or 3, H, W]");
        String data = metadata.getOrDefault(DATA, "fashion-mnist");
        if (in[0] == 1 && (data.equals("fashion-mnist") || data.equals("mnist"))) {
            ImageFiles.Image im = ImageFiles.read(file, in[1], in[2]);
            return new Picture(im.pixels(), im.how());
        }
        ImageFiles.Pixels px = ImageFiles.readChannels(file, in[0], in[1], in[2]);
        return new Picture(px.chw(), (in[0] == 1 ? "grey" : "RGB") + (px.sourceWidth() == in[2] && px.sourceHeight() == in[1] ? ", "
                + in[2] + "×" + in[1] + ", not resized" : ", resized " + px.sourceWidth() + "×" + px.sourceHeight() + " → " + in[2] + "×" + in[1]));
    }

    /** A picture as a network's raw input ({@code [C, H, W]} uint8 values) and what was done to it, for a person to read. */
    public record Picture(byte[] pixels, String how) {}

    /**
     * Reads and preprocesses an image file to this network's input size, as {@link ImageFiles#read}
     * describes (grey, a light object centred on black, as Fashion-MNIST and MNIST); needs a [1, H, W] input.
     */
    public ImageFiles.Image readImage(Path file) throws IOException {
        int[] in = spec.inputShape();
        if (in.length != 3 || in[0] != 1)
            throw new IllegalArgumentException("this network takes inputs of shape " + Arrays.toString(in) + ", not one grey image [1, H, W]");
        return ImageFiles.read(file, in[1], in[2]);
    }

    /** A table's feature columns the network was trained on, by name, or null (not a table, or one without a header). */
    public List<String> features() throws IOException {
        String s = metadata.get(FEATURES);
        if (s == null) return null;
        try {
            return List.copyOf(JSON.readValue(s, new TypeReference<List<String>>() {}));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IOException("metadata \"" + FEATURES + "\" is not a JSON array of strings");
        }
    }

    /** {@code name} with control characters escaped, as {@link Format#printable} writes it (class names come from files). */
    public static String printable(String name) {
        return Format.printable(name);
    }

    /**
     * The class probabilities (regression: the predicted targets) for one input of raw uint8 values
     * (for an image, its pixels channel by channel, row by row), transformed as the training data.
     */
    public float[] probabilities(byte[] pixels) {
        int n = check(pixels.length), plane = n / spec.inputShape()[0];
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = table[i / plane][pixels[i] & 0xff];
        return predictTransformed(x);
    }

    /** The class probabilities (regression: the predicted targets) for one input of raw values (a table's row), transformed as the training data. */
    public float[] predict(float[] values) {
        int n = check(values.length), per = n / spec.inputShape()[0];
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = transform.apply(i / per, values[i]);
        return predictTransformed(x);
    }

    private int check(int length) {
        int[] in = spec.inputShape();
        int n = Arrays.stream(in).reduce(1, (a, b) -> a * b);
        if (length != n) throw new IllegalArgumentException("this network takes " + n + " values " + Arrays.toString(in) + ", got " + length);
        return n;
    }

    private float[] predictTransformed(float[] x) {
        int[] in = spec.inputShape();
        int[] shape = new int[in.length + 1];
        shape[0] = 1;
        System.arraycopy(in, 0, shape, 1, in.length);
        try (var g = GradMode.noGrad()) {
            Tensor out = model.forward(Tensor.of(x, shape));
            return switch (task) {
                case CLASSIFY -> out.softmax(1).data();
                case BINARY -> {
                    float p = out.sigmoid().item();
                    yield new float[]{1 - p, p};
                }
                case REGRESS -> {
                    float[] y = out.data();
                    for (int j = 0; j < y.length; j++) y[j] = y[j] * targetStd[j] + targetMean[j];
                    yield y;
                }
            };
        }
    }

    /** The indices of the {@code k} largest probabilities, largest first (ties: the lower index first). */
    public static int[] top(float[] probabilities, int k) {
        return java.util.stream.IntStream.range(0, probabilities.length).boxed()
                .sorted((a, b) -> probabilities[a] != probabilities[b] ? Float.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
