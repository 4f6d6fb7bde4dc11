package jgrad.nn;

import jgrad.autograd.Convolution;
import jgrad.autograd.Tensor;
import jgrad.tensor.Rng;

/**
 * A 2-d convolution layer, PyTorch's {@code Conv2d}:
 * <pre>
 *   y[n, o] = b[o] + Σ_c w[o, c] ⋆ x[n, g·C/G + c]          (⋆: cross-correlation; see {@link Convolution#conv2d})
 *   x: [N, in, H, W]  →  y: [N, out, Ho, Wo],  Ho = ⌊(H + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1
 *   weight: [out, in/groups, kH, kW], bias: [out], both U(-1/√fan_in, 1/√fan_in) with fan_in = in/groups·kH·kW
 *   (kaiming_uniform_ with a = √5, PyTorch's default)
 * </pre>
 * Defaults as PyTorch: stride 1, padding 0, dilation 1, groups 1, bias. {@code padding = "same"}
 * (stride 1 only) pads so that Ho = H and Wo = W.
 * <pre>{@code var conv = new Conv2d(1, 32, 3, 1, "same");   Tensor y = conv.forward(x);   // [64,1,28,28] → [64,32,28,28]}</pre>
 */
public final class Conv2d extends Module {
    public final Parameter weight, bias;
    public final int inChannels, outChannels, groups;
    /** {height, width} of the kernel, stride, padding and dilation. */
    private final int[] kernel, stride, padding, dilation;
    private final boolean same;

    /** {@code Conv2d(in, out, kernel)}: stride 1, no padding, bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, new int[]{kernelSize, kernelSize}, new int[]{stride, stride}, new int[]{padding, padding},
                new int[]{1, 1}, 1, true, Rng.global());
    }

    /** {@code padding = "same"} (stride must be 1), or {@code "valid"} (no padding), as PyTorch accepts. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, String padding) {
        this(inChannels, outChannels, new int[]{kernelSize, kernelSize}, new int[]{stride, stride}, padding(padding, stride),
                new int[]{1, 1}, 1, true, Rng.global());
    }

    /** Every setting; {@code padding} null means "same". */
    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, Rng rng) {
        if (inChannels < 1 || outChannels < 1)
            throw new IllegalArgumentException("Conv2d: channel counts must be positive, got in " + inChannels + " and out " + outChannels);
        if (groups < 1 || inChannels % groups != 0) throw new IllegalArgumentException("in_channels must be divisible by groups, got "
                + inChannels + " and groups=" + groups);
        if (outChannels % groups != 0) throw new IllegalArgumentException("out_channels must be divisible by groups, got "
                + outChannels + " and groups=" + groups);
        for (int i = 0; i < 2; i++)
            if (kernel[i] < 1 || stride[i] < 1 || dilation[i] < 1 || (padding != null && padding[i] < 0))
                throw new IllegalArgumentException("Conv2d: kernel, stride and dilation must be positive and padding non-negative, got kernel "
                        + java.util.Arrays.toString(kernel) + ", stride " + java.util.Arrays.toString(stride) + ", padding "
                        + java.util.Arrays.toString(padding) + ", dilation " + java.util.Arrays.toString(dilation));
        same = padding == null;
        if (same && (stride[0] != 1 || stride[1] != 1))
            throw new IllegalArgumentException("padding='same' is not supported for strided convolutions, got stride " + java.util.Arrays.toString(stride));
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.dilation = dilation.clone();
        this.padding = same ? Convolution.samePadding(kernel, dilation) : padding.clone();
        int fanIn = inChannels / groups * kernel[0] * kernel[1];
        weight = registerParameter("weight", kaimingUniform(rng, fanIn, outChannels, inChannels / groups, kernel[0], kernel[1]));
        this.bias = bias ? registerParameter("bias", kaimingUniform(rng, fanIn, outChannels)) : null;
    }

    private static int[] padding(String padding, int stride) {
        return switch (padding) {
            case "same" -> null;
            case "valid" -> new int[]{0, 0};
            default -> throw new IllegalArgumentException("Invalid padding string '" + padding + "', should be one of {'valid', 'same'}");
        };
    }

    /** {height, width} of the kernel, stride, padding (as applied, also for "same") and dilation. */
    public int[] kernelSize() { return kernel.clone(); }
    public int[] stride() { return stride.clone(); }
    public int[] padding() { return padding.clone(); }
    public int[] dilation() { return dilation.clone(); }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        String s = inChannels + ", " + outChannels + ", kernel_size=" + pair(kernel) + ", stride=" + pair(stride);
        if (same) s += ", padding=same";
        else if (padding[0] != 0 || padding[1] != 0) s += ", padding=" + pair(padding);
        if (dilation[0] != 1 || dilation[1] != 1) s += ", dilation=" + pair(dilation);
        if (groups != 1) s += ", groups=" + groups;
        return bias == null ? s + ", bias=False" : s;
    }

    /** A pair as PyTorch prints it: {@code (3, 3)}. */
    static String pair(int[] v) {
        return "(" + v[0] + ", " + v[1] + ")";
    }
}
