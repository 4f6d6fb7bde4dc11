package jgrad.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jgrad} command: subcommands for the notebook's exercises, training and benchmarks. */
@Command(name = "jgrad", mixinStandardHelpOptions = true, version = "jgrad " + Main.VERSION,
        description = {"A small, fast, pure-Java deep-learning library with PyTorch's semantics.",
                "Reproduces the PyTorch course notebook's exercises on real Fashion-MNIST."},
        subcommands = {ExerciseCommand.class, TrainCommand.class, SeedCommand.class, AblateCommand.class, BenchCommand.class,
                PredictCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  jgrad exercise 1b", "  jgrad train --model complex --epochs 10", "  jgrad train --model cnn --report cnn-report",
                "  jgrad train --arch \"conv 16 3 same, relu, maxpool 2, flatten, linear\" --save net.safetensors",
                "  jgrad train --data iris.csv --skip-rows 1 --no-header --save iris.safetensors", "  jgrad predict iris.safetensors rows.csv",
                "  jgrad predict net.safetensors photo.jpg", "  jgrad export net.safetensors --onnx net.onnx", "  jgrad seed"})
public final class Main implements Runnable {
    /** jgrad's version, as the reports and {@code --version} show it. */
    static final String VERSION = "0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (exercise, train, seed, ablate, bench, predict, export)");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given output streams and returns the exit code (2 for a bad command line). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(new Main(), args, out, err);
    }

    /** Runs {@code command} (a picocli command object) as the CLI runs its own. */
    public static int execute(Object command, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // bad command lines are picocli's ParameterException (exit 2); anything failing later is 1, also
            // when it arrives wrapped (a Spark job's failure carries the task's exception as its cause)
            for (Throwable t = ex; t != null; t = t.getCause()) {
                Throwable e = t instanceof java.io.UncheckedIOException u ? u.getCause() : t;
                if (e instanceof java.io.IOException io) {
                    err.println("jgrad: " + Errors.describe(io));
                    return 1;
                }
                if (e instanceof IllegalArgumentException || e instanceof jgrad.train.NonFiniteLossException || e instanceof IllegalStateException) {
                    err.println("jgrad: " + e.getMessage());
                    return 1;
                }
            }
            if (outOfMemory(ex)) return outOfMemory(err);
            throw ex;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(err);
        }
    }

    /** True when {@code e} is, or was caused by, running out of heap (in a loader or kernel thread, it arrives wrapped). */
    private static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof OutOfMemoryError) return true;
        return false;
    }

    private static int outOfMemory(PrintWriter err) {
        err.println("jgrad: out of memory (the Java heap is " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB): use a smaller --batch-size,"
                + " or give Java more heap, e.g. JGRAD_JAVA_OPTS=-Xmx2g ./jgrad ...");
        return 1;
    }
}
