package jgrad.spark;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jgrad} commands that run on Apache Spark: {@code train --spark MASTER} and
 * {@code spark-parquet}. {@code ./jgrad} runs this class when its command line asks for Spark; on a
 * cluster, spark-submit runs it from the module's jar.
 */
@Command(name = "jgrad", mixinStandardHelpOptions = true, version = "jgrad 0.1.0",
        description = "jgrad on Apache Spark: data-parallel training by parameter averaging.",
        subcommands = {SparkTrainCommand.class, ParquetCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  jgrad spark-parquet data/fmnist",
                "  jgrad train --spark local[2] --model complex --sync-every 32",
                "  jgrad train --spark spark://127.0.0.1:7077 --workers 2 --parquet data/fmnist"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (train, spark-parquet)");
    }

    public static void main(String[] args) {
        System.exit(jgrad.cli.Main.execute(new Main(), args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }
}
