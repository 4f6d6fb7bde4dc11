package jgrad.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jgrad.autograd.Tensor;

/**
 * Updates parameters from their gradients, like {@code torch.optim.Optimizer}: call
 * {@link #zeroGrad()}, compute the loss, {@code loss.backward()}, then {@link #step()}.
 *
 * <p>Per-parameter state (momentum buffers, Adam's moments, step counts) is kept as float arrays
 * keyed {@code "<param index>.<name>"}, e.g. {@code "0.exp_avg"}; {@link #stateDict()} and
 * {@link #loadStateDict} save and restore it with the learning rate, so training can resume exactly.
 */
public abstract class Optimizer {
    protected final List<Tensor> params;
    protected float lr;
    protected final Map<String, float[]> state = new LinkedHashMap<>();

    protected Optimizer(List<? extends Tensor> params, float lr) {
        if (!(lr >= 0f)) throw new IllegalArgumentException("Invalid learning rate: " + lr);
        if (params.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        for (Tensor p : params)
            if (!p.requiresGrad()) throw new IllegalArgumentException("optimizer can only optimize tensors that require grad");
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    /** Applies one update to every parameter that has a gradient. */
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.grad() != null) {
                update(i, p.data(), p.grad().data());
                p.bumpVersion();
            }
        }
    }

    /** The update of parameter {@code index}: {@code w} in place from gradient {@code g}. */
    protected abstract void update(int index, float[] w, float[] g);

    /** This parameter's state array {@code name}, created as zeros of length {@code n} on first use. */
    protected float[] state(int index, String name, int n) {
        return state.computeIfAbsent(index + "." + name, k -> new float[n]);
    }

    /** True if state {@code name} of parameter {@code index} exists yet. */
    protected boolean hasState(int index, String name) {
        return state.containsKey(index + "." + name);
    }

    /** Sets every parameter's gradient to zero. */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    public float lr() {
        return lr;
    }

    /** Sets the learning rate (what schedulers call). */
    public void setLr(float lr) {
        if (!(lr >= 0f)) throw new IllegalArgumentException("Invalid learning rate: " + lr);
        this.lr = lr;
    }

    public List<Tensor> params() {
        return params;
    }

    /** A deep copy of the optimizer's state, with the learning rate under {@code "lr"}. */
    public Map<String, float[]> stateDict() {
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put("lr", new float[]{lr});
        state.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    /**
     * Restores state saved by {@link #stateDict()}. Every key must be {@code "lr"} (one value) or
     * {@code "<param index>.<name>"} with a name this optimizer keeps, of length 1 for {@code step} and
     * the parameter's size otherwise; anything else is an error listing the offending keys.
     */
    public void loadStateDict(Map<String, float[]> saved) {
        List<String> bad = new ArrayList<>();
        for (var e : saved.entrySet()) {
            String key = e.getKey();
            int len = e.getValue().length, dot = key.indexOf('.');
            if (key.equals("lr")) {
                if (len != 1) bad.add("lr (length " + len + ", expected 1)");
                continue;
            }
            String name = dot < 0 ? "" : key.substring(dot + 1);
            int idx = -1;
            try {
                idx = Integer.parseInt(key.substring(0, Math.max(dot, 0)));
            } catch (NumberFormatException ignored) {
                // reported below
            }
            if (idx < 0 || idx >= params.size() || !stateNames().contains(name)) {
                bad.add(key + " (no such parameter or state of " + getClass().getSimpleName() + ")");
                continue;
            }
            int want = name.equals("step") ? 1 : params.get(idx).numel();
            if (len != want) bad.add(key + " (length " + len + ", expected " + want + ")");
        }
        if (!bad.isEmpty()) throw new IllegalArgumentException("optimizer state does not fit these parameters: " + bad);
        state.clear();
        saved.forEach((k, v) -> {
            if (k.equals("lr")) lr = v[0];
            else state.put(k, v.clone());
        });
    }

    /** The names of the per-parameter state this optimizer keeps, e.g. {@code exp_avg}. */
    protected abstract List<String> stateNames();
}
