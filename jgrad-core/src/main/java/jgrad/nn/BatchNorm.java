package jgrad.nn;

import jgrad.autograd.Normalization;
import jgrad.autograd.Tensor;

/**
 * Batch normalisation with learned affine parameters and running statistics, PyTorch's
 * {@code _BatchNorm}, which {@link BatchNorm1d} and {@link BatchNorm2d} share:
 * <pre>
 *   y = (x - E[x]) / √(Var[x] + eps) · γ + β        statistics per channel (dimension 1)
 * </pre>
 * Training mode normalises with the batch's mean and biased variance over every dimension but the
 * channels, and updates the buffers {@code running_mean} (init 0) and {@code running_var} (init 1)
 * with {@code running = (1 - momentum)·running + momentum·batch}, using the unbiased variance;
 * evaluation mode normalises with the running statistics. γ ({@code weight}, init 1) and β
 * ({@code bias}, init 0) are learned when affine. {@code num_batches_tracked} counts training
 * batches. Defaults as PyTorch: eps = 1e-5, momentum = 0.1, affine, tracking running statistics.
 * See {@link jgrad.autograd.Normalization#batchNorm} for the backward pass.
 */
public abstract class BatchNorm extends Module implements Activation.Fusing {
    public final Parameter weight, bias;
    public final Tensor runningMean, runningVar, numBatchesTracked;
    private final int features;
    private final float eps, momentum;

    protected BatchNorm(int numFeatures, float eps, float momentum, boolean affine) {
        if (numFeatures < 1) throw new IllegalArgumentException(getClass().getSimpleName() + ": num_features must be positive, got " + numFeatures);
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

    /** Throws unless {@code x} has a rank this kind of batch norm takes, in PyTorch's words. */
    protected abstract void checkInputDim(Tensor x);

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /** {@code act(bn(x))}, the activation applied in the affine pass (see {@link Activation}). */
    @Override
    public Tensor forward(Tensor x, Activation act) {
        checkInputDim(x);
        Tensor y = Functional.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps, act);
        if (isTraining()) numBatchesTracked.data()[0]++;
        return y;
    }

    /**
     * {@code maxPool2d(act(bn(x)), 2)} as one primitive, batch norm's output never written
     * ({@link jgrad.autograd.Normalization#batchNormMaxPool2x2}); {@link Sequential} runs a batch
     * norm, its activation and a following {@code MaxPool2d(2)} this way.
     */
    Tensor forwardPooled(Tensor x, Activation act) {
        checkInputDim(x);
        Tensor y = Normalization.batchNormMaxPool2x2(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps,
                Activation.slopeOf(act));
        if (isTraining()) numBatchesTracked.data()[0]++;
        return y;
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=" + repr(eps) + ", momentum=" + repr(momentum) + ", affine=" + (weight != null ? "True" : "False")
                + ", track_running_stats=True";
    }
}
