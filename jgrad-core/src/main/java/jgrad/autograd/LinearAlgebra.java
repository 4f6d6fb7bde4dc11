package jgrad.autograd;

import jgrad.tensor.Elementwise;
import jgrad.tensor.MatMul;
import jgrad.tensor.Shapes;

/**
 * Matrix products: {@link #matmul} and the fused linear layer {@link #linear}. The backward passes
 * use {@link MatMul}'s transposed-operand forms instead of materialising transposes:
 * for {@code C = A·B}, {@code dA = dC·Bᵀ} and {@code dB = Aᵀ·dC}.
 */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /**
     * Matrix product: [M,K]·[K,N] → [M,N], or batched [B,M,K]·[B,K,N] → [B,M,N] (a 2-d right operand
     * is shared by every batch).
     */
    public static Tensor matmul(Tensor x, Tensor other) {
        int[] a = x.shape, b = other.shape;
        boolean ok = (a.length == 2 && b.length == 2 && a[1] == b[0])
                || (a.length == 3 && b.length == 3 && a[0] == b[0] && a[2] == b[1])
                || (a.length == 3 && b.length == 2 && a[2] == b[0]);
        if (!ok) {
            if (a.length == 2 && b.length == 2)
                throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + a[0] + "x" + a[1] + " and " + b[0] + "x" + b[1] + ")");
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a) + " and " + Shapes.str(b) + " cannot be multiplied");
        }
        int batch = a.length == 3 ? a[0] : 1;
        int m = a[a.length - 2], k = a[a.length - 1], n = b[b.length - 1];
        boolean sharedB = b.length == 2;
        float[] A = x.data, B = other.data, out = Workspace.floats(batch * m * n);
        for (int i = 0; i < batch; i++)
            MatMul.mm(A, i * m * k, false, B, sharedB ? 0 : i * k * n, false, out, i * m * n, m, n, k, false);
        int[] s = a.length == 3 ? new int[]{batch, m, n} : new int[]{m, n};
        return Tape.record("MmBackward0", out, s, g -> {
            // dA[M,K] (+)= dC[M,N]·B[K,N]ᵀ
            x.writeGrad((dA, add) -> {
                for (int i = 0; i < batch; i++)
                    MatMul.mm(g, i * m * n, false, B, sharedB ? 0 : i * k * n, true, dA, i * m * k, m, k, n, add);
            });
            // dB[K,N] (+)= A[M,K]ᵀ·dC[M,N]; a shared B sums over the batch
            other.writeGrad((dB, add) -> {
                for (int i = 0; i < batch; i++)
                    MatMul.mm(A, i * m * k, true, g, i * m * n, false, dB, sharedB ? 0 : i * k * n, k, n, m, add || (sharedB && i > 0));
            });
        }, x, other);
    }

    /**
     * {@code y = act(x·Wᵀ + b)}: PyTorch's {@code F.linear}, with an optional ReLU or LeakyReLU applied
     * in the same pass as the bias.
     * <pre>
     *   x: [*, in]   W: [out, in]   b: [out] or null   →   y: [*, out]
     *   act(z) = z > 0 ? z : slope·z;  slope 1 is no activation, 0 is ReLU
     * </pre>
     * The backward turns dY into dZ = dY·act'(z) in place (the sign of z is read from y, so the slope
     * must be ≥ 0), then dX = dZ·W, dW = dZᵀ·X and db = Σ dZ.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias, float slope) {
        int[] xs = x.shape, ws = weight.shape;
        if (ws.length != 2 || xs.length == 0 || xs[xs.length - 1] != ws[1])
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied ("
                    + (xs.length == 0 ? "scalar" : Shapes.numel(xs) / Math.max(1, xs[xs.length - 1]) + "x" + xs[xs.length - 1])
                    + " and " + (ws.length == 2 ? ws[1] + "x" + ws[0] : Shapes.str(ws)) + ")");
        int in = ws[1], out = ws[0], m = Shapes.outer(xs, xs.length - 1);
        if (bias != null && (bias.shape.length != 1 || bias.shape[0] != out))
            throw new IllegalArgumentException("linear: bias shape " + Shapes.str(bias.shape) + " does not match weight shape " + Shapes.str(ws));
        float[] X = x.data, W = weight.data, y = Workspace.floats(m * out);
        // y[M,out] = act(X[M,in] · W[out,in]ᵀ + b)
        MatMul.mm(X, 0, false, W, 0, true, y, 0, m, out, in, false);
        if (bias != null || slope != 1f) Elementwise.biasActivation(y, bias == null ? null : bias.data, slope, m, out);
        int[] ys = xs.clone();
        ys[ys.length - 1] = out;
        return Tape.record(activationGradFn(slope, "AddmmBackward0"), y, ys, dY -> {
            if (slope != 1f) Elementwise.activationBackward(y, slope, dY, dY, dY.length, false);
            // dX[M,in] (+)= dZ[M,out] · W[out,in]
            x.writeGrad((dX, add) -> MatMul.mm(dY, 0, false, W, 0, false, dX, 0, m, in, out, add));
            // dW[out,in] (+)= dZ[M,out]ᵀ · X[M,in]
            weight.writeGrad((dW, add) -> MatMul.mm(dY, 0, true, X, 0, false, dW, 0, out, in, m, add));
            if (bias != null) bias.writeGrad((db, add) -> Elementwise.sumRows(dY, m, out, db, add));
        }, x, weight, bias);
    }

    /** The backward node's name: the activation's when one is fused (slope ≠ 1), else {@code unfused}. */
    static String activationGradFn(float slope, String unfused) {
        return slope == 1f ? unfused : slope == 0f ? "ReluBackward0" : "LeakyReluBackward0";
    }
}
