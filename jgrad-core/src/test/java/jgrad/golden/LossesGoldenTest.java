package jgrad.golden;

import static jgrad.golden.Golden.*;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import jgrad.autograd.Tensor;
import jgrad.loss.Losses;
import jgrad.loss.Reduction;

/**
 * Every case of losses.json, each reduction: the loss and the input's gradient after
 * {@code backward(upstream)}. Tolerance {@link Golden#REDUCTION} (the losses reduce); it is relative,
 * so the ~1e12 gradients of {@code bce_exact01_*} (PyTorch's {@code (x-t)/max(x(1-x), 1e-12)}) are
 * compared to 1e-5 of their size.
 */
class LossesGoldenTest {
    interface LossFn {
        Tensor apply(Tensor input, Tensor target, Reduction reduction);
    }

    private static final Map<String, LossFn> LOSSES = Map.of(
            "CrossEntropyLoss", Losses::crossEntropy,
            "NLLLoss", Losses::nll,
            "BCELoss", Losses::binaryCrossEntropy,
            "BCEWithLogitsLoss", Losses::binaryCrossEntropyWithLogits,
            "MSELoss", Losses::mse);

    @TestFactory
    Stream<DynamicTest> losses() {
        return tests("losses", c -> {
            JsonNode in = c.get("inputs");
            Tensor input = tensor(in.get("input")).requiresGrad(true);
            // class indices are a top-level int list; float targets are an input tensor
            Tensor target = c.has("target") ? Tensor.of(floats(c.get("target"))) : tensor(in.get("target"));
            Reduction r = Reduction.valueOf(c.get("params").get("reduction").asText().toUpperCase(Locale.ROOT));
            Tensor loss = LOSSES.get(c.get("kind").asText()).apply(input, target, r);
            assertClose(c.get("output"), loss, REDUCTION, "loss");
            loss.backward(tensor(c.get("upstream")));
            assertClose(c.get("grads").get("input"), input.grad(), REDUCTION, "grad of input");
        });
    }
}
