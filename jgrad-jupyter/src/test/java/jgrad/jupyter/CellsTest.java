package jgrad.jupyter;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jgrad.autograd.Tensor;
import jgrad.nn.Module;

/** Cells run in JShell in this JVM, without Jupyter: values, errors with cell lines, the default imports, stopping. */
class CellsTest {
    static Cells cells;

    @BeforeAll
    static void start() throws Cells.Failure {
        cells = new Cells();
        cells.start();
    }

    @AfterAll
    static void close() {
        cells.close();
    }

    @Test
    void theLastExpressionIsTheCellsValueAndOnlyAnExpressionHasOne() throws Cells.Failure {
        assertEquals(42, cells.run("int a = 40;\n\na + 2", 1));
        assertSame(Cells.NO_VALUE, cells.run("int b = 1;", 2));
        assertSame(Cells.NO_VALUE, cells.run("b = 3;", 3));
        assertSame(Cells.NO_VALUE, cells.run("System.out.printf(\"%d%n\", b);", 4), "printf returns its stream: not a value");
        assertNull(cells.run("String s = null;\ns", 5));
        assertEquals(3, cells.run("b", 6));
    }

    @Test
    void jgradsClassesNeedNoImportAndModuleIsJgrads() throws Cells.Failure {
        Object net = cells.run("""
                import jgrad.nn.*;
                class Net extends Module {
                    final Linear fc = register("fc", new Linear(3, 2));
                    @Override public Tensor forward(Tensor x) { return fc.forward(x); }
                }
                new Net()""", 7);
        assertInstanceOf(Module.class, net);
        assertTrue(Displays.module((Module) net).endsWith("8 parameters"), Displays.module((Module) net));
        assertInstanceOf(Tensor.class, cells.run("Tensor.zeros(2, 2)", 8));
    }

    @Test
    void aCompileErrorNamesTheCellLineWithACaret() {
        var f = assertThrows(Cells.Failure.class, () -> cells.run("int x = 1;\n\n  String y = 2;", 9));
        assertEquals("CompilationError", f.name);
        assertEquals("cell line 3: incompatible types: int cannot be converted to java.lang.String", f.traceback.get(0));
        assertEquals("      String y = 2;", f.traceback.get(1));
        assertEquals("                 ^", f.traceback.get(2));
    }

    @Test
    void anExceptionShowsItsTypeMessageAndTheUsersFramesOnly() {
        var f = assertThrows(Cells.Failure.class, () -> cells.run("int half(int n) {\n  return n / 0;\n}\nhalf(4)", 10));
        assertEquals("ArithmeticException", f.name);
        assertEquals("/ by zero", f.getMessage());
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at half (cell [10], line 2)", "    at (cell [10], line 4)"), f.traceback);
    }

    @Test
    void anIncompleteCellSaysWhereItStops() {
        var f = assertThrows(Cells.Failure.class, () -> cells.run("int y = 2;\nfor (int i = 0; i < 3; i++) {", 11));
        assertEquals("IncompleteInput", f.name);
        assertEquals("cell line 2: incomplete input:", f.traceback.get(0));
        assertTrue(cells.isComplete("for (int i = 0; i < 3; i++) {").isBlank(), "an open block asks for an indented next line");
        assertEquals("complete", cells.isComplete("int z = 1;"));
    }

    @Test
    void interruptStopsAnEndlessLoopAndTheNextCellRuns() throws Exception {
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            cells.interrupt();
        });
        long t0 = System.nanoTime();
        var f = assertThrows(Cells.Failure.class, () -> cells.run("long n = 0;\nwhile (true) n++;\nint never = 1;", 12));
        stopper.join();
        assertEquals("Interrupted", f.name);
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "stopped within seconds of the interrupt");
        assertEquals(7, cells.run("3 + 4", 13));
    }

    @Test
    void completionKnowsDefinedNamesAndTheDefaultImports() throws Cells.Failure {
        cells.run("String greeting = \"hi\";", 14);
        int[] anchor = new int[1];
        String code = "int q = 1;\ngreeting.toUpp";
        assertTrue(cells.complete(code, code.length(), anchor).contains("toUpperCase("));
        assertEquals(code.length() - "toUpp".length(), anchor[0]);
        assertTrue(cells.complete("new Linea", 9, anchor).contains("Linear("));
        assertFalse(cells.documentation("Math.max", 8).isEmpty());
    }
}
