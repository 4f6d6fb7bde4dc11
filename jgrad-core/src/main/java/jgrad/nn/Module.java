package jgrad.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;
import jgrad.tensor.Shapes;

/**
 * Base class of every layer and network, like {@code torch.nn.Module}: it owns named
 * {@link Parameter}s, buffers and child modules, and switches between training and evaluation mode.
 *
 * <p>A network registers its children in its constructor; their names become the prefixes of
 * {@link #stateDict()} keys exactly as in PyTorch ({@code fc1.weight}, {@code batch_norm1.running_mean}):
 * <pre>{@code
 * class Net extends Module {
 *     final Linear fc1 = register("fc1", new Linear(784, 256));
 *     final Linear fc2 = register("fc2", new Linear(256, 10));
 *     public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x.view(-1, 784)).relu()); }
 * }
 * }</pre>
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes the module's output. */
    public abstract Tensor forward(Tensor x);

    /** Registers a child module under {@code name} and returns it. */
    protected <M extends Module> M register(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    /** Registers {@code init} as a learnable parameter under {@code name}. */
    protected Parameter registerParameter(String name, Tensor init) {
        checkName(name);
        Parameter p = init instanceof Parameter q ? q : new Parameter(init);
        params.put(name, p);
        return p;
    }

    /** Registers a buffer: state saved in {@link #stateDict()} but not trained (e.g. running statistics). */
    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("module attribute name must be non-empty and contain no '.', got \"" + name + "\"");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("attribute \"" + name + "\" is already registered in " + getClass().getSimpleName());
    }

    /** Every parameter of this module and its descendants, in registration order. */
    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters keyed by dotted path, e.g. {@code fc1.weight}. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> m.params.forEach((k, v) -> out.put(prefix + k, v)));
        return out;
    }

    /** Buffers keyed by dotted path, e.g. {@code batch_norm1.running_var}. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> m.buffers.forEach((k, v) -> out.put(prefix + k, v)));
        return out;
    }

    /** This module and all its descendants, depth first, like PyTorch's {@code modules()}. */
    public List<Module> modules() {
        List<Module> out = new ArrayList<>();
        visit("", (prefix, m) -> out.add(m));
        return out;
    }

    /** Direct children keyed by name. */
    public Map<String, Module> children() {
        return new LinkedHashMap<>(children);
    }

    private void visit(String prefix, java.util.function.BiConsumer<String, Module> f) {
        f.accept(prefix, this);
        children.forEach((k, c) -> c.visit(prefix + k + ".", f));
    }

    /**
     * Parameters and buffers keyed as PyTorch's {@code state_dict()}: each module's own parameters,
     * then its buffers, then its children's, depth first. The tensors are shared, not copied.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> {
            m.params.forEach((k, v) -> out.put(prefix + k, v));
            m.buffers.forEach((k, v) -> out.put(prefix + k, v));
        });
        return out;
    }

    /**
     * Copies values into this module's parameters and buffers. The keys must match exactly (names
     * missing or unexpected are listed in the error), and each shape must match its tensor's.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty())
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName()
                    + ": missing keys " + missing + ", unexpected keys " + unexpected);
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey()), dst = e.getValue();
            if (!Arrays.equals(src.shape(), dst.shape()))
                throw new IllegalArgumentException("size mismatch for " + e.getKey() + ": copying a param with shape "
                        + Shapes.str(src.shape()) + ", the shape in current model is " + Shapes.str(dst.shape()));
        }
        for (var e : own.entrySet()) {
            System.arraycopy(state.get(e.getKey()).data(), 0, e.getValue().data(), 0, e.getValue().numel());
            e.getValue().bumpVersion();
        }
    }

    /** Training mode: dropout drops, batch norm uses batch statistics and updates its running ones. */
    public Module train() {
        return setTraining(true);
    }

    /** Evaluation mode: dropout is the identity, batch norm uses its running statistics. */
    public Module eval() {
        return setTraining(false);
    }

    private Module setTraining(boolean mode) {
        visit("", (p, m) -> m.training = mode);
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Whether this module and all its children keep no tensor that {@link #forward} made past the
     * call (no cached activations), so that a training or evaluation loop may reuse those tensors'
     * arrays once its step is over ({@link jgrad.autograd.Workspace}). True for jgrad's own modules,
     * in {@code jgrad.nn} and {@code jgrad.models}; false for a subclass written elsewhere, which may
     * keep what it likes, unless it overrides this to say it keeps nothing.
     */
    public boolean holdsNoActivations() {
        String pkg = getClass().getPackageName();
        if (!pkg.equals("jgrad.nn") && !pkg.equals("jgrad.models")) return false;
        for (Module c : children.values()) if (!c.holdsNoActivations()) return false;
        return true;
    }

    /** Sets every parameter's gradient to zero. */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** The settings shown inside the parentheses of {@link #toString()}, as PyTorch's {@code extra_repr}. */
    protected String extraRepr() {
        return "";
    }

    /**
     * PyTorch's default initialisation of Linear and Conv layers, {@code kaiming_uniform_(a=√5)}:
     * U(-1/√fanIn, 1/√fanIn) (gain √(2/(1+a²)) = √(1/3), bound = gain·√(3/fanIn)); its biases use
     * the same bound. All zeros when fanIn is 0.
     */
    protected static Tensor kaimingUniform(Rng rng, int fanIn, int... shape) {
        float bound = fanIn > 0 ? (float) (1.0 / Math.sqrt(fanIn)) : 0f;
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = rng.uniform(-bound, bound);
        return t;
    }

    /** A float as Python prints it ({@code 1e-05}, {@code 0.1}), for {@link #extraRepr()}. */
    protected static String repr(float v) {
        String s = Float.toString(v);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
        int exp = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }

    /** PyTorch's module repr: {@code Net(\n  (fc1): Linear(in_features=784, out_features=256, bias=True)\n)}. */
    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        if (children.isEmpty()) return name + "(" + extraRepr() + ")";
        StringBuilder sb = new StringBuilder(name).append("(\n");
        String extra = extraRepr();
        if (!extra.isEmpty()) sb.append("  ").append(extra).append('\n');
        children.forEach((k, c) -> sb.append("  (").append(k).append("): ")
                .append(c.toString().replace("\n", "\n  ")).append('\n'));
        return sb.append(")").toString();
    }
}
