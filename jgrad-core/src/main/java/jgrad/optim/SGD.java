package jgrad.optim;

import java.util.List;

import jgrad.autograd.Tensor;
import jgrad.tensor.OptimKernels;

/**
 * Stochastic gradient descent with optional momentum, exactly PyTorch's {@code torch.optim.SGD}.
 * For each parameter w with gradient g, each step:
 * <ol>
 *   <li>{@code g ← g + weightDecay·w}  (L2 penalty added to the gradient)</li>
 *   <li>if momentum ≠ 0: {@code b ← g} on the first step, else {@code b ← momentum·b + (1 - dampening)·g};
 *       then {@code g ← g + momentum·b} if nesterov, else {@code g ← b}</li>
 *   <li>{@code w ← w - lr·g}</li>
 * </ol>
 * <pre>{@code var opt = new SGD(net.parameters(), 0.01f);}</pre>
 */
public final class SGD extends Optimizer {
    private final float momentum, dampening, weightDecay;
    private final boolean nesterov;

    public SGD(List<? extends Tensor> params, float lr) {
        this(params, lr, 0f, 0f, 0f, false);
    }

    public SGD(List<? extends Tensor> params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(params, lr);
        if (momentum < 0f) throw new IllegalArgumentException("Invalid momentum value: " + momentum);
        if (weightDecay < 0f) throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected List<String> stateNames() {
        return List.of("momentum_buffer");
    }

    @Override
    protected void update(int index, float[] w, float[] g) {
        boolean first = momentum != 0f && !hasState(index, "momentum_buffer");
        float[] b = momentum == 0f ? null : state(index, "momentum_buffer", w.length);
        OptimKernels.sgdStep(w, g, b, first, lr, momentum, dampening, weightDecay, nesterov);
    }
}
