package jgrad.golden;

import static jgrad.golden.Golden.*;

import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import jgrad.autograd.Tensor;
import jgrad.exercises.Exercise1b;

/**
 * notebook_1b.json: exercise 1 b) both ways, the notebook's manual BCE/backward/SGD
 * ({@link Exercise1b#manual}) and autograd with BCELoss ({@link Exercise1b#autograd}), each against
 * PyTorch's: forward a1..a3, loss, the W1..W3 gradients and the weights after one SGD step.
 * Tolerance {@link Golden#REDUCTION} (tiny matmuls).
 */
class Notebook1bGoldenTest {
    interface Path {
        Exercise1b.Result run(Tensor x, float y, Tensor[] w, float lr);
    }

    @TestFactory
    Stream<DynamicTest> exercise1b() {
        return cases("notebook_1b").stream().flatMap(c -> Stream.of(
                test(c.get("name").asText() + " [manual]", () -> check(c, "manual", Exercise1b::manual)),
                test(c.get("name").asText() + " [autograd]", () -> check(c, "autograd", Exercise1b::autograd))));
    }

    private static void check(JsonNode c, String path, Path fn) {
        JsonNode in = c.get("inputs"), exp = c.get(path), fwd = c.get("forward");
        Function<String, Tensor> w = k -> tensor(in.get(k));
        Tensor[] weights = {w.apply("W1"), w.apply("W2"), w.apply("W3")};
        Exercise1b.Result r = fn.run(tensor(in.get("X")), (float) in.get("y").get("data").get(0).asDouble(), weights,
                (float) c.get("params").get("lr").asDouble());
        assertClose(fwd.get("a1"), r.a1(), REDUCTION, "a1");
        assertClose(fwd.get("a2"), r.a2(), REDUCTION, "a2");
        assertClose(fwd.get("a3"), r.a3(), REDUCTION, "a3");
        // the notebook's loss is [1,1] (y [1] against a3 [1,1]), autograd's a scalar: compare the value
        assertClose(Tensor.scalar((float) exp.get("loss").get("data").get(0).asDouble()), Tensor.scalar(r.loss()),
                REDUCTION.rtol(), REDUCTION.atol(), "loss");
        String[] names = {"W1", "W2", "W3"};
        for (int i = 0; i < 3; i++) {
            assertClose(exp.get("grads").get(names[i]), r.grads()[i], REDUCTION, "grad %s", names[i]);
            assertClose(exp.get("updated").get(names[i]), r.updated()[i], REDUCTION, "updated %s", names[i]);
        }
    }
}
