package jgrad.autograd;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jgrad.tensor.Rng;

/** Convolution and pooling gradients against central finite differences, and their shape errors. */
class ConvolutionGradTest {
    private static int[] two(int v) {
        return new int[]{v, v};
    }

    @Test
    void conv2dGradientsOverStridePaddingDilationAndGroups() {
        Rng rng = new Rng(21);
        int[][] cfg = {{1, 0, 1, 1}, {2, 1, 1, 1}, {1, 2, 2, 1}, {1, 1, 1, 2}, {2, 0, 1, 4}}; // stride, pad, dilation, groups
        for (int[] c : cfg) {
            int cin = 4, cout = 4, g = c[3];
            GradCheck.check(in -> Convolution.conv2d(in[0], in[1], in[2], two(c[0]), two(c[1]), two(c[2]), g),
                    Tensor.randn(rng, 2, cin, 5, 5), Tensor.randn(rng, cout, cin / g, 3, 3), Tensor.randn(rng, cout));
        }
        // no bias, rectangular kernel
        GradCheck.check(in -> Convolution.conv2d(in[0], in[1], null, new int[]{1, 2}, new int[]{0, 1}, two(1), 1),
                Tensor.randn(rng, 1, 2, 4, 5), Tensor.randn(rng, 3, 2, 2, 3));
    }

    @Test
    void poolingGradients() {
        Rng rng = new Rng(22);
        // distinct values, so a small step never swaps which element is a window's maximum
        Tensor x = Tensor.arange(0, 2 * 3 * 6 * 6, 1).mul(0.37f).reshape(2, 3, 6, 6);
        int[] perm = new int[x.numel()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        for (int i = perm.length - 1; i > 0; i--) {
            int j = (int) (rng.uniform() * (i + 1)), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        Tensor shuffled = x.reshape(-1).indexSelect(0, perm).reshape(2, 3, 6, 6).detach();
        GradCheck.check(in -> Pooling.maxPool2d(in[0], two(2), two(2), two(0), two(1)), shuffled.copy());
        GradCheck.check(in -> Pooling.maxPool2d(in[0], two(3), two(2), two(1), two(1)), shuffled.copy());
        GradCheck.check(in -> Pooling.avgPool2d(in[0], two(3), two(2), two(1)), Tensor.randn(rng, 2, 2, 5, 5));
        GradCheck.check(in -> Pooling.adaptiveAvgPool2d(in[0], 3, 2), Tensor.randn(rng, 2, 2, 7, 5));
    }

    @Test
    void wrongChannelsAndKernelsAreErrorsNamingTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () ->
                Convolution.conv2d(Tensor.zeros(64, 3, 28, 28), Tensor.zeros(32, 1, 3, 3), null, two(1), two(0), two(1), 1));
        assertEquals("Given groups=1, weight of size [32, 1, 3, 3], expected input[64, 3, 28, 28] to have 1 channels, but got 3 channels instead",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                Convolution.conv2d(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 3, 3), null, two(1), two(0), two(1), 1));
        assertTrue(e.getMessage().contains("Kernel size can't be greater than actual input size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                Convolution.conv2d(Tensor.zeros(1, 28, 28), Tensor.zeros(1, 1, 3, 3), null, two(1), two(0), two(1), 1));
        assertTrue(e.getMessage().contains("[1, 28, 28]") && e.getMessage().contains("[1, 1, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(Tensor.zeros(2, 8), two(2), two(2), two(0), two(1)));
        assertTrue(e.getMessage().contains("[2, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Convolution.samePadding(two(2), two(1)));
        assertTrue(e.getMessage().contains("uneven padding"), e.getMessage());
    }

    @Test
    void aZeroSizeBatchGivesAnEmptyOutputAndGradient() {
        Tensor x = Tensor.zeros(0, 2, 5, 5).requiresGrad(true), w = Tensor.randn(new Rng(1), 3, 2, 3, 3).requiresGrad(true);
        Tensor y = Convolution.conv2d(x, w, null, two(1), two(1), two(1), 1);
        assertArrayEquals(new int[]{0, 3, 5, 5}, y.shape());
        Pooling.maxPool2d(y, two(2), two(2), two(0), two(1)).sum().backward();
        assertEquals(0, x.grad().numel());
        for (float v : w.grad().data()) assertEquals(0f, v);
    }
}
