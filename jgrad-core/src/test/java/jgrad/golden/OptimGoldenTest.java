package jgrad.golden;

import static jgrad.golden.Golden.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import jgrad.autograd.Tensor;
import jgrad.loss.Losses;
import jgrad.loss.Reduction;
import jgrad.nn.BatchNorm1d;
import jgrad.nn.LeakyReLU;
import jgrad.nn.Linear;
import jgrad.nn.Parameter;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.optim.Adam;
import jgrad.optim.AdamW;
import jgrad.optim.CosineAnnealingLR;
import jgrad.optim.LRScheduler;
import jgrad.optim.Optimizer;
import jgrad.optim.SGD;
import jgrad.optim.StepLR;
import jgrad.tensor.Rng;

/**
 * Every optimizer configuration of optim.json: the case's network is loaded with its initial
 * state_dict and trained for its steps ({@code zeroGrad; CE(net(x), y).backward(); step; [scheduler.step()]}),
 * comparing each step's loss and lr, the state_dict after step 1 ({@link Golden#REDUCTION}: one step
 * from identical weights) and at the end including BatchNorm buffers, and the optimizer's state
 * ({@link Golden#TRAJECTORY}: differences compound over the steps). A second test per case stops after
 * 2 steps, saves model and optimizer, restores both into new objects and finishes: bit-identical to
 * the uninterrupted run.
 */
class OptimGoldenTest {
    private static final Map<String, BiFunction<List<Parameter>, JsonNode, Optimizer>> OPTIMIZERS = Map.of(
            "SGD", (ps, p) -> new SGD(ps, f(p, "lr", Float.NaN), f(p, "momentum", 0f), f(p, "dampening", 0f),
                    f(p, "weight_decay", 0f), p.path("nesterov").asBoolean(false)),
            "Adam", (ps, p) -> new Adam(ps, f(p, "lr", Float.NaN), beta(p, 0, 0.9f), beta(p, 1, 0.999f), f(p, "eps", 1e-8f),
                    f(p, "weight_decay", 0f), p.path("amsgrad").asBoolean(false)),
            "AdamW", (ps, p) -> new AdamW(ps, f(p, "lr", Float.NaN), beta(p, 0, 0.9f), beta(p, 1, 0.999f), f(p, "eps", 1e-8f),
                    f(p, "weight_decay", 0.01f), p.path("amsgrad").asBoolean(false)));

    private static final Map<String, BiFunction<Optimizer, JsonNode, LRScheduler>> SCHEDULERS = Map.of(
            "StepLR", (o, s) -> new StepLR(o, s.get("step_size").asInt(), f(s, "gamma", Float.NaN)),
            "CosineAnnealingLR", (o, s) -> new CosineAnnealingLR(o, s.get("T_max").asInt(), f(s, "eta_min", Float.NaN)));

    private static float f(JsonNode p, String key, float dflt) {
        return p.has(key) ? (float) p.get(key).asDouble() : dflt;
    }

    private static float beta(JsonNode p, int i, float dflt) {
        return p.has("betas") ? (float) p.get("betas").get(i).asDouble() : dflt;
    }

    /** The case's network, loaded with its initial state_dict, in train mode. */
    private static Sequential net(JsonNode c) {
        Rng rng = new Rng(0); // overwritten by init; keeps the global generator untouched
        Sequential net = c.get("init").has("1.running_mean")
                ? new Sequential(new Linear(6, 8, true, rng), new BatchNorm1d(8), new LeakyReLU(0.2f), new Linear(8, 3, true, rng))
                : new Sequential(new Linear(4, 5, true, rng), new ReLU(), new Linear(5, 3, true, rng));
        net.loadStateDict(tensors(c.get("init")));
        net.train();
        return net;
    }

    /** A model, its optimizer and (scheduled cases) scheduler. */
    private record Run(Sequential net, Optimizer opt, LRScheduler sched) {
        static Run of(JsonNode c, Sequential net) {
            Optimizer opt = OPTIMIZERS.get(c.get("kind").asText()).apply(net.parameters(), c.get("params"));
            JsonNode s = c.get("scheduler");
            return new Run(net, opt, s == null ? null : SCHEDULERS.get(s.get("kind").asText()).apply(opt, s));
        }

        /** One training step; returns the loss (computed before the update). */
        float step(JsonNode c) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(net.forward(tensor(c.get("inputs").get("x"))), Tensor.of(floats(c.get("target"))), Reduction.MEAN);
            loss.backward();
            opt.step();
            if (sched != null) sched.step();
            return loss.item();
        }
    }

    @TestFactory
    Stream<DynamicTest> trajectories() {
        return tests("optim", c -> {
            Run run = Run.of(c, net(c));
            int steps = c.get("steps").asInt();
            for (int i = 0; i < steps; i++) {
                if (c.has("lrs")) assertLr(c.get("lrs").get(i).asDouble(), run.opt.lr(), "lr of step " + (i + 1));
                float loss = run.step(c);
                assertClose(Tensor.scalar((float) c.get("losses").get(i).asDouble()), Tensor.scalar(loss),
                        i == 0 ? REDUCTION.rtol() : TRAJECTORY.rtol(), i == 0 ? REDUCTION.atol() : TRAJECTORY.atol(), "loss of step " + (i + 1));
                if (i == 0) assertStateDict(c.get("after_step1"), run.net, REDUCTION, "after step 1");
            }
            if (c.has("lr_after")) assertLr(c.get("lr_after").asDouble(), run.opt.lr(), "lr after the last scheduler step");
            assertStateDict(c.get("final"), run.net, TRAJECTORY, "final");
            assertOptimizerState(c.get("state"), run.net, run.opt);
        });
    }

    @TestFactory
    Stream<DynamicTest> resumeAfterTwoSteps() {
        return cases("optim").stream().map(c -> test(c.get("name").asText() + " [resume after 2]", () -> {
            int steps = c.get("steps").asInt(), stop = 2;
            Run straight = Run.of(c, net(c)), first = Run.of(c, net(c));
            for (int i = 0; i < steps; i++) straight.step(c);
            for (int i = 0; i < stop; i++) first.step(c);

            Sequential net2 = net(c);
            net2.loadStateDict(first.net.stateDict());
            Run resumed = Run.of(c, net2);
            // LRScheduler has no state_dict: bring the new scheduler to the same epoch, then restore the optimizer (incl. lr)
            for (int i = 0; i < stop && resumed.sched != null; i++) resumed.sched.step();
            resumed.opt.loadStateDict(first.opt.stateDict());
            for (int i = stop; i < steps; i++) resumed.step(c);

            straight.net.stateDict().forEach((k, v) -> assertArrayEquals(v.data(), resumed.net.stateDict().get(k).data(), "resumed " + k));
            assertEquals(straight.opt.lr(), resumed.opt.lr(), "resumed lr");
            assertStateDict(c.get("final"), resumed.net, TRAJECTORY, "final (resumed)");
        }));
    }

    private static void assertLr(double expected, float actual, String message) {
        assertClose(Tensor.scalar((float) expected), Tensor.scalar(actual), 1e-6, 0, message);
    }

    private static void assertStateDict(JsonNode expected, Sequential net, Tol tol, String when) {
        Map<String, Tensor> sd = net.stateDict();
        assertEquals(new TreeSet<>(names(expected)), new TreeSet<>(sd.keySet()), "state_dict keys " + when);
        expected.properties().forEach(e -> assertClose(e.getValue(), sd.get(e.getKey()), tol, "%s %s", e.getKey(), when));
    }

    /** PyTorch's state by parameter name ↔ jgrad's {@code "<index in parameters()>.<name>"}. */
    private static void assertOptimizerState(JsonNode expected, Sequential net, Optimizer opt) {
        List<String> params = new ArrayList<>(net.namedParameters().keySet());
        Map<String, float[]> state = opt.stateDict();
        List<String> expectedKeys = new ArrayList<>();
        if (expected != null)
            expected.properties().forEach(p -> p.getValue().properties().forEach(e -> {
                String key = params.indexOf(p.getKey()) + "." + e.getKey();
                expectedKeys.add(key);
                float[] got = state.get(key);
                assertNotNull(got, "optimizer state " + key + " (" + p.getKey() + "." + e.getKey() + ") missing; jgrad has " + state.keySet());
                if (e.getValue().isNumber())
                    assertEquals((float) e.getValue().asDouble(), got[0], "optimizer state " + p.getKey() + "." + e.getKey());
                else
                    assertClose(e.getValue(), Tensor.of(got, ints(e.getValue().get("shape"))), TRAJECTORY,
                            "optimizer state %s.%s", p.getKey(), e.getKey());
            }));
        List<String> extra = new ArrayList<>(state.keySet());
        extra.remove("lr");
        extra.removeAll(expectedKeys);
        assertEquals(List.of(), extra, "optimizer state PyTorch does not have");
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
