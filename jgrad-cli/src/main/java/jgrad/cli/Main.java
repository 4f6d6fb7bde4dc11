package jgrad.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jgrad} command: subcommands for the notebook's exercises, training and benchmarks. */
@Command(name = "jgrad", mixinStandardHelpOptions = true, version = "jgrad 0.1.0",
        description = {"A small, fast, pure-Java deep-learning library with PyTorch's semantics.",
                "Reproduces the PyTorch course notebook's exercises on real Fashion-MNIST."},
        subcommands = {ExerciseCommand.class, TrainCommand.class, SeedCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  jgrad exercise 1b", "  jgrad train --model complex --epochs 10", "  jgrad seed"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (exercise, train, seed, bench)");
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
            for (Throwable t = ex; t != null; t = t.getCause())
                if (t instanceof IllegalArgumentException || t instanceof java.io.IOException
                        || t instanceof jgrad.train.NonFiniteLossException || t instanceof IllegalStateException) {
                    err.println("jgrad: " + t.getMessage());
                    return 1;
                }
            throw ex;
        });
        return cl.execute(args);
    }
}
