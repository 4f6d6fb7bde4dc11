package jgrad.jupyter;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs JShell's snippets in this JVM (local execution: full speed, no second process, the kernel's
 * own {@code --add-modules jdk.incubator.vector}), each on a fresh thread that can be stopped.
 *
 * <p>Stopping works as JShell's own local execution does it: every method and backward branch of
 * the user's classes gets a call to {@link #check()}, which throws {@link Stopped} once a stop is
 * requested, and the snippet's thread is interrupted so that library code that checks (jgrad's
 * {@code Trainer}, blocking queues) ends too. Unlike JShell's version only the snippet's own thread is
 * interrupted, never threads it started (jgrad's kernel pool parks and would spin if interrupted).
 * It also keeps each snippet's value as an object, for the notebook's renderers, where JShell
 * keeps only its string.
 */
public final class Execution extends DirectExecutionControl {
    /** Thrown into user code by a requested stop; an {@link Error}, so {@code catch (Exception e)} lets it pass. */
    static final class Stopped extends Error {
        Stopped() {
            super("stopped by the notebook's interrupt", null, false, false);
        }
    }

    private static volatile boolean stopRequested;
    private static final ClassDesc SELF = ClassDesc.of(Execution.class.getName());

    private volatile Thread running;

    Execution() {}
    private Object value;
    private Throwable failure;

    /** Called by the woven user code at every method entry and backward branch. */
    public static void check() {
        if (stopRequested) throw new Stopped();
    }

    /** Clears a stop request before a cell runs. */
    void reset() {
        stopRequested = false;
    }

    /** The value of the snippet that ran last (null for a statement or a void call), and forgets it. */
    Object takeValue() {
        Object v = value;
        value = null;
        return v;
    }

    /** What the snippet that ran last threw, unconverted, and forgets it. */
    Throwable takeFailure() {
        Throwable f = failure;
        failure = null;
        return f;
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(Stream.of(cbcs).map(c -> new ClassBytecodes(c.name(), weave(c.bytecodes()))).toArray(ClassBytecodes[]::new));
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        Object[] result = new Object[1];
        Throwable[] thrown = new Throwable[1];
        Thread t = Thread.ofPlatform().name("jgrad-cell").unstarted(() -> {
            try {
                result[0] = doit.invoke(null);
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        running = t;
        try {
            t.start();
            t.join();
        } finally {
            running = null;
        }
        Throwable e = thrown[0];
        if (e instanceof InvocationTargetException ite && ite.getCause() != null) e = ite.getCause();
        if (e instanceof Stopped) throw new StoppedException();
        if (e != null) {
            failure = e;
            throw new InvocationTargetException(e);
        }
        value = result[0];
        // not valueString(value): that calls toString on every value, a list of 1000 batches included,
        // only to show it; the renderers show a cell's value, and this string only says there is one
        return value == null ? "null" : "value";
    }

    /** Requests a stop: woven user code stops at its next check, and the running snippet's thread is interrupted. */
    @Override
    public void stop() {
        stopRequested = true;
        Thread t = running;
        if (t != null) t.interrupt();
    }

    /** Inserts {@code Execution.check()} at the start of every method and before every backward branch. */
    private static byte[] weave(byte[] classFile) {
        var cf = ClassFile.of();
        return cf.transformClass(cf.parse(classFile), ClassTransform.transformingMethodBodies(CodeTransform.ofStateful(() -> new CodeTransform() {
            private final Set<Label> seen = new HashSet<>();

            @Override
            public void atStart(CodeBuilder b) {
                b.invokestatic(SELF, "check", ConstantDescs.MTD_void);
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                if (e instanceof LabelTarget target) seen.add(target.label());
                else if (e instanceof BranchInstruction branch && seen.contains(branch.target())) b.invokestatic(SELF, "check", ConstantDescs.MTD_void);
                b.with(e);
            }
        })));
    }

    /** Hands JShell the one {@link Execution} of this kernel. */
    static final class Provider implements ExecutionControlProvider {
        final Execution execution = new Execution();

        @Override
        public String name() {
            return "jgrad-local";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return execution;
        }
    }
}
