package jgrad.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jgrad exercise 1a|1b}: the 1a essay's claims measured; the notebook's manual forward/backward pass, printed as the notebook prints it. */
@Command(name = "exercise", modelTransformer = SettingOptions.Threads.class, mixinStandardHelpOptions = true,
        description = {"Runs the notebook's exercise 1a or 1b.",
                "1a: the essay's claims on backpropagation and gradient descent, measured (gradient check, cost, trajectories).",
                "1b: 5-3-2-1 network, manual forward and backward pass, one SGD step, checked against autograd."})
final class ExerciseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EXERCISE", description = "Which exercise: 1a or 1b (1c and 1d are `jgrad train --model simple|complex`).")
    String which;

    @Option(names = "--lr", defaultValue = "0.2", description = "1b's SGD learning rate (default: ${DEFAULT-VALUE}, the notebook's).")
    float lr;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (which.equals("1a")) {
            Exercise1aOutput.print(spec.commandLine().getOut(), common.load()[0]);
            return 0;
        }
        if (!which.equals("1b"))
            throw new ParameterException(spec.commandLine(), "unknown exercise '" + which
                    + "': expected 1a or 1b (1c and 1d are `jgrad train --model simple|complex`)");
        NotebookOutput.print1b(spec.commandLine().getOut(), lr);
        return 0;
    }
}
