package jgrad.nn;

import jgrad.autograd.Tensor;

/**
 * Batch normalisation of a [N, C] input, as PyTorch's {@code BatchNorm1d}:
 * <pre>
 *   y = (x - E[x]) / √(Var[x] + eps) · γ + β
 * </pre>
 * Training mode normalises with the batch's mean and biased variance and updates the buffers
 * {@code running_mean} (init 0) and {@code running_var} (init 1) with
 * {@code running = (1 - momentum)·running + momentum·batch}, using the unbiased variance; evaluation
 * mode normalises with the running statistics. γ ({@code weight}, init 1) and β ({@code bias},
 * init 0) are learned when affine. {@code num_batches_tracked} counts training batches.
 * Defaults as PyTorch: eps = 1e-5, momentum = 0.1, affine, tracking running statistics.
 * See {@link Functional#batchNorm} for the formulas of the backward pass.
 */
public final class BatchNorm1d extends Module implements Activation.Fusing {
    public final Parameter weight, bias;
    public final Tensor runningMean, runningVar, numBatchesTracked;
    private final int features;
    private final float eps, momentum;

    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true);
    }

    public BatchNorm1d(int numFeatures, float eps, float momentum, boolean affine) {
        features = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        runningMean = registerBuffer("running_mean", Tensor.zeros(numFeatures));
        runningVar = registerBuffer("running_var", Tensor.ones(numFeatures));
        numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros());
    }

    public float eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /** {@code act(bn(x))}, the activation applied in the affine pass (see {@link Activation}). */
    @Override
    public Tensor forward(Tensor x, Activation act) {
        Tensor y = Functional.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps, act);
        if (isTraining()) numBatchesTracked.data()[0]++;
        return y;
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=" + repr(eps) + ", momentum=" + repr(momentum) + ", affine=" + (weight != null ? "True" : "False")
                + ", track_running_stats=True";
    }
}
