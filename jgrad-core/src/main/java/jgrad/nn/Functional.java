package jgrad.nn;

import jgrad.autograd.Tensor;
import jgrad.tensor.Elementwise;
import jgrad.tensor.MatMul;
import jgrad.tensor.Rng;
import jgrad.tensor.Shapes;

/**
 * The functional forms of the layers, like {@code torch.nn.functional}: stateless functions of
 * their inputs and weights. {@link #linear} and {@link #batchNorm} are fused primitives (one pass
 * forward, one backward) because they sit on the training hot path, and each can apply a following
 * ReLU or LeakyReLU in its own pass ({@link Activation}); otherwise the activations are
 * {@link Tensor}'s own ops.
 */
public final class Functional {
    private Functional() {}

    /**
     * {@code y = x·Wᵀ + b}.
     * <pre>
     *   x: [*, in]   W: [out, in]   b: [out] or null   →   y: [*, out]
     * </pre>
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return linear(x, weight, bias, null);
    }

    /**
     * {@code y = act(x·Wᵀ + b)}, the bias and the activation added in one pass over y (see
     * {@link Activation}); {@code act} null is {@link #linear(Tensor, Tensor, Tensor)}. Shapes as there.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias, Activation act) {
        int[] xs = x.shape(), ws = weight.shape();
        if (ws.length != 2 || xs.length == 0 || xs[xs.length - 1] != ws[1])
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied ("
                    + (xs.length == 0 ? "scalar" : Shapes.numel(xs) / Math.max(1, xs[xs.length - 1]) + "x" + xs[xs.length - 1])
                    + " and " + (ws.length == 2 ? ws[1] + "x" + ws[0] : Shapes.str(ws)) + ")");
        int in = ws[1], out = ws[0], m = Shapes.outer(xs, xs.length - 1);
        if (bias != null && (bias.dim() != 1 || bias.size(0) != out))
            throw new IllegalArgumentException("linear: bias shape " + Shapes.str(bias.shape()) + " does not match weight shape " + Shapes.str(ws));
        float slope = Activation.slopeOf(act);
        float[] X = x.data(), W = weight.data(), y = new float[m * out];
        // y[M,out] = act(X[M,in] · W[out,in]ᵀ + b)
        MatMul.mm(X, 0, false, W, 0, true, y, 0, m, out, in, false);
        if (bias != null || slope != 1f) Elementwise.biasActivation(y, bias == null ? null : bias.data(), slope, m, out);
        int[] ys = xs.clone();
        ys[ys.length - 1] = out;
        return Tensor.result(act == null ? "AddmmBackward0" : act.gradFn(), y, ys, dY -> {
            // in the forward pass this was y = act(z), z = X·Wᵀ + b: dZ = dY·act'(z) overwrites dY, its sign read from y
            if (slope != 1f) Elementwise.activationBackward(y, slope, dY, dY, dY.length, false);
            // each gradient is assigned when still zero (after zeroGrad, or a fresh one), else added to
            // dX[M,in] (+)= dZ[M,out] · W[out,in]
            if (x.requiresGrad()) {
                boolean add = !x.gradIsZero();
                MatMul.mm(dY, 0, false, W, 0, false, x.gradBufferToOverwrite(), 0, m, in, out, add);
            }
            // dW[out,in] (+)= dZ[M,out]ᵀ · X[M,in]
            if (weight.requiresGrad()) {
                boolean add = !weight.gradIsZero();
                MatMul.mm(dY, 0, true, X, 0, false, weight.gradBufferToOverwrite(), 0, out, in, m, add);
            }
            if (bias != null && bias.requiresGrad()) {
                boolean add = !bias.gradIsZero();
                Elementwise.sumRows(dY, m, out, bias.gradBufferToOverwrite(), add);
            }
        }, x, weight, bias);
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor leakyRelu(Tensor x, float negativeSlope) {
        return x.leakyRelu(negativeSlope);
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /** Flattens dimensions from {@code startDim} on, like {@code torch.flatten(x, startDim)}. */
    public static Tensor flatten(Tensor x, int startDim) {
        return x.flatten(startDim);
    }

    /**
     * Inverted dropout, as PyTorch: in training each element is zeroed with probability {@code p}
     * and the survivors are scaled by {@code 1/(1-p)}, so the expected value is unchanged and
     * evaluation needs no rescaling; when not training it is the identity.
     */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (!training || p == 0f) return x;
        float[] mask = new float[x.numel()];
        if (p < 1f) {
            float scale = 1f / (1f - p);
            for (int i = 0; i < mask.length; i++) mask[i] = rng.uniform() < p ? 0f : scale;
        }
        return x.mul(Tensor.of(mask, x.shape()));
    }

    /**
     * Batch normalisation over the batch of a [N, C] input:
     * <pre>
     *   y = (x - E[x]) / √(Var[x] + eps) · γ + β
     * </pre>
     * In training E and Var are the batch's (Var biased, ÷N) and the running statistics are updated
     * in place, as PyTorch does: {@code running = (1 - momentum)·running + momentum·batch}, with the
     * unbiased variance (÷(N-1)) for {@code runningVar}. Otherwise the running statistics are used.
     * {@code weight}/{@code bias} (γ, β: [C]) may be null for no affine transform; running statistics
     * may be null for none (then batch statistics are always used).
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        return batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps, null);
    }

    /**
     * {@code act(batchNorm(x, …))}, the activation applied in the affine pass (see
     * {@link Activation}); {@code act} null is the eight-argument form.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps, Activation act) {
        int[] s = x.shape();
        if (s.length != 2)
            throw new IllegalArgumentException("batch_norm expects a 2-d input [N, C], got shape " + Shapes.str(s));
        int n = s[0], c = s[1];
        for (Tensor t : new Tensor[]{runningMean, runningVar, weight, bias})
            if (t != null && t.numel() != c)
                throw new IllegalArgumentException("batch_norm: input has " + c + " channels (shape " + Shapes.str(s)
                        + ") but a parameter or statistic has shape " + Shapes.str(t.shape()));
        boolean useBatch = training || runningMean == null;
        if (useBatch && n <= 1)
            throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size " + Shapes.str(s));
        float[] X = x.data(), mean = new float[c], invStd = new float[c];
        if (useBatch) {
            float[] sq = new float[c];
            Elementwise.sumRows(X, n, c, mean, false);
            for (int j = 0; j < c; j++) mean[j] /= n;
            Elementwise.sumSquaredDeviations(X, mean, n, c, sq);
            for (int j = 0; j < c; j++) invStd[j] = (float) (1.0 / Math.sqrt(sq[j] / n + eps));
            if (training && runningMean != null) {
                float[] rm = runningMean.data(), rv = runningVar.data();
                for (int j = 0; j < c; j++) {
                    rm[j] = (1 - momentum) * rm[j] + momentum * mean[j];
                    rv[j] = (1 - momentum) * rv[j] + momentum * (sq[j] / (n - 1));
                }
            }
        } else {
            float[] rm = runningMean.data(), rv = runningVar.data();
            for (int j = 0; j < c; j++) {
                mean[j] = rm[j];
                invStd[j] = (float) (1.0 / Math.sqrt(rv[j] + eps));
            }
        }
        float[] xhat = new float[n * c], y = new float[n * c];
        float[] W = weight == null ? null : weight.data(), B = bias == null ? null : bias.data();
        float slope = Activation.slopeOf(act);
        Elementwise.shiftScale(X, mean, invStd, n, c, xhat);
        Elementwise.scaleShiftActivation(xhat, W != null ? W : filled(c, 1f), B != null ? B : new float[c], slope, n, c, y);
        return Tensor.result(act == null ? "NativeBatchNormBackward0" : act.gradFn(), y, s, dY -> {
            float[] dX = x.gradBuffer(), dW = weight == null ? null : weight.gradBuffer(), dB = bias == null ? null : bias.gradBuffer();
            // in the forward pass this was y = act(z), z = xhat·γ + β with xhat = (x - μ)·invStd;
            // dZ = dY·act'(z) overwrites dY, its sign read from y
            if (slope != 1f) Elementwise.activationBackward(y, slope, dY, dY, dY.length, false);
            float[] sumDy = new float[c], sumDyXhat = new float[c];
            Elementwise.sumRows(dY, n, c, sumDy, false);
            Elementwise.sumRowsOfProduct(dY, xhat, n, c, sumDyXhat);
            if (dW != null) for (int j = 0; j < c; j++) dW[j] += sumDyXhat[j];
            if (dB != null) for (int j = 0; j < c; j++) dB[j] += sumDy[j];
            if (dX == null) return;
            float[] g = new float[c], a = new float[c], b = new float[c];
            for (int j = 0; j < c; j++) {
                g[j] = (W == null ? 1f : W[j]) * invStd[j];
                // batch statistics depend on x: dx = γ·invStd·(dy - mean(dy) - xhat·mean(dy·xhat));
                // running statistics are constants: dx = γ·invStd·dy
                a[j] = useBatch ? sumDy[j] / n : 0f;
                b[j] = useBatch ? sumDyXhat[j] / n : 0f;
            }
            Elementwise.batchNormBackward(dY, xhat, g, a, b, n, c, dX);
        }, x, weight, bias);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
