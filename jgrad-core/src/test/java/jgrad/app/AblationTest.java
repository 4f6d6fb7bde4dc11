package jgrad.app;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import jgrad.data.ImageDataset;
import jgrad.tensor.Parallel;

/** A short ablation on real Fashion-MNIST (2,000 training images, 1 epoch, 2 seeds, 2 rungs): its table and its reruns. */
class AblationTest {
    @Test
    void tableArithmeticAndBitIdenticalReruns() throws IOException {
        ImageDataset[] d = Run.load(null, false);
        ImageDataset train = Ablation.head(d[0], 2000);
        assertEquals(2000, train.size());
        List<Ablation.Variant> two = Ablation.select(List.of("1c", "adam"));
        int threads = Parallel.threads();
        List<Ablation.Rung> rungs = Ablation.run(two, 2, 1, 0, threads, train, d[1], Ablation.Listener.NONE);
        List<Ablation.Rung> again = Ablation.run(two, 2, 1, 0, threads, train, d[1], Ablation.Listener.NONE);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(rungs.get(i).accuracies(), again.get(i).accuracies(), 0.0);
            assertArrayEquals(rungs.get(i).crossEntropies(), again.get(i).crossEntropies(), 0.0);
        }
        // seed 1 of 1c is a plain Run with the rung's settings
        Run.Result r = Run.run(Ablation.settings(two.get(0), 1, 1, threads), train, d[1], jgrad.train.Trainer.Listener.NONE);
        assertEquals(r.test().accuracy(), rungs.get(0).accuracies()[1], 0.0);
        assertNotEquals(rungs.get(0).accuracies()[0], rungs.get(0).accuracies()[1], "two seeds, two different runs");

        String table = Ablation.table(rungs);
        for (int i = 0; i < 2; i++) {
            double[] a = rungs.get(i).accuracies(), c = rungs.get(i).crossEntropies();
            // n = 2: mean, std = |a0 − a1|/√2, 95% half width t(0.975, 1)·std/√2 = 12.7062·|a0 − a1|/2
            double mean = (a[0] + a[1]) / 2, std = Math.abs(a[0] - a[1]) / Math.sqrt(2), half = 12.7062047 * std / Math.sqrt(2);
            double cm = (c[0] + c[1]) / 2, cs = Math.abs(c[0] - c[1]) / Math.sqrt(2);
            String row = String.format(Locale.ROOT, "%.2f ± %.2f", mean, std);
            assertTrue(table.contains(row), row + " in\n" + table);
            String ci = String.format(Locale.ROOT, "[%.2f, %.2f]", mean - half, mean + half);
            assertTrue(table.contains(ci), ci + " in\n" + table);
            assertTrue(table.contains(String.format(Locale.ROOT, "%.4f ± %.4f", cm, cs)), table);
        }
        double delta = (rungs.get(1).accuracies()[0] + rungs.get(1).accuracies()[1] - rungs.get(0).accuracies()[0]
                - rungs.get(0).accuracies()[1]) / 2;
        assertTrue(table.contains(String.format(Locale.ROOT, "%+.2f [", delta)), table);
        // Adam at lr 1e-3 learns far faster than SGD at 0.01 in one short epoch
        assertTrue(delta > 10, "adam minus 1c: " + delta);
        assertEquals(1, Ablation.verdicts(rungs).size());
        assertTrue(Ablation.verdicts(rungs).get(0).startsWith("adam (Adam lr 1e-3 instead of SGD): accuracy +"));
    }

    @Test
    void unknownVariantIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Ablation.select(List.of("1c", "wider")));
        assertTrue(e.getMessage().contains("'wider'") && e.getMessage().contains("dropout0.5"), e.getMessage());
    }
}
