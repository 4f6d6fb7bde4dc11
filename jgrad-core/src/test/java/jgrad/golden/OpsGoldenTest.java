package jgrad.golden;

import static jgrad.golden.Golden.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jgrad.autograd.Tensor;

/**
 * Every case of ops.json: the op's output (and max/argmax indices) against PyTorch's, then
 * {@code backward(upstream)} and every input's gradient. Edge cases (kinks, ties) run the same way:
 * they pin PyTorch's subgradient conventions.
 */
class OpsGoldenTest {
    /** An op applied to the case's inputs; returns a Tensor, or ValuesIndices for max. */
    interface Op {
        Object apply(Map<String, Tensor> in, JsonNode p);
    }

    /** The composite cases, by their expression. */
    private static final Map<String, Op> COMPOSITES = Map.of(
            "(x*y).exp().sum(dim=1).log()", (in, p) -> in.get("x").mul(in.get("y")).exp().sum(1, false).log(),
            "(x*x + x.exp()*y - x/(y.abs()+1)).mean(0)", (in, p) -> {
                Tensor x = in.get("x"), y = in.get("y");
                return x.mul(x).add(x.exp().mul(y)).sub(x.div(y.abs().add(1f))).mean(0, false);
            });

    private static final Map<String, Op> OPS = Map.ofEntries(
            Map.entry("add", (in, p) -> in.get("a").add(in.get("b"))),
            Map.entry("sub", (in, p) -> in.get("a").sub(in.get("b"))),
            Map.entry("mul", (in, p) -> in.get("a").mul(in.get("b"))),
            Map.entry("div", (in, p) -> in.get("a").div(in.get("b"))),
            Map.entry("matmul", (in, p) -> in.get("a").matmul(in.get("b"))),
            Map.entry("neg", (in, p) -> in.get("x").neg()),
            Map.entry("exp", (in, p) -> in.get("x").exp()),
            Map.entry("log", (in, p) -> in.get("x").log()),
            Map.entry("sqrt", (in, p) -> in.get("x").sqrt()),
            Map.entry("abs", (in, p) -> in.get("x").abs()),
            Map.entry("pow", (in, p) -> in.get("x").pow((float) p.get("exponent").asDouble())),
            Map.entry("clamp", (in, p) -> in.get("x").clamp((float) p.get("min").asDouble(), (float) p.get("max").asDouble())),
            Map.entry("relu", (in, p) -> in.get("x").relu()),
            Map.entry("leaky_relu", (in, p) -> in.get("x").leakyRelu((float) p.get("negative_slope").asDouble())),
            Map.entry("sigmoid", (in, p) -> in.get("x").sigmoid()),
            Map.entry("tanh", (in, p) -> in.get("x").tanh()),
            Map.entry("softmax", (in, p) -> in.get("x").softmax(p.get("dim").asInt())),
            Map.entry("log_softmax", (in, p) -> in.get("x").logSoftmax(p.get("dim").asInt())),
            Map.entry("sum", (in, p) -> p.has("dim") ? in.get("x").sum(p.get("dim").asInt(), p.get("keepdim").asBoolean()) : in.get("x").sum()),
            Map.entry("mean", (in, p) -> p.has("dim") ? in.get("x").mean(p.get("dim").asInt(), p.get("keepdim").asBoolean()) : in.get("x").mean()),
            // torch.var() without dim is the variance of the flattened tensor; jgrad has only the dim form
            Map.entry("var", (in, p) -> p.has("dim")
                    ? in.get("x").var(p.get("dim").asInt(), p.get("unbiased").asBoolean(), p.get("keepdim").asBoolean())
                    : in.get("x").reshape(-1).var(0, p.get("unbiased").asBoolean(), false)),
            Map.entry("max", (in, p) -> in.get("x").max(p.get("dim").asInt(), p.get("keepdim").asBoolean())),
            // torch.argmax() without dim indexes the flattened tensor
            Map.entry("argmax", (in, p) -> p.has("dim") ? in.get("x").argmax(p.get("dim").asInt()) : in.get("x").reshape(-1).argmax(0)),
            Map.entry("where", (in, p) -> Tensor.where(in.get("mask"), in.get("a"), in.get("b"))),
            Map.entry("reshape", (in, p) -> in.get("x").reshape(ints(p.get("shape")))),
            Map.entry("view", (in, p) -> in.get("x").view(ints(p.get("shape")))),
            Map.entry("index_select", (in, p) -> in.get("x").indexSelect(p.get("dim").asInt(), ints(p.get("index")))),
            Map.entry("transpose", (in, p) -> in.get("x").transpose(p.get("dim0").asInt(), p.get("dim1").asInt())),
            Map.entry("composite", (in, p) -> COMPOSITES.get(p.get("expr").asText()).apply(in, p)));

    /** Kinds that reduce or accumulate (summation order differs from PyTorch's); the rest are element-wise. */
    private static final Set<String> REDUCING = Set.of("matmul", "softmax", "log_softmax", "sum", "mean", "var", "composite");

    @TestFactory
    Stream<DynamicTest> ops() {
        return tests("ops", OpsGoldenTest::check);
    }

    private static void check(JsonNode c) {
        String kind = c.get("kind").asText();
        Tol tol = REDUCING.contains(kind) ? REDUCTION : ELEMENTWISE;
        Map<String, Tensor> in = tensors(c.get("inputs"));
        JsonNode grads = c.get("grads");
        in.forEach((k, t) -> t.requiresGrad(grads != null && grads.has(k)));

        ObjectNode p = c.get("params").deepCopy();
        if (c.has("index")) p.set("index", c.get("index")); // index_select's index list is top-level
        assertNotNull(OPS.get(kind), "no jgrad op for kind " + kind);
        Object result = OPS.get(kind).apply(in, p);
        Tensor out;
        if (result instanceof jgrad.autograd.Reductions.ValuesIndices vi) {
            assertIndices(c.get("indices"), vi.indices(), "indices");
            out = vi.values();
        } else out = (Tensor) result;
        if (kind.equals("argmax")) {
            assertIndices(c.get("indices"), out, "argmax");
            return;
        }
        assertClose(c.get("output"), out, tol, "output");
        out.backward(tensor(c.get("upstream")));
        assertEquals(grads.size(), in.values().stream().filter(Tensor::requiresGrad).count(), "inputs requiring grad");
        grads.properties().forEach(e -> assertClose(e.getValue(), in.get(e.getKey()).grad(), tol, "grad of %s", e.getKey()));
    }
}
