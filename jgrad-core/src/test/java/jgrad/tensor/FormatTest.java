package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Tensors printed as PyTorch 1.13 prints them; every expected string is PyTorch's own output. */
class FormatTest {
    private static String print(float[] data, int... shape) {
        return Format.tensor(data, shape, null);
    }

    private static float[] arange(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    @Test
    void aTensorOfMoreThanAThousandElementsIsSummarisedWithThreeAtEachEnd() {
        // torch.zeros(100, 100)
        assertEquals("""
                tensor([[0., 0., 0.,  ..., 0., 0., 0.],
                        [0., 0., 0.,  ..., 0., 0., 0.],
                        [0., 0., 0.,  ..., 0., 0., 0.],
                        ...,
                        [0., 0., 0.,  ..., 0., 0., 0.],
                        [0., 0., 0.,  ..., 0., 0., 0.],
                        [0., 0., 0.,  ..., 0., 0., 0.]])""", print(new float[100 * 100], 100, 100));
        // torch.zeros(2, 3, 500): only the long dimension is elided
        assertEquals("""
                tensor([[[0., 0., 0.,  ..., 0., 0., 0.],
                         [0., 0., 0.,  ..., 0., 0., 0.],
                         [0., 0., 0.,  ..., 0., 0., 0.]],

                        [[0., 0., 0.,  ..., 0., 0., 0.],
                         [0., 0., 0.,  ..., 0., 0., 0.],
                         [0., 0., 0.,  ..., 0., 0., 0.]]])""", print(new float[2 * 3 * 500], 2, 3, 500));
        // torch.arange(1001.): the width comes from the printed entries
        assertEquals("tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])", print(arange(1001), 1001));
    }

    @Test
    void aThousandElementsArePrintedInFull() {
        String s = print(arange(1000), 1000);
        assertFalse(s.contains("..."), s);
        assertTrue(s.startsWith("tensor([  0.,   1.,") && s.endsWith("999.])"), s);
    }

    @Test
    void integersSpanningMoreThanAThousandfoldAreScientific() {
        assertEquals("tensor([1.0000e+00, 2.0000e+03])", print(new float[]{1, 2000}, 2)); // torch.tensor([1., 2000.])
        assertEquals("tensor([   1., 1000.])", print(new float[]{1, 1000}, 2)); // torch.tensor([1., 1000.])
    }
}
