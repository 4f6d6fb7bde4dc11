package jgrad.jupyter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;

/**
 * A notebook cell's Java source run through JShell: split into snippets (statements, expressions,
 * declarations, imports, classes, methods) and run in order; the value of a last expression is
 * the cell's value, as in Python. A failure becomes a {@link Failure} that names the cell's line.
 *
 * <p>The default imports make PyTorch-like code need no import lines: jgrad's everyday packages,
 * the report's charts ({@code jgrad.report.Plots}), the notebook helpers ({@link Notebook}) and the JDK packages JShell's own tool imports. {@code
 * jgrad.nn.Module} is imported by name, which shadows {@code java.lang.Module} for every later
 * on-demand import too, so {@code import jgrad.nn.*; class Net extends Module} is not ambiguous.
 */
final class Cells implements AutoCloseable {
    static final List<String> IMPORTS = List.of(
            "java.io.*", "java.math.*", "java.nio.file.*", "java.util.*", "java.util.function.*", "java.util.stream.*",
            "jgrad.autograd.*", "jgrad.nn.*", "jgrad.loss.*", "jgrad.optim.*", "jgrad.data.*", "jgrad.train.*",
            "jgrad.models.*", "jgrad.tensor.Rng", "jgrad.report.Plots", "jgrad.nn.Module", "static jgrad.jupyter.Notebook.*");

    /** A cell that did not run to the end: what Jupyter shows as {@code ename: evalue} and the traceback lines. */
    static final class Failure extends Exception {
        final String name;
        final List<String> traceback;

        Failure(String name, String message, List<String> traceback) {
            super(message, null, false, false);
            this.name = name;
            this.traceback = List.copyOf(traceback);
        }
    }

    /**
     * Where a snippet came from: execution count, the cell line its source starts on (compile errors
     * count from there) and the line of its first non-blank character (run-time frames count from there).
     */
    private record Origin(int cell, int line, int codeLine) {}

    private final Execution.Provider provider = new Execution.Provider();
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final Map<String, Origin> origins = new HashMap<>();
    private volatile boolean interrupted;

    Cells() {
        shell = JShell.builder().executionEngine(provider, Map.of()).build();
        analysis = shell.sourceCodeAnalysis();
    }

    /** Runs the default imports; a failure here is a broken kernel, not a user error. */
    void start() throws Failure {
        run(IMPORTS.stream().map(i -> "import " + i + ";").collect(Collectors.joining("\n")), 0);
    }

    /** Stops the running cell: its current snippet at the next check or interrupt, and the snippets after it. */
    void interrupt() {
        interrupted = true;
        shell.stop();
    }

    /**
     * Runs {@code code} as cell {@code count} and returns the value of its last snippet if that is an
     * expression with a value, else {@link #NO_VALUE}.
     */
    Object run(String code, int count) throws Failure {
        interrupted = false;
        provider.execution.reset();
        Object last = NO_VALUE;
        String rest = code;
        int line = 1;
        while (!rest.isBlank()) {
            if (interrupted) throw stopped();
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (!info.completeness().isComplete()) {
                if (info.completeness() == Completeness.EMPTY) break;
                throw new Failure("IncompleteInput", "the cell ends in the middle of a statement",
                        List.of("cell line " + (line + leadingLines(rest)) + ": incomplete input:", indent(info.remaining().strip())));
            }
            // the snippet's source keeps the blank lines before it, so its line 1 is the cell's line `line`
            int consumed = rest.length() - info.remaining().length();
            last = runSnippet(info.source(), new Origin(count, line, line + leadingLines(info.source())));
            line += (int) rest.substring(0, consumed).chars().filter(c -> c == '\n').count();
            rest = info.remaining();
        }
        return last;
    }

    /** The number of blank lines before the first non-blank character. */
    private static int leadingLines(String s) {
        int n = 0;
        for (int i = 0; i < s.length() && Character.isWhitespace(s.charAt(i)); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    /** Marks "no value" apart from a null value. */
    static final Object NO_VALUE = new Object();

    private Object runSnippet(String source, Origin origin) throws Failure {
        List<SnippetEvent> events = shell.eval(source);
        Execution execution = provider.execution;
        Object value = execution.takeValue();
        Throwable thrown = execution.takeFailure();
        Object result = NO_VALUE;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            origins.put(e.snippet().id(), origin);
            Snippet s = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) throw compileError(s, origin);
            JShellException ex = e.exception();
            if (ex != null) throw runtimeError(ex, thrown);
            if (interrupted) throw stopped();
            // printf and format return the stream they printed to: a statement in effect, as Python's print
            if (e.value() != null && shows(s.subKind()) && value != System.out && value != System.err) result = value;
        }
        return result;
    }

    /** An expression's value is shown; declarations, assignments and statements show nothing, as in Python. */
    private static boolean shows(Snippet.SubKind k) {
        return k == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND || k == Snippet.SubKind.VAR_VALUE_SUBKIND
                || k == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND;
    }

    private Failure stopped() {
        return new Failure("Interrupted", "the cell was stopped by the notebook's interrupt", List.of("Interrupted: the cell was stopped"));
    }

    /** Each error with the cell line it is on, the source line and a caret under the column. */
    private Failure compileError(Snippet s, Origin origin) {
        List<String> lines = new ArrayList<>();
        String src = s.source();
        String first = null;
        for (Diag d : shell.diagnostics(s).toList()) {
            if (!d.isError()) continue;
            String msg = d.getMessage(null);
            if (first == null) first = msg.lines().findFirst().orElse(msg);
            long pos = d.getStartPosition() >= 0 ? d.getStartPosition() : d.getPosition();
            if (pos >= 0 && pos <= src.length()) {
                int lineStart = src.lastIndexOf('\n', (int) pos - 1) + 1, lineEnd = src.indexOf('\n', (int) pos);
                int lineNo = origin.line() + (int) src.substring(0, (int) pos).chars().filter(c -> c == '\n').count();
                lines.add("cell line " + lineNo + ": " + msg.lines().filter(l -> !l.strip().startsWith("location:")).collect(Collectors.joining("\n    ")));
                lines.add("    " + src.substring(lineStart, lineEnd < 0 ? src.length() : lineEnd));
                lines.add("    " + " ".repeat((int) pos - lineStart) + "^");
            } else {
                lines.add(msg);
            }
        }
        if (first == null) {
            // rejected without an error of its own: a declaration whose dependencies are missing
            first = "cannot be defined: " + shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) s).collect(Collectors.joining(", ")) + " not found";
            lines.add(first);
        }
        return new Failure("CompilationError", first, lines);
    }

    /**
     * The exception's type and message, then the user's frames only: those from the cell's snippets
     * (named "cell [n], line k") and the library code they called, cut where the kernel called the snippet.
     */
    private Failure runtimeError(JShellException ex, Throwable thrown) {
        if (ex instanceof UnresolvedReferenceException u) {
            String deps = shell.unresolvedDependencies(u.getSnippet()).collect(Collectors.joining(", "));
            String msg = u.getSnippet() instanceof jdk.jshell.DeclarationSnippet d ? d.name() + " uses " + deps + ", which is not defined yet" : deps + " is not defined";
            return new Failure("UnresolvedReference", msg, List.of(msg));
        }
        String type = ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
        String message = thrown != null ? thrown.getMessage() : ex.getMessage();
        if (interrupted) {
            // library code stopped by the interrupt (a Trainer, a blocking queue): say so first
            List<String> tb = new ArrayList<>(List.of("Interrupted: the cell was stopped", "  in " + type + (message == null ? "" : ": " + message)));
            return new Failure("Interrupted", "the cell was stopped by the notebook's interrupt", tb);
        }
        List<String> tb = new ArrayList<>();
        Throwable t = ex;
        String header = type + (message == null ? "" : ": " + message);
        for (int depth = 0; t != null && depth < 8; depth++) {
            tb.add(depth == 0 ? header : "Caused by: " + (t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName())
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement f : t.getStackTrace()) {
                String cls = f.getClassName();
                if (cls.startsWith("java.lang.reflect.Method") || cls.startsWith("jdk.internal.reflect.") || cls.startsWith("jgrad.jupyter.")) break;
                tb.add("    at " + frame(f));
            }
            t = t.getCause();
        }
        String name = type.substring(type.lastIndexOf('.') + 1);
        return new Failure(name, message == null ? "" : message, tb);
    }

    /** A JShell frame ("#12", line k of snippet 12) as the cell and line it came from; other frames as Java prints them. */
    private String frame(StackTraceElement f) {
        String file = f.getFileName();
        if (file != null && file.startsWith("#")) {
            Origin o = origins.get(file.substring(1));
            String method = f.getMethodName().isEmpty() || f.getMethodName().equals("do_it$") ? "" : f.getMethodName();
            String where = o == null ? "snippet " + file : "cell [" + o.cell() + "], line " + (o.codeLine() + Math.max(f.getLineNumber(), 1) - 1);
            String cls = f.getClassName();
            String name = cls.isEmpty() || cls.startsWith("REPL.") ? method : cls.replaceFirst("^REPL\\.\\$JShell\\$\\d+\\$", "") + "." + method;
            return (name.isEmpty() ? "" : name + " ") + "(" + where + ")";
        }
        return f.toString();
    }

    private static String indent(String s) {
        return s.lines().map(l -> "    " + l).collect(Collectors.joining("\n"));
    }

    /** The snippet around {@code cursor}: completion and documentation work on one snippet, not a whole cell. */
    private record Part(String code, int offset) {}

    private Part part(String code, int cursor) {
        String before = code.substring(0, cursor);
        int offset = 0;
        while (true) {
            var info = analysis.analyzeCompletion(before.substring(offset));
            if (!info.completeness().isComplete() || info.remaining().isBlank()) break;
            int next = before.length() - info.remaining().length();
            if (next <= offset) break;
            offset = next;
        }
        return new Part(code.substring(offset), offset);
    }

    /** Completions at {@code cursor}, those that match the expected type first; {@code anchor[0]} gets the start of the text they replace. */
    List<String> complete(String code, int cursor, int[] anchor) {
        Part p = part(code, cursor);
        int[] a = new int[1];
        List<SourceCodeAnalysis.Suggestion> s = analysis.completionSuggestions(p.code(), cursor - p.offset(), a);
        anchor[0] = a[0] + p.offset();
        List<String> out = new ArrayList<>();
        s.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).map(SourceCodeAnalysis.Suggestion::continuation).distinct().forEach(out::add);
        s.stream().filter(x -> !x.matchesType()).map(SourceCodeAnalysis.Suggestion::continuation).filter(c -> !out.contains(c)).distinct().forEach(out::add);
        return out;
    }

    /** The signatures (and Javadoc, where JShell finds the source) of what is at {@code cursor}. */
    List<SourceCodeAnalysis.Documentation> documentation(String code, int cursor) {
        // extend to the end of the identifier, and into a call's parenthesis, so that any cursor position in a name works
        int at = cursor;
        while (at < code.length() && Character.isJavaIdentifierPart(code.charAt(at))) at++;
        int paren = at;
        while (paren < code.length() && Character.isWhitespace(code.charAt(paren))) paren++;
        if (paren < code.length() && code.charAt(paren) == '(') at = paren + 1;
        Part p = part(code, Math.min(cursor, code.length()));
        var docs = analysis.documentation(p.code(), at - p.offset(), true);
        if (docs.isEmpty() && (at == 0 || code.charAt(at - 1) != '(')) {
            // a method name without its parenthesis: JShell documents calls, so ask as if it were "name("
            String call = p.code().substring(0, at - p.offset()) + "(";
            docs = analysis.documentation(call, call.length(), true);
        }
        return docs;
    }

    /** Jupyter's is_complete: "complete", "invalid", or the indent for the next line of an unfinished statement. */
    String isComplete(String code) {
        var info = analysis.analyzeCompletion(code);
        while (info.completeness().isComplete() && !info.remaining().isBlank()) info = analysis.analyzeCompletion(info.remaining());
        return switch (info.completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> "complete";
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    ";
            case UNKNOWN -> "invalid";
        };
    }

    @Override
    public void close() {
        shell.close();
    }
}
