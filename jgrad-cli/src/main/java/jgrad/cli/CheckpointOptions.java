package jgrad.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jgrad.app.Run;
import jgrad.app.RunCheckpoint;
import jgrad.app.Setting;
import jgrad.app.Settings;
import jgrad.train.Checkpoint;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code jgrad train}'s checkpoint options. {@code --resume DIR} takes its settings from the newest
 * checkpoint in DIR that reads; an option given beside it must agree with the checkpoint's value,
 * or the run is refused naming both.
 */
final class CheckpointOptions {
    @Option(names = "--checkpoint", paramLabel = "DIR", description = {"Write a checkpoint to DIR after every epoch (the newest two are kept);",
            "an interrupted run continues with --resume DIR."})
    Path dir;
    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Also write a checkpoint every N steps (with --checkpoint or --resume).")
    Integer every;
    @Option(names = "--resume", paramLabel = "DIR", description = {"Continue the run checkpointed in DIR, writing further checkpoints there;",
            "it ends with the weights of an uninterrupted run, bit for bit. Options given must match the checkpoint's."})
    Path resume;

    /** The settings a run uses and where its checkpoints go. */
    record Plan(Settings settings, Run.Checkpoints checkpoints) {}

    /** The run's plan from the command line's settings {@code given}; reports a resume's skipped checkpoints on {@code err}. */
    Plan plan(Settings given, CommandLine cl, PrintWriter out, PrintWriter err) throws IOException {
        if (every != null && every < 1) throw new ParameterException(cl, "--checkpoint-every must be at least 1, got " + every);
        if (every != null && dir == null && resume == null) throw new ParameterException(cl, "--checkpoint-every needs --checkpoint DIR or --resume DIR");
        Path to = dir != null ? dir : resume;
        if (to != null && java.nio.file.Files.isDirectory(to)) Checkpoint.checkFree(to); // before its checkpoints are judged: another run may be writing them
        if (resume == null) {
            if (dir != null && !Checkpoint.checkpoints(dir).isEmpty())
                throw new ParameterException(cl, "--checkpoint " + dir + " already holds a run's checkpoints: continue it with --resume "
                        + dir + ", or choose another directory");
            return new Plan(given, new Run.Checkpoints(to, every != null ? every : 0, null));
        }
        // the newest checkpoint that is whole and consistent with the run it describes; the training set is checked when loaded
        Checkpoint.Loaded l = Checkpoint.load(resume, c -> RunCheckpoint.resumable(c, -1));
        for (String s : l.skipped()) err.println("jgrad: skipping a checkpoint: " + s);
        if (!l.skipped().isEmpty()) err.println("jgrad: resuming from the last good checkpoint, " + l.file());
        Settings saved = RunCheckpoint.settings(l.checkpoint());
        List<String> differences = new ArrayList<>();
        for (Setting s : Setting.values()) {
            Object a = given.get(s), b = saved.get(s);
            if (SettingOptions.given(cl, s) && !java.util.Objects.equals(a, b))
                differences.add(s.option + " " + s.shown(a) + " differs from the checkpoint's " + s.shown(b));
        }
        if (!differences.isEmpty())
            throw new ParameterException(cl, String.join("; ", differences) + " (" + l.file() + "); resume with the same settings, or none");
        var p = l.checkpoint().position();
        out.printf(java.util.Locale.ROOT, "Resuming from %s: epoch %d, step %d%n", l.file(), p.epoch(), p.step());
        return new Plan(saved, new Run.Checkpoints(to, every != null ? every : 0, l.checkpoint(), l.file()));
    }
}
