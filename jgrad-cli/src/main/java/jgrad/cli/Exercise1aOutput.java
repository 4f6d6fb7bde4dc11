package jgrad.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import jgrad.app.Run;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.ImageDataset;
import jgrad.exercises.Exercise1a;
import jgrad.exercises.Exercise1b;
import jgrad.models.Net;
import jgrad.tensor.Rng;

/** {@code jgrad exercise 1a}: the notebook's essay on backpropagation and gradient descent, each claim measured. */
final class Exercise1aOutput {
    private Exercise1aOutput() {}

    static final int SAMPLES = 200, STEPS = 5;
    static final float SGD_LR = 0.2f, ADAM_LR = 0.05f;

    /** Prints the four demonstrations, on the first training batch of 64 of {@code train} for the 1c network. */
    static void print(PrintWriter out, ImageDataset train) {
        out.println("The notebook's 1a claims:");
        out.println(" (1) \"Backpropagation is an algorithm for calculating the gradient of a loss function with respect to the parameters\"");
        out.println(" (2) \"Gradient descent is an algorithm for optimizing a function by iteratively moving in the direction of the negative gradient\"");
        out.println(" (3) \"This gradient is then used by gradient descent to update the weights ... which reduces the loss function\"");
        out.println(" (4) Backprop: \"Efficient for calculating the gradient\"; \"Can be computationally expensive for large neural networks\"");
        out.println(" (5) Gradient descent: \"Can be prone to getting stuck in local minima\"");
        out.println();
        out.println("-- (1) backpropagation's gradient equals central finite differences");
        out.printf(Locale.ROOT, "   finite differences in double from the float32 weights, h = %s; relative error |g - n| / max(|g|, |n|, 1e-6)%n", Exercise1a.H);
        Tensor[] w = Exercise1a.randomWeights(new Rng(1));
        Tensor x = Tensor.of(Exercise1b.X);
        var bp = Exercise1b.autograd(x, Exercise1b.Y, w, 0f).grads();
        double e1b = Exercise1a.maxRelativeError(bp, Exercise1a.finiteDifferences1b(w, x.data(), Exercise1b.Y));
        out.printf(Locale.ROOT, "   1b network (5-3-2-1, weights N(0, 0.5²), W1 positive, the notebook's x and y), all 23 weights: max relative error %.2e%n", e1b);
        Rng.manualSeed(0);
        Net net = new Net();
        Batch b = DataLoader.builder(train).batchSize(64).shuffle(0).transform(Run.TRANSFORM).build().iterator().next();
        Tensor flat = b.inputs().reshape(b.size(), -1);
        var c = Exercise1a.checkMlp(net, flat, b.labels(), SAMPLES, 0);
        out.printf(Locale.ROOT, "   1c network (784-256-128-10, seed 0), one Fashion-MNIST batch of %d, %d parameters sampled: max relative error %.2e%n",
                b.size(), c.sampled(), c.maxRelativeError());
        out.println();
        out.printf(Locale.ROOT, "-- (4) cost: one backward pass against 2·P forward passes (median of 5 after %.0f s of untimed passes, batch of 64)%n",
                Exercise1a.WARM_UP_NANOS / 1e9);
        var cost = Exercise1a.cost(net, flat, b.labels(), 5);
        out.printf(Locale.ROOT, "   one forward pass %.2f ms; forward + backward %.2f ms; P = %,d parameters%n", cost.forward() * 1e3,
                cost.backward() * 1e3, cost.parameters());
        out.printf(Locale.ROOT, "   finite differences for all P: 2·P forward passes ≈ %.0f s; ratio %.0f×: backprop is efficient (4);%n",
                cost.finiteDifferences(), cost.ratio());
        out.printf(Locale.ROOT, "   its own cost is a small multiple (%.1f×) of a forward pass, so it is 'expensive' only as the network is (4)%n",
                cost.backward() / cost.forward());
        out.println();
        out.printf(Locale.ROOT, "-- (2), (3) %d SGD steps (lr %s) on the 1b network: loss before each step and after the last%n", STEPS, SGD_LR);
        Exercise1a.sgd1b(w, SGD_LR, STEPS, false); // once to warm up, so that the times compare
        var bps = Exercise1a.sgd1b(w, SGD_LR, STEPS, false);
        var fds = Exercise1a.sgd1b(w, SGD_LR, STEPS, true);
        var adam = Exercise1a.adam1b(w, ADAM_LR, STEPS);
        out.println("   SGD, backprop gradients:            " + list(bps.loss()) + String.format(Locale.ROOT, "   (%.3f ms)", bps.seconds() * 1e3));
        out.println("   SGD, finite-difference gradients:   " + list(fds.loss()) + String.format(Locale.ROOT, "   (%.3f ms)", fds.seconds() * 1e3));
        out.printf(Locale.ROOT, "   max |difference| %.2e: the same trajectory. At 23 weights the 46 forward passes cost little;%n",
                maxDiff(bps.loss(), fds.loss()));
        out.println("   finite differences grow with P forward passes per step, backprop does not: see (4)");
        out.println("   Adam lr " + ADAM_LR + ", backprop gradients: " + list(adam.loss()));
        out.printf(Locale.ROOT, "   max |SGD - Adam| %.2e: backprop only computes the gradient; the optimizer decides the step%n",
                maxDiff(bps.loss(), adam.loss()));
        out.println();
        out.println("-- (5) where gradient descent struggles: f(x, y) = (x² - 1)² + 0.3·x + y², lr 0.05, 200 steps");
        var local = Exercise1a.twoValleys(1.5f, 1f, 0.05f, 200);
        var global = Exercise1a.twoValleys(-1.5f, 1f, 0.05f, 200);
        out.printf(Locale.ROOT, "   from ( 1.5, 1): stops at (%.3f, %.3f), f = %.4f: a local minimum, the gradient there is 0%n", local.x(), local.y(), local.f());
        out.printf(Locale.ROOT, "   from (-1.5, 1): reaches (%.3f, %.3f), f = %.4f: the global minimum, lower by %.4f%n", global.x(), global.y(),
                global.f(), local.f() - global.f());
        out.println("   f(x, y) = x² + 10·y², from (1, 1), 50 steps: gradient descent converges only for lr < 2/20 = 0.1");
        for (float lr : new float[]{0.09f, 0.11f}) {
            var d = Exercise1a.narrowValley(1f, 1f, lr, 50);
            out.printf(Locale.ROOT, "   lr %.2f: ends at (%.3g, %.3g), f = %.3g%n", lr, d.x(), d.y(), d.f());
        }
        out.flush();
    }

    private static String list(double[] v) {
        return Arrays.stream(v).mapToObj(d -> String.format(Locale.ROOT, "%.6f", d)).collect(Collectors.joining(" "));
    }

    static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
