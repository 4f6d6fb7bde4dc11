package jgrad.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RoundSumTest {
    /** Worker w's state: values whose float sums depend on the order of addition. */
    private static RoundSum.Part part(int w) {
        LinkedHashMap<String, float[]> s = new LinkedHashMap<>();
        float[] big = {1, 1e8f, -1e8f, 1, 0.5f};
        s.put("model.w", new float[]{big[w], 0.1f * (w + 1), (float) Math.pow(3, -w)});
        return new RoundSum.Part(w, 1, s, w + 0.5, 2, 32, 0.01 * w, 0.001);
    }

    private static float[] sumInOrder(int workers, List<Integer> order, boolean treeMerge) {
        RoundSum acc = new RoundSum(workers);
        for (int w : order) {
            RoundSum one = new RoundSum(workers).add(part(w));
            acc = treeMerge ? acc.merge(one) : acc.add(part(w));
        }
        return acc.total().state().get("model.w");
    }

    @Test
    void sumIsTheSameTreeWhateverTheArrivalOrder() {
        int workers = 5;
        // ((w0 + w1) + (w2 + w3)) + w4, added one pair at a time
        float[] expected = new float[3];
        for (int i = 0; i < 3; i++) {
            float a = part(0).state().get("model.w")[i] + part(1).state().get("model.w")[i];
            float b = part(2).state().get("model.w")[i] + part(3).state().get("model.w")[i];
            expected[i] = (a + b) + part(4).state().get("model.w")[i];
        }
        Random rnd = new Random(1);
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4));
        for (int trial = 0; trial < 20; trial++) {
            Collections.shuffle(order, rnd);
            assertArrayEquals(expected, sumInOrder(workers, order, trial % 2 == 0), "order " + order);
        }
        // the order matters for these values: the tree gives (1e8 + -1e8) + 0.5, left to right gives 1.5
        assertEquals(0.5f, expected[0]);
        float seq = 0;
        for (int w = 0; w < workers; w++) seq += part(w).state().get("model.w")[0];
        assertEquals(1.5f, seq);
    }

    @Test
    void keepsTotalsAndTheSlowestWorker() {
        RoundSum acc = new RoundSum(3);
        for (int w : List.of(2, 0, 1)) acc.add(part(w));
        RoundSum.Part total = acc.total();
        assertEquals(0.5 + 1.5 + 2.5, total.lossSum(), 1e-12);
        assertEquals(6, total.steps());
        assertEquals(96, total.samples());
        assertEquals(0.02, total.trainSeconds(), 1e-12);
        float[] mean = acc.mean().get("model.w");
        assertEquals((0.1f + 0.2f) + 0.3f, mean[1] * 3, 1e-6f);
    }

    @Test
    void missingOrRepeatedWorkersAreErrors() {
        RoundSum acc = new RoundSum(3).add(part(0)).add(part(2));
        var e = assertThrows(IllegalStateException.class, acc::total);
        assertTrue(e.getMessage().contains("missing workers"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> acc.add(part(0)));
    }

    @Test
    void statesOfDifferentShapeAreErrors() {
        RoundSum.Part odd = part(1);
        odd.state().put("model.w", new float[2]);
        var e = assertThrows(IllegalStateException.class, () -> new RoundSum(2).add(part(0)).add(odd));
        assertTrue(e.getMessage().contains("model.w has 3 values on worker 0 but 2 on worker 1"), e.getMessage());
    }
}
