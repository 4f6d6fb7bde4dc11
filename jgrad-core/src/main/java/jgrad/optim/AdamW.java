package jgrad.optim;

import java.util.List;

import jgrad.autograd.Tensor;

/**
 * Adam with decoupled weight decay, PyTorch's {@code torch.optim.AdamW}: each step first shrinks
 * {@code w ← w·(1 - lr·weightDecay)}, then takes the plain Adam step of {@link Adam} (no L2 term in
 * the gradient). PyTorch's default weightDecay is 0.01.
 * <pre>{@code var opt = new AdamW(net.parameters(), 1e-3f, 0.01f);}</pre>
 */
public final class AdamW extends Adam {
    /** AdamW with PyTorch's defaults but the decay: β = (0.9, 0.999), eps = 1e-8, no amsgrad. */
    public AdamW(List<? extends Tensor> params, float lr, float weightDecay) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, false);
    }

    public AdamW(List<? extends Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {
        super(params, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }
}
