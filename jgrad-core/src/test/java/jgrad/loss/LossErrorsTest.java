package jgrad.loss;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import jgrad.autograd.Tensor;

/** Bad targets and inputs are errors that name the value and the limit, never a silent wrong loss. */
class LossErrorsTest {
    @Test
    void labelOutOfRangeNamesLabelAndClassCount() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(Tensor.zeros(2, 10), Tensor.of(3f, 12f)));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("10 classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NLLLoss().forward(Tensor.zeros(2, 3), Tensor.of(0.5f, 1f)));
        assertThrows(IllegalArgumentException.class, () -> new NLLLoss().forward(Tensor.zeros(2, 3), Tensor.of(-1f, 1f)));
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss().forward(Tensor.zeros(4, 10), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("[4, 10]") && e.getMessage().contains("[3]"), e.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> new MSELoss().forward(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(m.getMessage().contains("[2, 3]") && m.getMessage().contains("[3, 2]"), m.getMessage());
    }

    @Test
    void bceRejectsProbabilitiesOutsideUnitInterval() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BCELoss().forward(Tensor.of(0.5f, 1.5f), Tensor.of(0f, 1f)));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void bceClampsLogAtMinus100() {
        assertEquals(100f, new BCELoss().forward(Tensor.of(0f), Tensor.of(1f)).item(), 1e-4f);
        assertEquals(0f, new BCELoss().forward(Tensor.of(1f), Tensor.of(1f)).item());
    }

    @Test
    void crossEntropyStaysFiniteForHugeLogits() {
        Tensor loss = new CrossEntropyLoss().forward(Tensor.of(new float[][]{{1000, 0}, {0, 1000}}), Tensor.of(1f, 1f));
        assertEquals(500f, loss.item(), 1e-3f);
    }
}
