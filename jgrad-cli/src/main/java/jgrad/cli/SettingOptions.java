package jgrad.cli;

import java.util.List;
import java.util.Map;

import jgrad.app.Preset;
import jgrad.app.Setting;
import jgrad.app.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The command-line options of the run {@link Setting}s, made from that table: {@code jgrad train}
 * gets one option per setting, with its description, and reads them back into {@link Settings}.
 * A value that does not read (not a number) is refused by picocli, naming the option; a value out
 * of range when the settings are built.
 */
final class SettingOptions implements CommandLine.IModelTransformer {
    /** The one-letter aliases of the most used options. */
    private static final Map<Setting, String> SHORT = Map.of(Setting.MODEL, "-m", Setting.EPOCHS, "-e", Setting.BATCH_SIZE, "-b");

    /** Adds every setting's option to a command ({@code @Command(modelTransformer = SettingOptions.class)}). */
    @Override
    public CommandSpec transform(CommandSpec spec) {
        for (Setting s : Setting.values()) add(spec, s);
        spec.usageMessage().footer(TrainCommand.footer());
        return spec;
    }

    /** Adds only {@code --threads}, for commands that run presets as they are ({@code seed}, {@code ablate}, {@code bench}). */
    static final class Threads implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            add(spec, Setting.THREADS);
            return spec;
        }
    }

    /** Adds the option of {@code s} to {@code spec}. */
    static void add(CommandSpec spec, Setting s) {
        OptionSpec.Builder b = SHORT.containsKey(s) ? OptionSpec.builder(SHORT.get(s), s.option) : OptionSpec.builder(s.option);
        b.description(s.description);
        if (s.isFlag()) b.arity("0").type(boolean.class);
        else b.paramLabel(s.label).type(Object.class).converters(text -> {
            try {
                return s.read(text);
            } catch (IllegalArgumentException e) { // not a number, an unknown name: picocli names the option
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        spec.addOption(b.build());
    }

    /** True when {@code s} was given on the command line. */
    static boolean given(CommandLine cl, Setting s) {
        return cl.getParseResult().hasMatchedOption(s.option);
    }

    /**
     * The settings the command line gives, starting from {@code preset}'s defaults and, for the
     * settings in {@code only} (all when empty), taking every option given.
     *
     * @throws ParameterException for a value out of range, naming the option
     */
    static Settings read(CommandLine cl, Preset preset, List<Setting> only) {
        Settings.Builder b = Settings.builder(preset);
        for (Setting s : only.isEmpty() ? List.of(Setting.values()) : only)
            if (given(cl, s) && s != Setting.MODEL) b.set(s, cl.getParseResult().matchedOptionValue(s.option, null));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
    }

    /** The preset {@code --model} names, or null when it is not given. */
    static Preset preset(CommandLine cl) {
        return given(cl, Setting.MODEL) ? (Preset) cl.getParseResult().matchedOptionValue(Setting.MODEL.option, null) : null;
    }
}
