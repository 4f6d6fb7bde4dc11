package jgrad.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar of one layer kind in a {@link Spec}: after the kind's word come its positional
 * numbers, in order (required ones first), then, in any order, its options (a keyword and a whole
 * number, {@code stride 2}) and its flags ({@code nobias}). Refused, with the kind's synopsis: a
 * word that is none of these, a number past the last positional, an option or flag given twice,
 * two that exclude each other ({@code same} and {@code pad}), a missing required number, and a
 * number out of its range. For example conv's grammar, whose synopsis is
 * {@code conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias]}:
 * <pre>{@code
 * Syntax.of().whole("OUT", "output channels", 1).whole("K", "kernel size", 1)
 *         .flag("same", "pads so that the output keeps the input's size (stride 1)").flag("valid", "no padding")
 *         .option("pad", "P", "zeros added on each side", 0).option("stride", "S", "the window's step", 1)
 *         .option("dilation", "D", "spacing of the kernel's taps", 1).option("groups", "G", "…", 1)
 *         .flag("nobias", "no bias").exclusive("same", "valid", "pad");
 * }</pre>
 */
public final class Syntax {
    /**
     * A positional number: its name in the synopsis ({@code OUT}), what it is, whole or real, its
     * range, and whether it may be left out: then it has a default ({@code fallback}), or the layer
     * decides (shown as {@code shown}, e.g. {@code all}), or, for {@code fromData}, the data gives it.
     */
    public record Positional(String name, String what, boolean whole, double min, double max, boolean required, String fallback,
                             String shown, boolean fromData) {}

    /** An option: its keyword, the name of its whole number in the synopsis, what it is, and the number's least value. */
    public record Option(String keyword, String name, String what, int min) {}

    /** A flag: its word and what it does. */
    public record Flag(String word, String what) {}

    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+"), REAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final List<Positional> positionals = new ArrayList<>();
    /** Options and flags in the order declared: the synopsis lists them so. */
    private final List<Object> named = new ArrayList<>();
    private final List<Set<String>> exclusive = new ArrayList<>();

    private Syntax() {}

    /** A grammar with no arguments, to which the methods below add. */
    public static Syntax of() {
        return new Syntax();
    }

    /** A required whole number of at least {@code min}. */
    public Syntax whole(String name, String what, int min) {
        return add(new Positional(name, what, true, min, Integer.MAX_VALUE, true, null, null, false));
    }

    /**
     * A whole number of at least 1 that only the spec's last layer of this kind may leave out: it is
     * then the data's number of outputs (classes or targets), as {@link Spec#parse(String, int[], int)} gives it.
     */
    public Syntax outputs(String name, String what) {
        return add(new Positional(name, what, true, 1, Integer.MAX_VALUE, true, null, null, true));
    }

    /** An optional whole number in [{@code min}, {@code max}], {@code fallback} when left out. */
    public Syntax whole(String name, String what, int min, int max, int fallback) {
        return add(new Positional(name, what, true, min, max, false, Integer.toString(fallback), null, false));
    }

    /**
     * An optional whole number in [{@code min}, {@code max}] whose default the layer decides from its
     * input ({@link Args#has} tells), shown in the synopsis as {@code shown}.
     */
    public Syntax whole(String name, String what, int min, int max, String shown) {
        return add(new Positional(name, what, true, min, max, false, null, shown, false));
    }

    /** An optional real number in [{@code min}, {@code max}], {@code fallback} (as written in a spec) when left out. */
    public Syntax real(String name, String what, double min, double max, String fallback) {
        return add(new Positional(name, what, false, min, max, false, fallback, null, false));
    }

    /** An option {@code keyword N} with a whole N of at least {@code min}. */
    public Syntax option(String keyword, String name, String what, int min) {
        named.add(new Option(keyword, name, what, min));
        return this;
    }

    public Syntax flag(String word, String what) {
        named.add(new Flag(word, what));
        return this;
    }

    /** At most one of these options and flags may be given. */
    public Syntax exclusive(String... words) {
        exclusive.add(Set.of(words));
        return this;
    }

    private Syntax add(Positional p) {
        if (!positionals.isEmpty() && !positionals.getLast().required && p.required)
            throw new IllegalStateException("a required positional after an optional one cannot be told apart");
        positionals.add(p);
        return this;
    }

    public List<Positional> positionals() {
        return List.copyOf(positionals);
    }

    /** The options and flags, in the order declared. */
    public List<Object> named() {
        return List.copyOf(named);
    }

    /** How the kind is written: {@code conv OUT K [same|valid|pad P] [stride S] [dilation D] [groups G] [nobias]}. */
    public String synopsis(String kind) {
        StringBuilder s = new StringBuilder(kind);
        for (Positional p : positionals) {
            if (p.required) s.append(' ').append(p.name);
            else s.append(" [").append(p.name).append('=').append(p.fallback != null ? p.fallback : p.shown).append(']');
        }
        Set<Set<String>> shown = new HashSet<>();
        for (Object o : named) {
            Set<String> group = group(word(o));
            if (group == null) s.append(" [").append(written(o)).append(']');
            else if (shown.add(group))
                s.append(" [").append(String.join("|", named.stream().filter(n -> group.contains(word(n))).map(Syntax::written).toList())).append(']');
        }
        return s.toString();
    }

    private static String word(Object o) {
        return o instanceof Option opt ? opt.keyword : ((Flag) o).word;
    }

    private static String written(Object o) {
        return o instanceof Option opt ? opt.keyword + " " + opt.name : ((Flag) o).word;
    }

    private Set<String> group(String word) {
        for (Set<String> g : exclusive) if (g.contains(word)) return g;
        return null;
    }

    /** A double as a spec writes it: 0.5, 0.01, 1. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * The arguments of {@code words} (the words after the kind, lower case), checked against this
     * grammar; errors start with {@code kind} and end with its synopsis.
     */
    public Args parse(String kind, List<String> words) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new LinkedHashSet<>(), given = new HashSet<>();
        int next = 0;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            Object n = named.stream().filter(o -> word(o).equals(w)).findFirst().orElse(null);
            if (n != null) {
                if (!given.add(w)) throw error(kind, "'" + w + "' is given twice");
                Set<String> group = group(w);
                if (group != null)
                    for (String other : given)
                        if (!other.equals(w) && group.contains(other)) throw error(kind, "'" + other + "' and '" + w + "' exclude each other");
                if (n instanceof Option opt) {
                    if (i + 1 >= words.size()) throw error(kind, "'" + w + "' needs a whole number after it");
                    String v = words.get(++i);
                    if (!WHOLE.matcher(v).matches()) throw error(kind, "'" + w + " " + v + "' needs a whole number");
                    range(kind, w + " " + opt.name, opt.what, v, opt.min, Integer.MAX_VALUE);
                    values.put(w, v);
                } else flags.add(w);
            } else if (next < positionals.size() && !given.isEmpty() && REAL.matcher(w).matches())
                throw error(kind, "'" + w + "' comes after an option or flag, but numbers come first");
            else if (next < positionals.size()) {
                Positional p = positionals.get(next++);
                if (!(p.whole ? WHOLE : REAL).matcher(w).matches())
                    throw error(kind, "'" + w + "' is not a " + (p.whole ? "whole number" : "number") + " (" + p.name + ", " + p.what + ")");
                range(kind, p.name, p.what, w, p.min, p.max);
                values.put(p.name, w);
            } else if (REAL.matcher(w).matches())
                throw error(kind, positionals.isEmpty() ? "takes no arguments, got '" + w + "'"
                        : "takes at most " + positionals.size() + " number" + (positionals.size() > 1 ? "s" : "") + ", got another: '" + w + "'");
            else throw error(kind, "unknown word '" + w + "'");
        }
        boolean missingOutputs = false;
        Map<String, String> defaults = new HashMap<>();
        for (Positional p : positionals.subList(next, positionals.size()))
            if (p.fromData) missingOutputs = true;
            else if (p.required) throw error(kind, "needs " + p.name + " (" + p.what + ")");
            else if (p.fallback != null) defaults.put(p.name, p.fallback);
        return new Args(values, defaults, flags, missingOutputs);
    }

    /** Refuses {@code text} (a whole or real number) outside [min, max]; whole numbers too large for an int fall outside. */
    private void range(String kind, String name, String what, String text, double min, double max) {
        double v = Double.parseDouble(text);
        if (v >= min && v <= max) return;
        String bounds = max == Integer.MAX_VALUE ? "at least " + number(min) : "between " + number(min) + " and " + number(max);
        throw error(kind, name + " (" + what + ") must be " + bounds + ", got " + text);
    }

    private IllegalArgumentException error(String kind, String problem) {
        return new IllegalArgumentException(kind + ": " + problem + "; it is written " + synopsis(kind));
    }

    /**
     * The checked arguments of one layer: positional numbers by their names, options by their
     * keywords, and the flags given.
     */
    public static final class Args {
        /** The numbers given, and the defaults of those left out, as written (parsed on use, so 0.1 is Float.parseFloat's 0.1). */
        private final Map<String, String> values, defaults;
        private final Set<String> flags;
        private final boolean missingOutputs;

        private Args(Map<String, String> values, Map<String, String> defaults, Set<String> flags, boolean missingOutputs) {
            this.values = values;
            this.defaults = defaults;
            this.flags = flags;
            this.missingOutputs = missingOutputs;
        }

        /** True when a number the data may give (see {@link Syntax#outputs}) was left out. */
        public boolean missingOutputs() {
            return missingOutputs;
        }

        /** These arguments with the left-out data-given number {@code name} set to {@code outputs}. */
        Args withOutputs(String name, int outputs) {
            Map<String, String> v = new HashMap<>(values);
            v.put(name, Integer.toString(outputs));
            return new Args(v, defaults, flags, false);
        }

        /** True when the flag, option or positional {@code name} was given. */
        public boolean has(String name) {
            return flags.contains(name) || values.containsKey(name);
        }

        /** The whole number {@code name} (a positional's name or an option's keyword), given or its default. */
        public int integer(String name) {
            String v = values.getOrDefault(name, defaults.get(name));
            if (v == null) throw new IllegalStateException("no argument " + name + " and no default"); // the grammar required it
            return Integer.parseInt(v);
        }

        /** The whole number {@code name}, or {@code fallback} when it was left out. */
        public int integer(String name, int fallback) {
            return has(name) ? integer(name) : fallback;
        }

        /** The real number {@code name}, or its default when it was left out. */
        public float real(String name) {
            String v = values.getOrDefault(name, defaults.get(name));
            if (v == null) throw new IllegalStateException("no argument " + name + " and no default");
            return Float.parseFloat(v);
        }

        @Override
        public String toString() {
            return values + " " + flags;
        }
    }
}
