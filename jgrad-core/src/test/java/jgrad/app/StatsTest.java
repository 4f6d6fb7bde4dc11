package jgrad.app;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void tQuantilesMatchTheTables() {
        // two-sided 95% critical values of Student's t, from the standard tables
        double[][] table = {{1, 12.7062}, {2, 4.3027}, {4, 2.7764}, {9, 2.2622}, {30, 2.0423}, {1000, 1.9623}};
        for (double[] t : table) assertEquals(t[1], Stats.tQuantile975(t[0]), 1e-4, "df " + t[0]);
    }

    @Test
    void meanStdAndInterval() {
        Stats s = Stats.of(new double[]{1, 2, 3, 4, 5});
        assertEquals(3, s.mean(), 1e-12);
        assertEquals(Math.sqrt(2.5), s.std(), 1e-12);
        assertEquals(2.7764451 * Math.sqrt(2.5) / Math.sqrt(5), s.half(), 1e-6);
        assertTrue(Double.isNaN(Stats.of(new double[]{7}).std()));
    }

    @Test
    void welchDifference() {
        Stats a = Stats.of(new double[]{10, 11, 12}), b = Stats.of(new double[]{1, 2, 3, 4, 5});
        Stats d = a.minus(b);
        double va = 1.0 / 3, vb = 2.5 / 5, df = (va + vb) * (va + vb) / (va * va / 2 + vb * vb / 4);
        assertEquals(8, d.mean(), 1e-12);
        assertEquals(Math.sqrt(va + vb), d.std(), 1e-12);
        assertEquals(Stats.tQuantile975(df) * Math.sqrt(va + vb), d.half(), 1e-12);
        assertEquals(5.882, df, 1e-3); // (1/3 + 1/2)² / ((1/3)²/2 + (1/2)²/4) = 100/17
        assertTrue(d.above0());
        assertFalse(d.below0());
    }
}
