package jgrad.autograd;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The tape's behaviour and error messages, and PyTorch-style printing. */
class TensorTest {
    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        x.mul(x).sum().backward();
        x.mul(x).sum().backward();
        assertArrayEquals(new float[]{4, 8, 12}, x.grad().data());
        x.zeroGrad();
        assertArrayEquals(new float[]{0, 0, 0}, x.grad().data());
    }

    /** Non-leaf gradient arrays are reused from pass to pass; what a pass left in them must not leak into the next. */
    @Test
    void reusedGradientArraysStartFromZero() {
        Tensor x = Tensor.randn(new jgrad.tensor.Rng(1), 64, 32).requiresGrad(true);
        float[] first = null;
        for (int pass = 0; pass < 4; pass++) {
            x.zeroGrad();
            Tensor h = x.mul(2f), r = h.relu();
            r.mul(x).add(h.mul(h)).sum().backward();
            if (first == null) first = x.grad().data().clone();
            else assertArrayEquals(first, x.grad().data(), "pass " + pass);
        }
        float[] want = new float[first.length], xs = x.data();
        for (int i = 0; i < xs.length; i++) want[i] = (xs[i] > 0 ? 4 * xs[i] : 0) + 8 * xs[i];   // d/dx [relu(2x)·x + 4x²]
        assertArrayEquals(want, first, 1e-5f);
    }

    @Test
    void nonLeafGradientsAreKeptOnlyWhenRetained() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor h = x.mul(3f).retainGrad(), k = x.mul(2f);
        h.mul(k).sum().backward();
        assertArrayEquals(new float[]{2, 4}, h.grad().data(), "dL/dh = k");
        assertNull(k.grad(), "not retained");
        assertFalse(h.isLeaf());
        assertArrayEquals(new float[]{12, 24}, x.grad().data(), "dL/dx = 3k + 2h = 12x");
    }

    @Test
    void anInPlaceChangeBeforeBackwardIsAnError() {
        Tensor w = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = w.mul(w).sum();
        var opt = new jgrad.optim.SGD(java.util.List.of(w), 0.1f);
        w.mul(3f).sum().backward();
        opt.step(); // changes w, which y's backward needs
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("modified") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void backwardWithUpstreamGradient() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        x.mul(3f).backward(Tensor.of(1f, 10f));
        assertArrayEquals(new float[]{3, 30}, x.grad().data());
    }

    @Test
    void nonScalarBackwardWithoutGradientIsAnError() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        var e = assertThrows(IllegalStateException.class, () -> x.mul(2f).backward());
        assertTrue(e.getMessage().contains("scalar outputs") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void secondBackwardThroughFreedGraphIsAnError() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward();
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        Tensor z = x.exp();
        Tensor s = z.sum();
        s.backward(Tensor.scalar(1f), true);
        s.backward(); // retained: allowed; x.grad now holds three passes
        assertArrayEquals(new float[]{(float) (3 * Math.E), (float) (3 * Math.exp(2))}, x.grad().data(), 1e-5f);
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y;
        try (var g = GradMode.noGrad()) {
            y = x.mul(2f);
        }
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor d = x.mul(2f).detach();
        assertFalse(d.requiresGrad());
        assertSame(x.data(), x.detach().data());
    }

    @Test
    void shapeErrorsNameBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(64, 784).matmul(Tensor.zeros(512, 10)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (64x784 and 512x10)", e.getMessage());
        var b = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).add(Tensor.zeros(3)));
        assertTrue(b.getMessage().contains("[3, 4]") && b.getMessage().contains("[3]"), b.getMessage());
        var r = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).reshape(5, -1));
        assertTrue(r.getMessage().contains("[5, -1]") && r.getMessage().contains("12"), r.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(3, 4).indexSelect(0, new int[]{3}));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(3, 4).sum(2, false));
    }

    @Test
    void reductionsAndIndices() {
        Tensor x = Tensor.of(new float[][]{{1, 5, 2}, {7, 0, 3}});
        assertArrayEquals(new float[]{1, 0}, x.argmax(1).data());
        assertArrayEquals(new float[]{5, 7}, x.max(1, false).values().data());
        assertArrayEquals(new float[]{8, 5, 5}, x.sum(0).data());
        assertEquals(3f, x.mean().item());
        assertArrayEquals(new float[]{18, 12.5f, 0.5f}, x.var(0, true, false).data(), 1e-6f);
        assertArrayEquals(new float[]{0, 1, 2, 3}, Tensor.arange(4).data());
        assertArrayEquals(new int[]{3, 2}, x.t().shape());
        assertEquals(7f, x.t().get(0, 1));
    }

    @Test
    void printsLikePyTorch() {
        assertEquals("tensor([[2., 2., 2.],\n        [2., 2., 2.]])", Tensor.full(2f, 2, 3).toString());
        assertEquals("tensor([[0., 0.]])", Tensor.zeros(1, 2).toString());
        assertEquals("tensor([ 0.5000, -1.2500])", Tensor.of(0.5f, -1.25f).toString());
        assertEquals("tensor(1.)", Tensor.scalar(1f).toString());
        assertEquals("tensor([1., 2.], requires_grad=True)", Tensor.of(1f, 2f).requiresGrad(true).toString());
        assertEquals("tensor([2., 4.], grad_fn=<MulBackward1>)", Tensor.of(1f, 2f).requiresGrad(true).mul(2f).toString());
        assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.of(1e-5f, 1f).toString());
    }

    @Test
    void aShapeWhoseElementCountOverflowsIsRefusedNotWrapped() {
        var e = assertThrows(IllegalArgumentException.class, () -> jgrad.tensor.Shapes.numel(new int[]{65536, 65536, 65536, 65536}));
        assertTrue(e.getMessage().contains("2^31-1"), e.getMessage());
        assertEquals(0, jgrad.tensor.Shapes.numel(new int[]{0, 65536, 65536}));
    }
}
