package jgrad.golden;

import static jgrad.golden.Golden.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import jgrad.autograd.Tensor;
import jgrad.nn.AdaptiveAvgPool2d;
import jgrad.nn.AvgPool2d;
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
import jgrad.tensor.Rng;

/**
 * Every case of modules.json: the module is built, its parameters (and BatchNorm's running
 * statistics) loaded from the case through {@code loadStateDict}, then forward, {@code backward(upstream)},
 * and the output, the input's and every parameter's gradient, and BatchNorm's buffers after are compared.
 * {@code init_linear_784_256} checks jgrad's own initialisation by its statistics.
 */
class ModulesGoldenTest {
    private static final Map<String, Function<JsonNode, Module>> MODULES = Map.ofEntries(
            Map.entry("Linear", p -> new Linear(p.get("in_features").asInt(), p.get("out_features").asInt(), true, new Rng(0))),
            Map.entry("BatchNorm1d", p -> new BatchNorm1d(p.get("num_features").asInt(), (float) p.get("eps").asDouble(),
                    (float) p.get("momentum").asDouble(), true)),
            Map.entry("BatchNorm2d", p -> new BatchNorm2d(p.get("num_features").asInt(), (float) p.get("eps").asDouble(),
                    (float) p.get("momentum").asDouble(), true)),
            Map.entry("Conv2d", p -> new Conv2d(p.get("in_channels").asInt(), p.get("out_channels").asInt(), ints(p.get("kernel_size")),
                    ints(p.get("stride")), p.get("padding").isTextual() ? null : ints(p.get("padding")), ints(p.get("dilation")),
                    p.get("groups").asInt(), p.get("bias").asBoolean(), new Rng(0))),
            Map.entry("MaxPool2d", p -> new MaxPool2d(p.get("kernel_size").asInt(), p.get("stride").asInt(), p.get("padding").asInt(),
                    p.get("dilation").asInt())),
            Map.entry("AvgPool2d", p -> new AvgPool2d(p.get("kernel_size").asInt(), p.get("stride").asInt(), p.get("padding").asInt())),
            Map.entry("AdaptiveAvgPool2d", p -> new AdaptiveAvgPool2d(p.get("output_size").asInt())),
            Map.entry("ReLU", p -> new ReLU()),
            Map.entry("LeakyReLU", p -> new LeakyReLU((float) p.get("negative_slope").asDouble())),
            Map.entry("Sigmoid", p -> new Sigmoid()),
            Map.entry("Tanh", p -> new Tanh()),
            Map.entry("Flatten", p -> new Flatten(p.get("start_dim").asInt())),
            Map.entry("Dropout", p -> new Dropout((float) p.get("p").asDouble())),
            Map.entry("Dropout2d", p -> new Dropout2d((float) p.get("p").asDouble())),
            Map.entry("Softmax", p -> new Softmax(p.get("dim").asInt())),
            Map.entry("LayerNorm", p -> new LayerNorm(ints(p.get("normalized_shape")), (float) p.get("eps").asDouble(),
                    p.get("elementwise_affine").asBoolean())));

    @TestFactory
    Stream<DynamicTest> modules() {
        return tests("modules", c -> {
            if (c.get("kind").asText().equals("init")) checkInit(c);
            else checkModule("modules", c);
        });
    }

    /** Conv2d, the poolings and BatchNorm over [N, C, *]: conv.json. */
    @TestFactory
    Stream<DynamicTest> convolutionalModules() {
        return tests("conv", c -> checkModule("conv", c));
    }

    private static void checkModule(String file, JsonNode c) {
        String kind = c.get("kind").asText();
        JsonNode p = c.get("params");
        Module m = MODULES.get(kind).apply(p);
        if (p.has("training")) {
            if (p.get("training").asBoolean()) m.train();
            else m.eval();
        }
        // the module's own state, overwritten by the buffers before (an eval case continues from its
        // train case's buffers after) and by the case's parameters/statistics (inputs)
        Map<String, Tensor> in = tensors(c.get("inputs")), state = new LinkedHashMap<>(m.stateDict());
        if (c.has("state_before")) state.putAll(tensors(c.get("state_before")));
        if (p.has("running_stats_from")) state.putAll(tensors(named(file, p.get("running_stats_from").asText()).get("state_after")));
        in.forEach((k, v) -> {
            if (state.containsKey(k)) state.put(k, v);
        });
        if (!state.isEmpty()) m.loadStateDict(state);

        Tensor x = in.get("input").requiresGrad(true);
        Tol tol = kind.equals("Linear") || kind.startsWith("BatchNorm") || kind.contains("Pool") || kind.equals("Conv2d")
                || kind.equals("Softmax") || kind.equals("LayerNorm") ? REDUCTION : ELEMENTWISE;
        Tensor y = m.forward(x);
        assertClose(c.get("output"), y, tol, "output");
        y.backward(tensor(c.get("upstream")));
        Map<String, Tensor> params = new LinkedHashMap<>(m.namedParameters());
        params.put("input", x);
        assertEquals(c.get("grads").size(), params.size(), "gradients expected for input + parameters " + params.keySet());
        c.get("grads").properties().forEach(e -> assertClose(e.getValue(), params.get(e.getKey()).grad(), tol, "grad of %s", e.getKey()));
        // the flat-background cases pin the batch statistics tighter: within float rounding of PyTorch's
        Tol stats = p.has("stats_rtol") ? new Tol(p.get("stats_rtol").asDouble(), 0) : tol;
        if (c.has("state_after"))
            c.get("state_after").properties().forEach(e -> assertClose(e.getValue(), m.stateDict().get(e.getKey()), stats, "buffer %s after", e.getKey()));
    }

    /** jgrad's RNG is not PyTorch's, so Linear(784, 256)'s init is checked as U(-b, b), b = 1/√784, by its statistics. */
    private static void checkInit(JsonNode c) {
        JsonNode p = c.get("params"), exp = c.get("expected"), tol = c.get("suggested_tolerance");
        Linear lin = new Linear(p.get("in_features").asInt(), p.get("out_features").asInt(), true, new Rng(12345));
        assertEquals(p.get("out_features").asInt() * p.get("in_features").asInt(), lin.weight.numel());
        for (String name : new String[]{"weight", "bias"}) {
            float[] d = (name.equals("weight") ? lin.weight : lin.bias).data();
            double bound = exp.get(name + "_bound").asDouble(), sum = 0, sq = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
            for (float v : d) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double mean = sum / d.length;
            for (float v : d) sq += (v - mean) * (v - mean);
            double std = Math.sqrt(sq / (d.length - 1)), expStd = exp.get(name + "_std").asDouble();
            String stats = String.format("%s: mean %.3g std %.5g min %.5g max %.5g, expected U(-%.5g, %.5g) std %.5g",
                    name, mean, std, min, max, bound, bound, expStd);
            assertTrue(min >= -bound && max <= bound, stats + ": outside the bound");
            assertTrue(Math.abs(mean - exp.get(name + "_mean").asDouble()) <= tol.get(name + "_mean_abs").asDouble(), stats + ": mean");
            assertTrue(Math.abs(std / expStd - 1) <= tol.get(name + "_std_rel").asDouble(), stats + ": std");
        }
    }
}
