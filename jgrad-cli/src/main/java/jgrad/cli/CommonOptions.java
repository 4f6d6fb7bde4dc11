package jgrad.cli;

import java.nio.file.Path;

import jgrad.data.ImageDataset;
import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import picocli.CommandLine.Option;

/** The options every command that trains shares: where the data is, whether to download it, and threads. */
final class CommonOptions {
    @Option(names = "--threads", description = "Threads for the kernels (default: the number of cores).")
    Integer threads;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (searched first; downloads go here).")
    Path dataDir;
    @Option(names = "--no-download", description = "Never download; fail with instructions if the files are not found.")
    boolean noDownload;

    /** Preset {@code p}'s notebook settings for {@code epochs} epochs and {@code seed}, with these options. */
    Settings.Builder settings(Preset p, int epochs, long seed) {
        return Settings.builder(p).epochs(epochs).seed(seed).threads(threads());
    }

    /** Fashion-MNIST's train and test splits, as these options say where to find them. */
    ImageDataset[] load() throws java.io.IOException {
        return Run.load(dataDir, !noDownload);
    }

    /**
     * Reads a float as Java does, {@code Infinity} and {@code NaN} included, so that the command's
     * validation can name the option and what it needs (picocli's own converter rejects those with
     * a message about digits).
     */
    static final class AnyFloat implements picocli.CommandLine.ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            try {
                return Float.parseFloat(value);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a number");
            }
        }
    }

    /** Refuses {@code v} of {@code option} unless finite and at least {@code min} (above it when {@code strict}). */
    static void checkFinite(picocli.CommandLine cl, String option, Float v, float min, boolean strict) {
        if (v != null && !(Float.isFinite(v) && (strict ? v > min : v >= min)))
            throw new picocli.CommandLine.ParameterException(cl, option + " must be a finite " + (strict && min == 0 ? "positive number"
                    : "number " + (strict ? "above " : "≥ ") + TrainCommand.plain(min)) + ", got " + v);
    }

    int threads() {
        return threads != null ? threads : jgrad.tensor.Parallel.threads();
    }
}
