package jgrad.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jgrad.autograd.Tensor;

/**
 * Loads the PyTorch 1.13 golden fixtures ({@code src/test/resources/golden/*.json}, written by
 * {@code tools/golden.py}, schema in {@code tools/README-golden.md}) and compares jgrad's tensors
 * against them.
 *
 * <p><b>Tolerances</b> ({@code |actual - expected| <= atol + rtol·|expected|}, element-wise). Everything
 * is float32 on both sides, but the two libraries round differently: jgrad evaluates transcendental
 * functions in double and rounds once, and sums some reductions (sum(), softmax's Σexp, batch-norm
 * statistics) in double, while PyTorch accumulates in float, vectorised, in another order.
 * <ul>
 *   <li>{@link #ELEMENTWISE}: one op per element, a few ulps apart at most → rtol 1e-6 (≈ 8 ulp), atol 1e-7
 *       for values that cancel towards 0.</li>
 *   <li>{@link #REDUCTION}: sums, matmul, softmax, variance, batch norm, losses → rtol 1e-5, atol 1e-6
 *       (differences in summation order grow with the number of terms; the cases are small).</li>
 *   <li>{@link #TRAJECTORY}: parameters and optimizer state after 5 optimizer steps, where the
 *       per-step differences compound (Adam divides by √v, which amplifies them for tiny gradients)
 *       → rtol 1e-4, atol 1e-5.</li>
 * </ul>
 */
final class Golden {
    private Golden() {}

    record Tol(double rtol, double atol) {}

    static final Tol ELEMENTWISE = new Tol(1e-6, 1e-7);
    static final Tol REDUCTION = new Tol(1e-5, 1e-6);
    static final Tol TRAJECTORY = new Tol(1e-4, 1e-5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<JsonNode>> CACHE = new ConcurrentHashMap<>();

    /** The cases of {@code golden/<file>.json}. */
    static List<JsonNode> cases(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            try (InputStream in = Golden.class.getResourceAsStream("/golden/" + f + ".json")) {
                if (in == null) throw new IllegalStateException("missing fixture golden/" + f + ".json on the test classpath");
                List<JsonNode> out = new ArrayList<>();
                JSON.readTree(in).get("cases").forEach(out::add);
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The case named {@code name} of {@code file}. */
    static JsonNode named(String file, String name) {
        return cases(file).stream().filter(c -> c.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no case " + name + " in golden/" + file + ".json"));
    }

    /** One dynamic test per case of {@code file}, named by the case name. */
    static Stream<DynamicTest> tests(String file, Consumer<JsonNode> body) {
        return cases(file).stream().map(c -> test(c.get("name").asText(), () -> body.accept(c)));
    }

    /** A dynamic test whose failure message starts with its name (surefire's summary shows only an index). */
    static DynamicTest test(String name, Runnable body) {
        return DynamicTest.dynamicTest(name, () -> {
            try {
                body.run();
            } catch (AssertionFailedError e) {
                throw new AssertionFailedError(name + ": " + e.getMessage(), e.getExpected(), e.getActual(), e);
            } catch (RuntimeException e) {
                throw new RuntimeException(name + ": " + e, e);
            }
        });
    }

    /** A fixture tensor {@code {"shape", "data"}} as a new jgrad leaf (integer data becomes float, as jgrad's labels). */
    static Tensor tensor(JsonNode t) {
        return Tensor.of(floats(t.get("data")), ints(t.get("shape")));
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    /** Every tensor of an object {@code name → tensor}, in file order. */
    static Map<String, Tensor> tensors(JsonNode object) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), tensor(e.getValue())));
        return out;
    }

    static void assertClose(JsonNode expected, Tensor actual, Tol tol, String message) {
        assertClose(tensor(expected), actual, tol.rtol, tol.atol, message);
    }

    static void assertClose(JsonNode expected, Tensor actual, Tol tol, String message, Object... args) {
        assertClose(expected, actual, tol, String.format(message, args));
    }

    /** Shapes equal and {@code |a - e| <= atol + rtol·|e|} everywhere; reports the first mismatch. */
    static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String message) {
        if (actual == null) fail(message + ": got null, expected a tensor of shape " + Arrays.toString(expected.shape()));
        if (!Arrays.equals(expected.shape(), actual.shape()))
            fail(message + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
        float[] e = expected.data(), a = actual.data();
        int bad = 0, first = -1;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            if (!(err <= atol + rtol * Math.abs(e[i]))) {
                if (first < 0) first = i;
                bad++;
                worst = Double.isNaN(err) ? Double.NaN : Math.max(worst, err);
            }
        }
        if (first >= 0)
            fail(String.format("%s: %d of %d elements differ (rtol %g, atol %g); first at %s (flat %d) of shape %s: expected %s, got %s"
                            + " (abs err %.3g); max abs err %.3g", message, bad, e.length, rtol, atol,
                    Arrays.toString(unravel(first, expected.shape())), first, Arrays.toString(expected.shape()),
                    Float.toString(e[first]), Float.toString(a[first]), Math.abs((double) a[first] - e[first]), worst));
    }

    /** Exact comparison of an integer fixture tensor (indices) with jgrad's float indices. */
    static void assertIndices(JsonNode expected, Tensor actual, String message) {
        Tensor e = tensor(expected);
        assertArrayEquals(e.shape(), actual.shape(), message + ": shape");
        assertArrayEquals(e.data(), actual.data(), message);
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
