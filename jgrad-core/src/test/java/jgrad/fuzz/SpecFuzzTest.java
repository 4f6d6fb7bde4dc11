package jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.models.Spec;
import jgrad.nn.Sequential;
import jgrad.tensor.Rng;

/**
 * The spec grammar's fuzz campaign: a grammar-aware generator writes spec strings, valid ones and
 * mutated ones (words inserted, dropped, doubled or swapped, numbers made zero, negative, huge or
 * real, commas doubled, names repeated), and {@link Oracle}, a small reading of PyTorch's rules
 * written here apart from the library, decides for each whether it is a network and which output
 * shape and parameter count it has. {@link Spec#parse} must then agree: refuse what the oracle
 * refuses with an {@link IllegalArgumentException} naming the spec, and accept the rest with the
 * oracle's output shape and parameter count; a network that is small enough is also built and run
 * on a batch of zeros, which must give that shape. Anything else, another exception included, is a
 * failure. Inputs per campaign and seed as {@link Fuzz} ({@code -Djgrad.fuzz.inputs}, {@code -Djgrad.fuzz.seed}).
 */
class SpecFuzzTest {
    /** Words to insert; the first 9 also replace a word, so sizes turn zero, negative, real, huge or larger than memory. */
    private static final String[] JUNK = {"frobnicate", "100000", "30000", "1.5", "-1", "0", "99999999999", "2147483647", "nan", "1e3", "+2", "", "=", "stride",
            "pad", "same", "valid", "nobias", "noaffine", "groups", "dilation", "linear", "relu", "x=relu", "3", "0.5"};
    private static final String[] KINDS = {"linear", "conv", "maxpool", "avgpool", "adaptiveavgpool", "bn", "relu", "leakyrelu", "sigmoid",
            "tanh", "softmax", "layernorm", "dropout", "dropout2d", "flatten"};

    @Test
    void specs() {
        Map<String, Integer> kinds = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < Fuzz.INPUTS; i++) {
            SplittableRandom r = new SplittableRandom(Fuzz.SEED * 0x9E3779B97F4A7C15L + "spec".hashCode() * 1_000_003L + i);
            int[] shape = r.nextBoolean() ? new int[]{1 + r.nextInt(40)} : new int[]{1 + r.nextInt(4), 1 + r.nextInt(16), 1 + r.nextInt(16)};
            int outputs = r.nextInt(4) == 0 ? 1 + r.nextInt(5) : 0;
            StringBuilder how = new StringBuilder();
            String text = generate(r, shape, how);
            String outcome;
            try {
                outcome = judge(text, shape, outputs);
            } catch (Throwable e) {
                outcome = "FAILED: " + e;
            }
            kinds.merge(outcome.startsWith("FAILED") ? "FAILED" : outcome, 1, Integer::sum);
            if (outcome.startsWith("FAILED"))
                failures.add("input " + i + " \"" + text + "\" on " + Arrays.toString(shape) + (outputs > 0 ? " with " + outputs + " outputs" : "")
                        + " (" + how + "): " + outcome);
        }
        var s = new StringBuilder(String.format("fuzz spec: %d inputs, seed %d, %d ms, %d failures%n", Fuzz.INPUTS, Fuzz.SEED,
                (System.nanoTime() - start) / 1_000_000, failures.size()));
        kinds.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> s.append(String.format("  %6d  %s%n", e.getValue(), e.getKey())));
        System.out.print(s);
        if (!failures.isEmpty())
            fail(failures.size() + " of " + Fuzz.INPUTS + " specs failed:\n  " + String.join("\n  ", failures.subList(0, Math.min(20, failures.size()))));
    }

    /** Parses {@code text} and compares with the oracle; returns the outcome's kind, "FAILED: …" for a disagreement. */
    private static String judge(String text, int[] shape, int outputs) {
        Oracle.Result expected = Oracle.read(text, shape, outputs);
        Spec spec;
        try {
            spec = outputs > 0 ? Spec.parse(text, shape, outputs) : Spec.parse(text, shape);
        } catch (IllegalArgumentException e) {
            if (expected.problem == null) return "FAILED: refused a network the oracle accepts (" + Arrays.toString(expected.out) + "): " + e.getMessage();
            if (e.getMessage() == null || !e.getMessage().matches("(?s)(empty )?network spec.*"))
                return "FAILED: a refusal that does not name the spec: " + e.getMessage();
            return "refused: " + expected.problem;
        }
        if (expected.problem != null) return "FAILED: accepted a spec the oracle refuses (" + expected.problem + ") as " + Arrays.toString(spec.outputShape());
        if (!Arrays.equals(expected.out, spec.outputShape()))
            return "FAILED: output shape " + Arrays.toString(spec.outputShape()) + ", the oracle's " + Arrays.toString(expected.out);
        if (expected.parameters != spec.parameterCount())
            return "FAILED: " + spec.parameterCount() + " parameters, the oracle's " + expected.parameters;
        if (expected.parameters + 2 * expected.activations > 2_000_000) return "valid (not run: large)";
        Sequential net = spec.build(new Rng(0));
        long built = net.parameters().stream().mapToLong(Tensor::numel).sum();
        if (built != expected.parameters) return "FAILED: the network built has " + built + " parameters, the spec says " + expected.parameters;
        net.eval();
        int[] batch = new int[shape.length + 1];
        batch[0] = 2;
        System.arraycopy(shape, 0, batch, 1, shape.length);
        Tensor y;
        try (var g = GradMode.noGrad()) {
            y = net.forward(Tensor.zeros(batch));
        }
        int[] want = new int[expected.out.length + 1];
        want[0] = 2;
        System.arraycopy(expected.out, 0, want, 1, expected.out.length);
        if (!Arrays.equals(want, y.shape())) return "FAILED: the network gives " + Arrays.toString(y.shape()) + " for a batch of 2, not " + Arrays.toString(want);
        return "valid (built and run)";
    }

    // ---- the generator

    /** A spec of 1 to 6 layers drawn to fit {@code shape} most of the time, then, for half the inputs, 1 to 3 mutations. */
    static String generate(SplittableRandom r, int[] shape, StringBuilder how) {
        List<String> layers = new ArrayList<>();
        int rank = shape.length;
        for (int n = 1 + r.nextInt(6); n > 0; n--) {
            String kind = rank == 3 && r.nextInt(3) > 0 ? new String[]{"conv", "maxpool", "avgpool", "adaptiveavgpool", "bn", "dropout2d", "layernorm",
                    "softmax", "relu"}[r.nextInt(9)] : rank == 3 && r.nextInt(2) == 0 ? "flatten" : KINDS[r.nextInt(KINDS.length)];
            if (kind.equals("flatten")) rank = 1;
            layers.add((r.nextInt(8) == 0 ? "l" + r.nextInt(3) + "=" : "") + layer(r, kind));
        }
        List<String> tokens = new ArrayList<>(Arrays.asList(String.join(" , ", layers).split(" ")));
        if (r.nextBoolean()) {
            how.append("valid-ish");
            return join(tokens);
        }
        for (int m = 1 + r.nextInt(3); m > 0; m--) {
            int p = r.nextInt(tokens.size() + 1);
            switch (r.nextInt(7)) {
                case 0 -> {
                    String w = JUNK[r.nextInt(JUNK.length)];
                    how.append("insert '").append(w).append("' at ").append(p).append("; ");
                    tokens.add(p, w);
                }
                case 1 -> {
                    if (p == tokens.size()) p--;
                    how.append("drop ").append(p).append("; ");
                    tokens.remove(p);
                    if (tokens.isEmpty()) tokens.add("");
                }
                case 2 -> {
                    if (p == tokens.size()) p--;
                    how.append("double ").append(p).append("; ");
                    tokens.add(p, tokens.get(p));
                }
                case 3 -> {
                    if (p == tokens.size()) p--;
                    String w = JUNK[r.nextInt(9)];
                    how.append("replace ").append(p).append(" by '").append(w).append("'; ");
                    tokens.set(p, w);
                }
                case 4 -> {
                    how.append("comma at ").append(p).append("; ");
                    tokens.add(p, ",");
                }
                case 5 -> {
                    how.append("upper case; ");
                    tokens.replaceAll(t -> t.toUpperCase(Locale.ROOT));
                }
                default -> {
                    if (p >= tokens.size() - 1) p = 0;
                    how.append("swap ").append(p).append("; ");
                    String t = tokens.get(p);
                    tokens.set(p, tokens.get(p + 1 < tokens.size() ? p + 1 : p));
                    tokens.set(p + 1 < tokens.size() ? p + 1 : p, t);
                }
            }
        }
        return join(tokens);
    }

    private static String join(List<String> tokens) {
        return String.join(" ", tokens).replace(" ,", ",");
    }

    private static String layer(SplittableRandom r, String kind) {
        StringBuilder s = new StringBuilder(kind);
        switch (kind) {
            case "linear" -> {
                if (r.nextInt(6) > 0) s.append(' ').append(1 + r.nextInt(8));
                if (r.nextInt(4) == 0) s.append(" nobias");
            }
            case "conv" -> {
                s.append(' ').append(1 + r.nextInt(6)).append(' ').append(1 + r.nextInt(4));
                List<String> opts = new ArrayList<>();
                switch (r.nextInt(4)) {
                    case 0 -> opts.add("same");
                    case 1 -> opts.add("pad " + r.nextInt(3));
                    case 2 -> opts.add("valid");
                    default -> {}
                }
                if (r.nextInt(3) == 0) opts.add("stride " + (1 + r.nextInt(3)));
                if (r.nextInt(4) == 0) opts.add("dilation " + (1 + r.nextInt(2)));
                if (r.nextInt(4) == 0) opts.add("groups " + (1 + r.nextInt(2)));
                if (r.nextInt(4) == 0) opts.add("nobias");
                for (int i = opts.size(); i > 0; i--) s.append(' ').append(opts.remove(r.nextInt(i)));
            }
            case "maxpool", "avgpool" -> {
                s.append(' ').append(1 + r.nextInt(3));
                if (r.nextInt(3) == 0) s.append(" stride ").append(1 + r.nextInt(3));
                if (r.nextInt(3) == 0) s.append(" pad ").append(r.nextInt(2));
            }
            case "adaptiveavgpool" -> s.append(' ').append(1 + r.nextInt(4));
            case "leakyrelu" -> {
                if (r.nextBoolean()) s.append(' ').append(new String[]{"0.2", "-0.1", "1", "0.01"}[r.nextInt(4)]);
            }
            case "dropout", "dropout2d" -> {
                if (r.nextBoolean()) s.append(' ').append(new String[]{"0.2", "0", "1", "0.5"}[r.nextInt(4)]);
            }
            case "softmax" -> {
                if (r.nextBoolean()) s.append(' ').append(r.nextInt(5) - 2);
            }
            case "layernorm" -> {
                if (r.nextBoolean()) s.append(' ').append(1 + r.nextInt(3));
                if (r.nextInt(4) == 0) s.append(" noaffine");
            }
            default -> {}
        }
        return s.toString();
    }

    // ---- the oracle

    /**
     * PyTorch's rules for these layers, read apart from the library: which arguments each takes,
     * which inputs it accepts, the output shape (⌊(H + 2P − D(K − 1) − 1)/S⌋ + 1 for windows) and
     * its parameters. On top, jgrad's documented limits: "same" only with stride 1 and an even
     * D(K − 1); a weight, a sample's output or a convolution's column matrix within 2^31 − 1
     * elements; and what training takes (16 bytes a parameter, 8 an activation value) within the heap.
     */
    static final class Oracle {
        record Result(String problem, int[] out, long parameters, long activations) {}

        private static final Pattern WHOLE = Pattern.compile("[+-]?\\d{1,10}"), REAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
        private static final long INT_MAX = Integer.MAX_VALUE;

        static Result read(String text, int[] shape, int outputs) {
            if (text.isBlank()) return refuse("empty");
            String[] items = text.split(",", -1);
            Set<String> names = new HashSet<>();
            int lastLinear = -1;
            List<List<String>> words = new ArrayList<>();
            for (int i = 0; i < items.length; i++) {
                String item = items[i].trim(), name = Integer.toString(i);
                int eq = item.indexOf('=');
                if (eq >= 0) {
                    name = item.substring(0, eq).trim();
                    item = item.substring(eq + 1).trim();
                    if (!name.matches("[A-Za-z_]\\w*")) return refuse("bad name");
                }
                if (!names.add(name)) return refuse("name twice");
                if (item.isEmpty()) return refuse("empty layer");
                List<String> w = List.of(item.toLowerCase(Locale.ROOT).split("\\s+"));
                if (w.getFirst().equals("linear")) lastLinear = i;
                words.add(w);
            }
            int[] x = shape.clone();
            long parameters = 0, activations = numel(x);
            for (int i = 0; i < words.size(); i++) {
                List<String> w = words.get(i);
                Layer l;
                try {
                    l = layer(w.getFirst(), w.subList(1, w.size()), x, i == lastLinear ? outputs : 0);
                } catch (Refused e) {
                    return refuse(e.getMessage());
                }
                x = l.out;
                parameters += l.parameters;
                if (numel(x) > INT_MAX) return refuse("a sample's output past 2^31-1");
                activations += numel(x);
                if (16.0 * parameters + 8.0 * activations > Runtime.getRuntime().maxMemory()) return refuse("larger than the heap");
            }
            return new Result(null, x, parameters, activations);
        }

        private record Layer(int[] out, long parameters) {}

        private static final class Refused extends Exception {
            Refused(String why) {
                super(why);
            }
        }

        private static Result refuse(String why) {
            return new Result(why, null, 0, 0);
        }

        /** The layer {@code kind args} on input {@code x}; {@code outputs} fills a linear's missing size when it is the last linear. */
        private static Layer layer(String kind, List<String> args, int[] x, int outputs) throws Refused {
            Args a = new Args(args);
            int rank = x.length;
            switch (kind) {
                case "linear" -> {
                    Long out = a.whole(1);
                    if (out == null) {
                        if (outputs == 0) throw new Refused("linear without a size");
                        out = (long) outputs;
                    }
                    boolean bias = !a.flag("nobias");
                    a.end();
                    if (rank != 1) throw new Refused("linear on more than features");
                    if ((long) x[0] * out > INT_MAX) throw new Refused("weight past 2^31-1");
                    return new Layer(new int[]{(int) (long) out}, (long) x[0] * out + (bias ? out : 0));
                }
                case "conv" -> {
                    long out = a.required(a.whole(1)), k = a.required(a.whole(1));
                    Long pad = a.option("pad", 0), stride = a.option("stride", 1), dilation = a.option("dilation", 1), groups = a.option("groups", 1);
                    boolean same = a.flag("same"), valid = a.flag("valid"), bias = !a.flag("nobias");
                    a.end();
                    if ((same ? 1 : 0) + (valid ? 1 : 0) + (pad != null ? 1 : 0) > 1) throw new Refused("same, valid and pad together");
                    long s = stride == null ? 1 : stride, d = dilation == null ? 1 : dilation, g = groups == null ? 1 : groups;
                    long p = pad == null ? 0 : pad;
                    if (rank != 3) throw new Refused("conv on other than [C, H, W]");
                    if (x[0] % g != 0 || out % g != 0) throw new Refused("groups do not divide the channels");
                    if (same) {
                        if (s != 1) throw new Refused("same with a stride");
                        if (d * (k - 1) % 2 != 0) throw new Refused("same needs uneven padding");
                        p = d * (k - 1) / 2;
                    }
                    long ho = window(x[1], k, s, p, d), wo = window(x[2], k, s, p, d), weight = out * (x[0] / g) * k * k;
                    if (ho < 1 || wo < 1) throw new Refused("kernel larger than the padded input");
                    if (weight > INT_MAX || Math.max(x[0] * k * k, out) * ho * wo > INT_MAX || x[1] + 2 * p > INT_MAX)
                        throw new Refused("conv sizes past 2^31-1");
                    return new Layer(new int[]{(int) out, (int) ho, (int) wo}, weight + (bias ? out : 0));
                }
                case "maxpool", "avgpool" -> {
                    long k = a.required(a.whole(1));
                    Long stride = a.option("stride", 1), pad = a.option("pad", 0);
                    a.end();
                    long s = stride == null ? k : stride, p = pad == null ? 0 : pad;
                    if (rank != 3) throw new Refused("pooling on other than [C, H, W]");
                    if (p > k / 2) throw new Refused("pad more than half the window");
                    if (x[1] + 2 * p > INT_MAX || x[2] + 2 * p > INT_MAX) throw new Refused("padded input past 2^31-1");
                    long ho = window(x[1], k, s, p, 1), wo = window(x[2], k, s, p, 1);
                    if (ho < 1 || wo < 1) throw new Refused("window larger than the padded input");
                    return new Layer(new int[]{x[0], (int) ho, (int) wo}, 0);
                }
                case "adaptiveavgpool" -> {
                    long size = a.required(a.whole(1));
                    a.end();
                    if (rank != 3) throw new Refused("pooling on other than [C, H, W]");
                    if ((long) x[0] * size * size > INT_MAX) throw new Refused("a sample's output past 2^31-1");
                    return new Layer(new int[]{x[0], (int) size, (int) size}, 0);
                }
                case "bn" -> {
                    a.end();
                    if (rank != 1 && rank != 3) throw new Refused("bn on other than [F] or [C, H, W]");
                    return new Layer(x, 2L * x[0]);
                }
                case "relu", "sigmoid", "tanh" -> {
                    a.end();
                    return new Layer(x, 0);
                }
                case "flatten" -> {
                    a.end();
                    return new Layer(new int[]{(int) numel(x)}, 0);
                }
                case "leakyrelu" -> {
                    a.real(-Float.MAX_VALUE, Float.MAX_VALUE);
                    a.end();
                    return new Layer(x, 0);
                }
                case "dropout", "dropout2d" -> {
                    a.real(0, 1);
                    a.end();
                    if (kind.equals("dropout2d") && rank != 3) throw new Refused("dropout2d on other than [C, H, W]");
                    return new Layer(x, 0);
                }
                case "softmax" -> {
                    Long dim = a.whole(Integer.MIN_VALUE + 1);
                    a.end();
                    if (dim != null && (dim < -rank || dim >= rank)) throw new Refused("softmax over no dimension");
                    return new Layer(x, 0);
                }
                case "layernorm" -> {
                    Long k = a.whole(1);
                    boolean affine = !a.flag("noaffine");
                    a.end();
                    long kk = k == null ? rank : k;
                    if (kk > rank) throw new Refused("layernorm over more dimensions than the sample has");
                    long n = 1;
                    for (int i = rank - (int) kk; i < rank; i++) n *= x[i];
                    return new Layer(x, affine ? 2 * n : 0);
                }
                default -> throw new Refused("unknown kind");
            }
        }

        private static long window(long in, long k, long s, long p, long d) {
            return Math.floorDiv(in + 2 * p - d * (k - 1) - 1, s) + 1;
        }

        private static long numel(int[] x) {
            long n = 1;
            for (int d : x) n *= d;
            return n;
        }

        /** The words after the kind: positional numbers first, then options and flags, each taken once; {@link #end} refuses leftovers. */
        private static final class Args {
            private final List<String> words;
            private final Set<String> taken = new HashSet<>();
            private int next;

            Args(List<String> words) {
                this.words = new ArrayList<>(words);
            }

            /** The next positional whole number (at least {@code min}), or null when the next word is not a number. */
            Long whole(long min) throws Refused {
                if (next >= words.size() || isNamed(words.get(next))) return null;
                String w = words.get(next);
                if (!WHOLE.matcher(w).matches()) throw new Refused("not a whole number");
                long v = Long.parseLong(w);
                if (v < min || v > INT_MAX) throw new Refused("number out of range");
                next++;
                return v;
            }

            void real(double min, double max) throws Refused {
                if (next >= words.size() || isNamed(words.get(next))) return;
                String w = words.get(next);
                if (!REAL.matcher(w).matches()) throw new Refused("not a number");
                double v = Double.parseDouble(w);
                if (!(v >= min && v <= max)) throw new Refused("number out of range");
                next++;
            }

            long required(Long v) throws Refused {
                if (v == null) throw new Refused("a number missing");
                return v;
            }

            private static boolean isNamed(String w) {
                return w.matches("[a-z]+") && !w.equals("nan") && !w.equals("e");
            }

            /** The option {@code key N} (N at least {@code min}) once among the remaining words, or null. */
            Long option(String key, long min) throws Refused {
                int i = words.subList(next, words.size()).indexOf(key);
                if (i < 0) return null;
                i += next;
                if (words.subList(i + 1, words.size()).contains(key)) throw new Refused("option twice");
                String number = i + 1 < words.size() ? words.get(i + 1) : null; // null: a word an earlier option or flag took
                if (number == null || !WHOLE.matcher(number).matches()) throw new Refused("option without a number");
                long v = Long.parseLong(number);
                if (v < min || v > INT_MAX) throw new Refused("option out of range");
                words.set(i, null);
                words.set(i + 1, null);
                return v;
            }

            boolean flag(String word) throws Refused {
                int i = words.subList(next, words.size()).indexOf(word);
                if (i < 0) return false;
                if (words.subList(next + i + 1, words.size()).contains(word)) throw new Refused("flag twice");
                words.set(next + i, null);
                return true;
            }

            void end() throws Refused {
                for (String w : words.subList(next, words.size())) if (w != null) throw new Refused("a word too many");
            }
        }
    }
}
