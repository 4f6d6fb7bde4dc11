package jgrad.autograd;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class WorkspaceTest {
    @Test
    void aStepsArraysServeTheNextStepWithTheirOldValues() {
        Workspace ws = new Workspace();
        float[] a, b;
        int[] i;
        try (var s = ws.enter()) {
            a = Workspace.floats(4096);
            b = Workspace.floats(4096);
            i = Workspace.ints(4096);
            assertNotSame(a, b);
            a[7] = 3f;
        }
        try (var s = ws.enter()) {
            float[] c = Workspace.floats(4096), d = Workspace.floats(4096), e = Workspace.floats(4096);
            assertTrue((c == a || c == b) && (d == a || d == b) && c != d, "both arrays come back");
            assertNotSame(a, e);
            assertNotSame(b, e);
            assertEquals(3f, (c == a ? c : d)[7], "an array keeps its old values until its op writes them");
            assertSame(i, Workspace.ints(4096));
            assertNotSame(a, Workspace.floats(2048), "arrays are reused only at their own length");
        }
    }

    @Test
    void outsideAStepAndForSmallArraysEveryArrayIsNew() {
        Workspace ws = new Workspace();
        float[] small;
        try (var s = ws.enter()) {
            small = Workspace.floats(100);
            small[0] = 1f;
        }
        try (var s = ws.enter()) {
            float[] again = Workspace.floats(100);
            assertNotSame(small, again);
            assertEquals(0f, again[0]);
        }
        float[] outside = Workspace.floats(4096);
        assertEquals(0f, outside[0]);
        assertNotSame(outside, Workspace.floats(4096));
    }

    @Test
    void onlyOneStepIsOpenOnAThread() {
        Workspace ws = new Workspace(), other = new Workspace();
        try (var s = ws.enter()) {
            var e = assertThrows(IllegalStateException.class, other::enter);
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
        try (var s = other.enter()) {
            assertEquals(5000, Workspace.floats(5000).length);
        }
    }
}
