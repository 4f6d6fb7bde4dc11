package jgrad.spark;

import java.util.LinkedHashMap;
import java.util.Map;

import jgrad.autograd.Tensor;
import jgrad.nn.Module;
import jgrad.optim.Optimizer;

/**
 * Everything a worker's training carries from one step to the next, as named float arrays: the
 * model's state dict (parameters and buffers, such as BatchNorm's {@code running_mean},
 * {@code running_var} and {@code num_batches_tracked}) under {@code model.<name>}, and the
 * optimizer's per-parameter state (SGD's {@code momentum_buffer}, Adam's {@code step},
 * {@code exp_avg} and {@code exp_avg_sq}) under {@code optim.<index>.<name>}. The learning rate is
 * not part of it: every worker has the same one. Keys keep the model's and optimizer's order, so
 * every worker lists them alike.
 */
final class ModelState {
    private static final String MODEL = "model.", OPTIM = "optim.";

    private ModelState() {}

    /** A copy of {@code model}'s and (unless null) {@code opt}'s state. */
    static LinkedHashMap<String, float[]> capture(Module model, Optimizer opt) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> out.put(MODEL + k, t.data().clone()));
        if (opt != null) opt.stateDict().forEach((k, v) -> {
            if (!k.equals("lr")) out.put(OPTIM + k, v);
        });
        return out;
    }

    /**
     * Loads {@code state} into {@code model} and (unless null) {@code opt}, whose state it replaces
     * (empty before the first step). Shapes and names are checked by the model's and optimizer's own
     * {@code loadStateDict}.
     */
    static void load(Map<String, float[]> state, Module model, Optimizer opt) {
        Map<String, Tensor> own = model.stateDict(), weights = new LinkedHashMap<>();
        Map<String, float[]> optim = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(MODEL)) {
                String name = k.substring(MODEL.length());
                Tensor t = own.get(name);
                // a wrong length gets shape [length], which loadStateDict reports as a size mismatch
                weights.put(name, t != null && t.numel() == v.length ? Tensor.of(v, t.shape()) : Tensor.of(v, v.length));
            } else if (k.startsWith(OPTIM)) optim.put(k.substring(OPTIM.length()), v);
            else throw new IllegalArgumentException("training state key '" + k + "' is neither model.* nor optim.*");
        });
        model.loadStateDict(weights);
        if (opt != null) {
            optim.put("lr", new float[]{opt.lr()});
            opt.loadStateDict(optim);
        }
    }

    /** Total number of floats in {@code state}. */
    static long floats(Map<String, float[]> state) {
        long n = 0;
        for (float[] v : state.values()) n += v.length;
        return n;
    }
}
