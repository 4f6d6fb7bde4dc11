package jgrad.app;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jgrad.data.Task;

/**
 * What a {@link Run} trains, on what, and how: one value for each {@link Setting}, the network a
 * preset's or {@code arch} (a {@code Spec}), the data, the hyper-parameters, the seed and the thread
 * count. Built by name, starting from a preset's defaults:
 * <pre>{@code
 * Settings s = Settings.builder(Preset.SIMPLE).epochs(3).seed(1).build();
 * Settings t = Settings.builder(Preset.CNN).arch("conv 16 3 same, relu, maxpool 2, flatten, linear").build();
 * Settings u = Settings.builder(Preset.MLP).data("iris.csv").set(Setting.SKIP_ROWS, 1).build();
 * }</pre>
 * Equal settings give equal runs, bit for bit.
 */
public final class Settings implements Serializable {
    private final EnumMap<Setting, Object> values;

    private Settings(EnumMap<Setting, Object> values) {
        this.values = values;
    }

    /** The notebook's settings for {@code p}, seed 0, on every core. */
    public static Settings of(Preset p) {
        return builder(p).build();
    }

    /** A builder starting from the defaults for {@code p}: the notebook's settings for its presets, seed 0, every core. */
    public static Builder builder(Preset p) {
        EnumMap<Setting, Object> m = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) m.put(s, s.defaultFor.apply(p));
        return new Builder(m);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(new EnumMap<>(values));
    }

    /** The value of {@code s} (null where it has none, as {@link Setting#ARCH} without a spec). */
    public Object get(Setting s) {
        return values.get(s);
    }

    public Preset preset() { return (Preset) get(Setting.MODEL); }
    /** The network's spec instead of the preset's, or null. */
    public String arch() { return (String) get(Setting.ARCH); }
    /** The data source, e.g. {@code fashion-mnist}, a folder or a CSV file. */
    public String data() { return (String) get(Setting.DATA); }
    /** The task when chosen, or null to take the data's. */
    public Task task() { return (Task) get(Setting.TASK); }
    public int epochs() { return (Integer) get(Setting.EPOCHS); }
    public int batchSize() { return (Integer) get(Setting.BATCH_SIZE); }
    public float lr() { return (Float) get(Setting.LR); }
    public String optimizer() { return (String) get(Setting.OPTIMIZER); }
    public float weightDecay() { return (Float) get(Setting.WEIGHT_DECAY); }
    public float momentum() { return (Float) get(Setting.MOMENTUM); }
    public long seed() { return (Long) get(Setting.SEED); }
    public int threads() { return (Integer) get(Setting.THREADS); }

    /** The network as a spec: {@code arch}, or the preset's. */
    public String spec() {
        return arch() != null ? arch() : preset().spec;
    }

    /** True when this is one of the notebook's networks with its hyper-parameters and data (epochs, seed and threads aside), so its numbers compare. */
    public boolean hasNotebookHyperparameters() {
        Preset p = preset();
        return p.fromNotebook() && arch() == null && batchSize() == p.batchSize && lr() == p.lr && optimizer().equals(p.optimizer)
                && weightDecay() == p.weightDecay && momentum() == 0f && isDefault(Setting.DATA, Setting.TASK, Setting.NORMALIZE, Setting.AUGMENT);
    }

    /** True when each of {@code which} has its default value. */
    private boolean isDefault(Setting... which) {
        for (Setting s : which) if (!Objects.equals(get(s), s.defaultFor.apply(preset()))) return false;
        return true;
    }

    /** Every setting that has a value, by {@link Setting#key}, as exact text that {@link #fromText} reads back. */
    public Map<String, String> toText() {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((s, v) -> {
            if (v != null) m.put(s.key, s.text(v));
        });
        return m;
    }

    /**
     * The settings written by {@link #toText}; a setting missing from {@code m} takes its default.
     *
     * @throws IllegalArgumentException naming the entry that is not a valid value, or an unknown key
     */
    public static Settings fromText(Map<String, String> m) {
        Map<String, Setting> byKey = new LinkedHashMap<>();
        for (Setting s : Setting.values()) byKey.put(s.key, s);
        for (String k : m.keySet())
            if (!byKey.containsKey(k)) throw new IllegalArgumentException("unknown setting '" + k + "'");
        String preset = m.get(Setting.MODEL.key);
        if (preset == null) throw new IllegalArgumentException("no " + Setting.MODEL.key);
        Builder b = builder((Preset) Setting.MODEL.parse(preset));
        m.forEach((k, v) -> b.set(byKey.get(k), byKey.get(k).parse(v)));
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings s && values.equals(s.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Settings[");
        values.forEach((s, v) -> {
            if (v != null) sb.append(sb.length() > 9 ? ", " : "").append(s.key).append('=').append(s.shown(v));
        });
        return sb.append(']').toString();
    }

    /** Settings by name; {@link #build} validates them. */
    public static final class Builder {
        private final EnumMap<Setting, Object> values;

        private Builder(EnumMap<Setting, Object> values) {
            this.values = values;
        }

        /** Sets {@code s} to {@code v}, of the setting's type (Integer, Long, Float, Boolean, String, Preset or Task), or null. */
        public Builder set(Setting s, Object v) {
            values.put(s, v);
            return this;
        }

        /** The preset, keeping every other setting. */
        public Builder preset(Preset v) { return set(Setting.MODEL, v); }
        /** The network as a spec instead of the preset's (whose hyper-parameters still apply); null for the preset's. */
        public Builder arch(String v) { return set(Setting.ARCH, v); }
        public Builder data(String v) { return set(Setting.DATA, v); }
        public Builder task(Task v) { return set(Setting.TASK, v); }
        public Builder epochs(int v) { return set(Setting.EPOCHS, v); }
        public Builder batchSize(int v) { return set(Setting.BATCH_SIZE, v); }
        public Builder lr(float v) { return set(Setting.LR, v); }
        public Builder optimizer(String v) { return set(Setting.OPTIMIZER, v); }
        public Builder weightDecay(float v) { return set(Setting.WEIGHT_DECAY, v); }
        public Builder momentum(float v) { return set(Setting.MOMENTUM, v); }
        public Builder seed(long v) { return set(Setting.SEED, v); }
        public Builder threads(int v) { return set(Setting.THREADS, v); }

        /** @throws IllegalArgumentException naming the first setting whose value is not valid */
        public Settings build() {
            Preset p = (Preset) values.get(Setting.MODEL);
            if (p == null) throw new IllegalArgumentException(Setting.MODEL.option + " needs a value");
            for (Setting s : Setting.values()) {
                Object v = values.get(s);
                if (v == null && s.defaultFor.apply(p) != null) throw new IllegalArgumentException(s.option + " needs a value");
                String problem = s.problem(v);
                if (problem != null) throw new IllegalArgumentException(s.option + " " + problem);
            }
            return new Settings(new EnumMap<>(values));
        }
    }
}
