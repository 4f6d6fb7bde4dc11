package jgrad.jupyter;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

import java.nio.charset.StandardCharsets;

/**
 * The jgrad kernel: Jupyter's messaging (JJava's {@code jjava-jupyter}) around {@link Cells}. Rich
 * display goes through the renderers {@link Displays} registers; errors are shown as the user's
 * Java would print them, with the kernel's own frames left out.
 */
final class Kernel extends BaseKernel {
    private final Cells cells;
    /** Opened when the default imports have run: a cell waits for them, kernel_info does not. */
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Cells.Failure startFailure;

    Kernel(Cells cells) {
        super("jgrad", Main.version(),
                new LanguageInfo.Builder("java").version(Runtime.version().toString()).mimetype("text/x-java-source")
                        .fileExtension(".jshell").pygments("java").codemirror("text/x-java").build(),
                List.of(), null,
                new IO(), new CommManager(), new Renderer(), null, null, false,
                new StringStyler.Builder().addPrimaryStyle(TextColor.BOLD_RESET_FG).addSecondaryStyle(TextColor.BOLD_RED_FG)
                        .addHighlightStyle(TextColor.BOLD_RESET_FG).build());
        this.cells = cells;
        Displays.register(getRenderer());
        // a partial line (print without println, a dot per step) shows within a fifth of a second, as in IPython
        Thread.ofPlatform().daemon().name("jgrad-flush").start(() -> {
            while (true) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                flush();
            }
        });
    }

    /** Runs the default imports (compiling the first snippet warms up javac) while Jupyter connects. */
    void warmUp() {
        Thread.ofPlatform().name("jgrad-warm-up").start(() -> {
            try {
                cells.start();
            } catch (Cells.Failure f) {
                startFailure = f;
            } finally {
                ready.countDown();
            }
        });
    }

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = request.isSilent() ? executionCount.get() : executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        replaceOutputStreams(env);
        IO io = (IO) this.io;
        io.attach(env, request.isStdinEnabled());
        env.defer(() -> io.detach(env));
        try {
            ready.await();
            if (startFailure != null) throw startFailure;
            Object value = cells.run(request.getCode(), count);
            flush();
            if (value != Cells.NO_VALUE && !request.isSilent()) env.publish(new PublishExecuteResult(count, render(value)));
            env.defer().reply(new ExecuteReply(count, Map.of()));
        } catch (Cells.Failure f) {
            flush();
            error(env, count, f.name, f.getMessage(), f.traceback);
        } catch (Exception e) {
            flush();
            // a renderer or the kernel itself failed: still one error, with the Java type and message
            error(env, count, e.getClass().getSimpleName(), String.valueOf(e.getMessage()), List.of(e.toString()));
        }
    }

    /** The library's streams, attached to one execute request at a time (their hooks for that are protected). */
    private static final class IO extends JupyterIO {
        IO() {
            super(StandardCharsets.UTF_8);
        }

        void attach(ShellReplyEnvironment env, boolean stdin) {
            setEnv(env);
            setJupyterInEnabled(stdin);
        }

        void detach(ShellReplyEnvironment env) {
            retractEnv(env);
        }
    }

    private void error(ShellReplyEnvironment env, int count, String name, String message, List<String> traceback) {
        List<String> styled = traceback.stream().map(l -> errorStyler.secondary(l)).collect(Collectors.toList());
        env.publish(new PublishError(name, message, styled));
        ErrorReply reply = new ErrorReply(name, message, styled);
        reply.setExecutionCount(count);
        env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }

    /** Sends what the cell printed before its value, a display or an error, so the outputs keep their order. */
    void flush() {
        out.flush();
        err.flush();
    }

    /**
     * The cell's {@code System.out} and {@code System.err}: whole lines at a time, and the rest when
     * the cell ends or shows something, or a fifth of a second later. The library's streams flush on every write, so a single
     * {@code printf} became one Jupyter message per piece of its format.
     */
    private final PrintStream out = new PrintStream(new Lines(io.out), false, StandardCharsets.UTF_8),
            err = new PrintStream(new Lines(io.err), false, StandardCharsets.UTF_8);

    @Override
    protected void replaceOutputStreams(ShellReplyEnvironment env) {
        PrintStream oldOut = System.out, oldErr = System.err;
        InputStream oldIn = System.in;
        System.setOut(out);
        System.setErr(err);
        System.setIn(io.in);
        env.defer(() -> {
            flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        });
    }

    /** Passes bytes on to {@code target} up to the last complete line; the rest on {@link #flush}. */
    private static final class Lines extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Lines(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
            if (b == '\n') flush();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int last = -1;
            for (int i = off + len - 1; i >= off; i--)
                if (b[i] == '\n') {
                    last = i;
                    break;
                }
            if (last < 0) {
                pending.write(b, off, len);
                return;
            }
            pending.write(b, off, last + 1 - off);
            flush();
            pending.write(b, last + 1, off + len - last - 1);
        }

        @Override
        public synchronized void flush() {
            if (pending.size() == 0) return;
            target.write(pending.toByteArray(), 0, pending.size());
            pending.reset();
        }
    }

    /** The renderers' output for {@code value} (a null value shows as {@code null}). */
    DisplayData render(Object value) {
        return value == null ? new DisplayData("null") : getRenderer().render(value);
    }

    @Override
    public Object evalRaw(String source) {
        try {
            ready.await();
            Object v = cells.run(source, executionCount.get());
            return v == Cells.NO_VALUE ? null : v;
        } catch (Cells.Failure f) {
            throw new IllegalStateException(f.name + ": " + f.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        var docs = cells.documentation(code, at);
        if (docs == null || docs.isEmpty()) return null;
        String text = docs.stream().map(d -> d.signature() + (d.javadoc() == null ? "" : "\n" + d.javadoc())).collect(Collectors.joining("\n\n"));
        return new DisplayData(text);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> options = cells.complete(code, at, anchor);
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        return cells.isComplete(code);
    }

    @Override
    public void interrupt() {
        cells.interrupt();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        cells.interrupt();
        cells.close();
    }
}
