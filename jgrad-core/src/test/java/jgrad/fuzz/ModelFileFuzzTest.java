package jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jgrad.app.Predictor;
import jgrad.autograd.Tensor;
import jgrad.data.FashionMNIST;
import jgrad.fuzz.Fuzz.Expect;
import jgrad.fuzz.Fuzz.Input;
import jgrad.models.Spec;
import jgrad.tensor.Rng;

/**
 * The fuzz campaign of {@link Predictor#load}, the reader of model files ({@code jgrad predict},
 * {@code jgrad export}): seeds of an MLP, a batch-norm MLP and a CNN as {@code jgrad train --save}
 * writes them, then one mutation: the safetensors campaign's (any outcome, judged by the check), or
 * a model-level one whose outcome is known. Hostile input shapes (more values than
 * {@link Predictor#MAX_INPUT}), non-finite tensors, tensors of other shapes or missing, and missing
 * metadata must be refused; finite weight changes, class names with control characters and a
 * missing version must load. An accepted model must give finite probabilities summing to 1 over
 * as many classes as it names.
 */
class ModelFileFuzzTest {
    @TempDir
    Path dir;

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SPECS = List.of("flatten, linear 10", "flatten, fc1=linear 16, bn, relu, fc2=linear 10",
            "conv 2 3 same, relu, maxpool 2, flatten, linear 10");
    static final List<Map<String, Tensor>> STATES = SPECS.stream().map(s -> Spec.parse(s, 1, 28, 28).build(new Rng(1)).stateDict()).toList();
    static final List<String> SHAPES = List.of("1,65536,65536", "1,46341,46341", "1,20000,20000", "1,8001,8000", "2147483647,2,2",
            "0,28,28", "-1,28,28", "1,28", "1,28,28,1", "", "1,,28", "1, 28, 28", "1,14,14", "3,28,28", "x");

    @Test
    void modelFiles() throws IOException {
        Fuzz.campaign("model-file", TARGET, Fuzz.INPUTS, ModelFileFuzzTest::generate, dir);
    }

    static Input generate(SplittableRandom r) {
        int seed = r.nextInt(SPECS.size());
        Map<String, Tensor> state = new LinkedHashMap<>(STATES.get(seed));
        Map<String, String> meta = new LinkedHashMap<>(Predictor.metadata(SPECS.get(seed), new int[]{1, 28, 28},
                FashionMNIST.SPEC.classNames(), "0.1.0"));
        String how;
        Expect expect;
        switch (r.nextInt(8)) {
            case 0, 1 -> {
                Input in = SafeTensorsMutations.generate(r, encode(state, meta));
                return new Input("safetensors: " + in.how(), in.expect() == Expect.REFUSE ? Expect.REFUSE : Expect.EITHER, in.files());
            }
            case 2 -> { // an input shape, hostile or not
                String s = r.nextInt(4) == 0 ? (1 + r.nextInt(3)) + "," + (1 + r.nextInt(60000)) + "," + (1 + r.nextInt(60000)) : SHAPES.get(r.nextInt(SHAPES.size()));
                meta.put(Predictor.INPUT_SHAPE, s);
                how = "input shape '" + s + "'";
                expect = values(s) > Predictor.MAX_INPUT || values(s) < 1 ? Expect.REFUSE : Expect.EITHER;
            }
            case 3 -> { // class names: control characters load (and print escaped); other counts and types do not
                String[] names = {"[\"a\\u001b[2Jb\",\"\\u0007\",\"c\\r\",\"d\",\"e\\u202e\",\"f\",\"g\",\"h\",\"i\",\"j\"]",
                        "[\"a\",\"b\"]", "[1,2,3,4,5,6,7,8,9,10]", "[null,\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"]", "{}", "[", "null"};
                int i = r.nextInt(names.length);
                meta.put(Predictor.CLASSES, names[i]);
                how = "classes " + names[i];
                expect = i == 0 ? Expect.LOAD : Expect.REFUSE;
            }
            case 4 -> { // metadata dropped
                String k = List.of(Predictor.SPEC, Predictor.INPUT_SHAPE, Predictor.CLASSES, Predictor.VERSION).get(r.nextInt(4));
                meta.remove(k);
                how = "without " + k;
                expect = k.equals(Predictor.VERSION) ? Expect.LOAD : Expect.REFUSE;
            }
            case 5 -> { // a weight: finite loads, non-finite is refused
                List<String> keys = state.keySet().stream().filter(k -> !k.endsWith("num_batches_tracked")).toList();
                String k = keys.get(r.nextInt(keys.size()));
                float[] w = state.get(k).data().clone();
                float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -2f};
                int i = r.nextInt(w.length);
                w[i] = values[r.nextInt(values.length)];
                state.put(k, Tensor.of(w, state.get(k).shape()));
                how = k + "[" + i + "] = " + w[i];
                expect = Float.isFinite(w[i]) && !(k.endsWith("running_var") && w[i] < 0) ? Expect.LOAD : Expect.REFUSE;
            }
            case 6 -> { // a tensor of another shape, dropped, or added
                List<String> keys = new ArrayList<>(state.keySet());
                String k = keys.get(r.nextInt(keys.size()));
                Tensor t = state.get(k);
                switch (r.nextInt(3)) {
                    case 0 -> {
                        int[] shape = t.shape().length == 2 && t.shape()[0] != t.shape()[1] ? new int[]{t.shape()[1], t.shape()[0]} : new int[]{1, t.numel()};
                        state.put(k, Tensor.of(t.data(), shape));
                        how = k + " reshaped to " + Arrays.toString(shape);
                    }
                    case 1 -> {
                        state.remove(k);
                        how = "without " + k;
                    }
                    default -> {
                        state.put("extra", Tensor.of(1f));
                        how = "with a tensor extra";
                    }
                }
                expect = Expect.REFUSE;
            }
            default -> { // another spec: it fits the tensors or it does not
                String s = SPECS.get(r.nextInt(SPECS.size())) + (r.nextBoolean() ? "" : ", relu");
                meta.put(Predictor.SPEC, s);
                how = "spec '" + s + "'";
                expect = Expect.EITHER;
            }
        }
        return new Input(how, expect, encode(state, meta));
    }

    /** The values of an input shape's text, or -1 when it is not positive whole numbers. */
    static long values(String s) {
        long n = 1;
        try {
            for (String d : s.split(",", -1)) {
                long v = Long.parseLong(d.strip());
                if (v < 1) return -1;
                n = Math.min(n * v, Long.MAX_VALUE / Integer.MAX_VALUE);
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return n;
    }

    /** The safetensors bytes of {@code state} and {@code meta}, as SafeTensors.save writes them (batch norm's counter as I64). */
    static byte[] encode(Map<String, Tensor> state, Map<String, String> meta) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode m = header.putObject("__metadata__");
        meta.forEach(m::put);
        long offset = 0;
        for (var e : state.entrySet()) {
            boolean counter = e.getKey().endsWith("num_batches_tracked");
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", counter ? "I64" : "F32");
            var shape = t.putArray("shape");
            for (int d : e.getValue().shape()) shape.add(d);
            long end = offset + (counter ? 8L : 4L) * e.getValue().numel();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        while (b.position() < 8 + padded) b.put((byte) ' ');
        for (var e : state.entrySet())
            for (float v : e.getValue().data()) {
                if (e.getKey().endsWith("num_batches_tracked")) b.putLong((long) v);
                else b.putFloat(v);
            }
        return b.array();
    }

    static final Fuzz.Target<Predictor> TARGET = new Fuzz.Target<>() {
        public List<String> names() {
            return List.of("model.safetensors");
        }

        public Class<? extends IOException> refusal() {
            return IOException.class;
        }

        public Predictor read(List<Path> files) throws IOException {
            return Predictor.load(files.getFirst());
        }

        /** An accepted model classifies a blank input into a distribution over its named classes, which print without control characters. */
        public void check(Input in, Predictor p) {
            long n = Arrays.stream(p.spec().inputShape()).asLongStream().reduce(1, (a, b) -> a * b);
            assertTrue(n <= Predictor.MAX_INPUT, "input of " + n + " values");
            float[] probs = p.probabilities(new byte[(int) n]);
            assertEquals(p.classes().size(), probs.length);
            double sum = 0;
            for (float v : probs) {
                assertTrue(Float.isFinite(v) && v >= 0, Arrays.toString(probs));
                sum += v;
            }
            assertEquals(1, sum, 1e-4);
            for (String c : p.classes()) assertTrue(Predictor.printable(c).chars().noneMatch(Character::isISOControl), Predictor.printable(c));
        }
    };
}
