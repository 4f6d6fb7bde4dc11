package jgrad.optim;

import java.util.List;

import jgrad.autograd.Tensor;
import jgrad.tensor.OptimKernels;

/**
 * Adam, exactly PyTorch's {@code torch.optim.Adam} (and, with {@code decoupled}, {@link AdamW}).
 * For each parameter w with gradient g, at step t = 1, 2, …:
 * <ol>
 *   <li>Adam: {@code g ← g + weightDecay·w} (L2 added to the gradient, PyTorch's Adam);
 *       AdamW: {@code w ← w·(1 - lr·weightDecay)} (decoupled decay)</li>
 *   <li>{@code m ← β₁·m + (1-β₁)·g},  {@code v ← β₂·v + (1-β₂)·g²}</li>
 *   <li>amsgrad: {@code v̂ ← max(v̂, v)} and v̂ is used below instead of v</li>
 *   <li>{@code w ← w - (lr / (1-β₁ᵗ)) · m / (√v / √(1-β₂ᵗ) + eps)}</li>
 * </ol>
 * Defaults as PyTorch: β = (0.9, 0.999), eps = 1e-8, weightDecay = 0.
 * <pre>{@code var opt = new Adam(net.parameters(), 1e-3f, 1e-5f);   // the notebook's 1d}</pre>
 */
public class Adam extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;
    private final boolean amsgrad, decoupled;

    public Adam(List<? extends Tensor> params, float lr) {
        this(params, lr, 0f);
    }

    public Adam(List<? extends Tensor> params, float lr, float weightDecay) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, false);
    }

    public Adam(List<? extends Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {
        this(params, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    Adam(List<? extends Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad, boolean decoupled) {
        super(params, lr);
        if (!(beta1 >= 0f && beta1 < 1f)) throw new IllegalArgumentException("Invalid beta parameter at index 0: " + beta1);
        if (!(beta2 >= 0f && beta2 < 1f)) throw new IllegalArgumentException("Invalid beta parameter at index 1: " + beta2);
        if (!(eps >= 0f)) throw new IllegalArgumentException("Invalid epsilon value: " + eps);
        if (!(weightDecay >= 0f)) throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
    }

    @Override
    protected List<String> stateNames() {
        return List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq");
    }

    @Override
    protected void update(int index, float[] w, float[] g) {
        int n = w.length;
        float[] step = state(index, "step", 1);
        float[] m = state(index, "exp_avg", n), v = state(index, "exp_avg_sq", n);
        float[] vmax = amsgrad ? state(index, "max_exp_avg_sq", n) : null;
        float t = ++step[0];
        // bias corrections 1 - β₁ᵗ and √(1 - β₂ᵗ); Adam's decay is L2 in the gradient, AdamW's shrinks w
        float bc1 = 1f - (float) Math.pow(beta1, t), bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
        float l2 = decoupled ? 0f : weightDecay, shrink = decoupled ? 1f - lr * weightDecay : 1f;
        OptimKernels.adamStep(w, g, m, v, vmax, beta1, beta2, eps, lr / bc1, bc2Sqrt, l2, shrink);
    }
}
