package jgrad.optim;

import java.util.List;

import jgrad.autograd.Tensor;

/**
 * Adam with decoupled weight decay, PyTorch's {@code torch.optim.AdamW}: each step first shrinks
 * {@code w ← w·(1 - lr·weightDecay)}, then takes the plain Adam step of {@link Adam} (no L2 term in
 * the gradient). PyTorch's default weightDecay is 0.01.
 */
public final class AdamW extends Adam {
    public AdamW(List<? extends Tensor> params, float lr) {
        this(params, lr, 0.01f);
    }

    public AdamW(List<? extends Tensor> params, float lr, float weightDecay) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, false);
    }

    public AdamW(List<? extends Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {
        super(params, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }
}
