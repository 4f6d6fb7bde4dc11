package jgrad.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The machine measurements give values in a plausible range (their speed is for benchmarks to judge). */
class PeakTest {
    @Test
    void aRoundTripBetweenTwoThreadsTakesBetweenANanosecondAndAMillisecond() {
        // one round trip is two cache-line transfers: tens to hundreds of ns on any current machine;
        // the bounds are wide so that a loaded test machine, whose threads get descheduled, still passes
        double ns = Peak.roundTripNanos();
        assertTrue(ns > 1 && ns < 1_000_000, ns + " ns");
    }
}
