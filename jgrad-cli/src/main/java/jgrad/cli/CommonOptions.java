package jgrad.cli;

import java.nio.file.Path;

import jgrad.data.ImageDataset;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import picocli.CommandLine.Option;

/**
 * The options every command that trains shares: where a dataset's files are and whether to
 * download them, and (in a command whose model has {@link SettingOptions.Threads}) the threads.
 */
final class CommonOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the dataset's files (searched first; downloads go here).")
    Path dataDir;
    @Option(names = "--no-download", description = "Never download; fail with instructions if the files are not found.")
    boolean noDownload;
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    /** Preset {@code p}'s notebook settings for {@code epochs} epochs and {@code seed}, with these options. */
    Settings.Builder settings(Preset p, int epochs, long seed) {
        return Settings.builder(p).epochs(epochs).seed(seed).threads(threads());
    }

    /** Where datasets are looked for, as these options say. */
    jgrad.data.DataSource source() {
        jgrad.data.DataSource src = jgrad.data.DataSource.defaults().withDownload(!noDownload);
        return dataDir != null ? src.withDirectory(dataDir) : src;
    }

    /** Fashion-MNIST's train and test splits, as these options say where to find them. */
    ImageDataset[] load() throws java.io.IOException {
        return Run.load(dataDir, !noDownload);
    }

    /** {@code --threads}, else every core. */
    int threads() {
        var cl = mixee.commandLine();
        if (!SettingOptions.given(cl, jgrad.app.Setting.THREADS)) return jgrad.tensor.Parallel.threads();
        int t = (Integer) cl.getParseResult().matchedOptionValue(jgrad.app.Setting.THREADS.option, null);
        String problem = jgrad.app.Setting.THREADS.problem(t);
        if (problem != null) throw new picocli.CommandLine.ParameterException(cl, jgrad.app.Setting.THREADS.option + " " + problem);
        return t;
    }
}
