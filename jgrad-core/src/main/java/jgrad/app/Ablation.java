package jgrad.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jgrad.data.ImageDataset;
import jgrad.train.Trainer;

/**
 * The notebook's step from 1c to 1d taken one change at a time, each rung trained with several
 * seeds, so that each change's effect on test accuracy and test cross-entropy is measured with its
 * spread. The notebook's 1d text credits the deeper, wider network, LeakyReLU, batch normalisation,
 * Adam and "dropout and L2 regularization" for the improvement; its code defines {@code nn.Dropout(0.5)}
 * but never applies it, so the last two rungs add the dropout it describes.
 * <pre>
 *   1c          784-256-128-10, ReLU, SGD lr 0.01                  (the notebook's 1c)
 *   deeper      784-512-256-128-10, ReLU, SGD lr 0.01
 *   leakyrelu   LeakyReLU(0.2) instead of ReLU
 *   batchnorm   + BatchNorm1d before each activation
 *   adam        Adam lr 1e-3 instead of SGD
 *   1d          + weight decay 1e-5                                 (the notebook's 1d)
 *   dropout0.5  1d + Dropout(0.5) after each hidden activation
 *   dropout0.2  1d + Dropout(0.2) after each hidden activation
 * </pre>
 * Run {@code s} of a rung uses seed {@code seed + s}; every rung sees the same seeds, and a rerun gives
 * the same numbers bit for bit (see {@link Run}). Batch 64 throughout, as in the notebook.
 * <pre>{@code
 * List<Ablation.Rung> rungs = Ablation.run(Ablation.LADDER.subList(0, 2), 5, 10, 0, Parallel.threads(), train, test, Ablation.Listener.NONE);
 * rungs.get(1).accuracy().minus(rungs.get(0).accuracy());   // deeper minus 1c, with Welch's interval
 * }</pre>
 */
public final class Ablation {
    private Ablation() {}

    /** One rung: its name, the change from the rung before (the claim it tests), the network as a spec and its optimizer. */
    public record Variant(String name, String change, String spec, String optimizer, float lr, float weightDecay) {}

    private static String mlp(String activation, boolean bn, String dropout) {
        StringBuilder s = new StringBuilder("flatten");
        for (int width : new int[]{512, 256, 128})
            s.append(", linear ").append(width).append(bn ? ", bn" : "").append(", ").append(activation).append(dropout);
        return s.append(", linear").toString();
    }

    public static final List<Variant> LADDER = List.of(
            new Variant("1c", "the notebook's 1c", Preset.SIMPLE.spec, "sgd", 0.01f, 0f),
            new Variant("deeper", "more and wider layers (784-512-256-128-10)", mlp("relu", false, ""), "sgd", 0.01f, 0f),
            new Variant("leakyrelu", "LeakyReLU(0.2) instead of ReLU", mlp("leakyrelu 0.2", false, ""), "sgd", 0.01f, 0f),
            new Variant("batchnorm", "batch normalisation", mlp("leakyrelu 0.2", true, ""), "sgd", 0.01f, 0f),
            new Variant("adam", "Adam lr 1e-3 instead of SGD", mlp("leakyrelu 0.2", true, ""), "adam", 1e-3f, 0f),
            new Variant("1d", "L2 regularisation (weight decay 1e-5), = the notebook's 1d", Preset.COMPLEX.spec, "adam", 1e-3f, 1e-5f),
            new Variant("dropout0.5", "Dropout(0.5), which 1d defines but never applies", mlp("leakyrelu 0.2", true, ", dropout 0.5"), "adam", 1e-3f, 1e-5f),
            new Variant("dropout0.2", "Dropout(0.2) instead of 0.5", mlp("leakyrelu 0.2", true, ", dropout 0.2"), "adam", 1e-3f, 1e-5f));

    /** The ladder's rungs named in {@code names} (in the ladder's order), or an error listing the names. */
    public static List<Variant> select(List<String> names) {
        for (String n : names)
            if (LADDER.stream().noneMatch(v -> v.name.equals(n)))
                throw new IllegalArgumentException("unknown variant '" + n + "': expected one of "
                        + LADDER.stream().map(Variant::name).toList() + " or a count 1.." + LADDER.size());
        return LADDER.stream().filter(v -> names.contains(v.name)).toList();
    }

    /** A rung's measurements, one per seed: test accuracy (%) and test cross-entropy. */
    public record Rung(Variant variant, double[] accuracies, double[] crossEntropies) {
        public Stats accuracy() {
            return Stats.of(accuracies);
        }

        public Stats crossEntropy() {
            return Stats.of(crossEntropies);
        }
    }

    /** The settings of seed {@code seed} of {@code v}. */
    public static Settings settings(Variant v, int epochs, long seed, int threads) {
        return Settings.builder(Preset.SIMPLE).arch(v.spec).optimizer(v.optimizer).lr(v.lr).weightDecay(v.weightDecay)
                .epochs(epochs).seed(seed).threads(threads).build();
    }

    /** Sees every run's steps and epochs, and each run's scores when it ends. */
    public interface Listener extends Trainer.Listener {
        Listener NONE = new Listener() {};

        default void ran(Variant v, long seed, double accuracy, double crossEntropy) {}
    }

    /** Trains every variant with seeds {@code seed .. seed + seeds - 1}. */
    public static List<Rung> run(List<Variant> variants, int seeds, int epochs, long seed, int threads,
                                 ImageDataset train, ImageDataset test, Listener listener) {
        if (seeds < 1) throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
        List<Rung> out = new ArrayList<>();
        for (Variant v : variants) {
            double[] acc = new double[seeds], ce = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                Run.Result r = Run.run(settings(v, epochs, seed + s, threads), train, test, listener);
                acc[s] = r.test().accuracy();
                ce[s] = r.test().meanLoss();
                listener.ran(v, seed + s, acc[s], ce[s]);
            }
            out.add(new Rung(v, acc, ce));
        }
        return out;
    }

    /** The table: per rung mean ± std and 95% interval of both scores, and the difference from the rung above. */
    public static String table(List<Rung> rungs) {
        StringBuilder b = new StringBuilder();
        String f = "%-11s %16s %17s %17s   %18s %19s %20s%n";
        b.append(String.format(Locale.ROOT, f, "variant", "accuracy %", "95% CI", "Δ (95% CI)", "cross-entropy", "95% CI", "Δ (95% CI)"));
        for (int i = 0; i < rungs.size(); i++) {
            Rung r = rungs.get(i);
            Stats a = r.accuracy(), c = r.crossEntropy();
            String da = i == 0 ? "" : diff(a.minus(rungs.get(i - 1).accuracy()), 2);
            String dc = i == 0 ? "" : diff(c.minus(rungs.get(i - 1).crossEntropy()), 4);
            b.append(String.format(Locale.ROOT, f, r.variant.name, pm(a, 2), ci(a, 2), da, pm(c, 4), ci(c, 4), dc));
        }
        return b.toString();
    }

    /**
     * One sentence per rung after the first: whether the numbers support the claim that its change
     * improved the network. Supported when Welch's 95% interval of the accuracy gain lies above zero
     * and the cross-entropy did not rise significantly; contradicted when the accuracy fell or the
     * cross-entropy rose significantly; otherwise not resolved at this number of seeds.
     */
    public static List<String> verdicts(List<Rung> rungs) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < rungs.size(); i++) {
            Rung r = rungs.get(i), p = rungs.get(i - 1);
            Stats da = r.accuracy().minus(p.accuracy()), dc = r.crossEntropy().minus(p.crossEntropy());
            String what = String.format(Locale.ROOT, "%s (%s): accuracy %+.2f points, cross-entropy %+.4f, over %s. ",
                    r.variant.name, r.variant.change, da.mean(), dc.mean(), p.variant.name);
            String verdict;
            if (da.above0() && !dc.above0()) verdict = "Supported: a significant improvement.";
            else if (da.below0() || dc.above0())
                verdict = "Not supported: significantly worse" + (da.below0() ? " accuracy." : " cross-entropy.");
            else if (Double.isNaN(da.half())) verdict = "Not resolved: one seed gives no spread.";
            else verdict = "Not resolved: the 95% interval of the accuracy change includes 0.";
            out.add(what + verdict);
        }
        return out;
    }

    private static String pm(Stats s, int d) {
        return String.format(Locale.ROOT, "%." + d + "f ± %." + d + "f", s.mean(), s.std());
    }

    private static String ci(Stats s, int d) {
        return String.format(Locale.ROOT, "[%." + d + "f, %." + d + "f]", s.mean() - s.half(), s.mean() + s.half());
    }

    private static String diff(Stats s, int d) {
        return String.format(Locale.ROOT, "%+." + d + "f [%+." + d + "f, %+." + d + "f]", s.mean(), s.mean() - s.half(), s.mean() + s.half());
    }

    /** The first {@code n} images of {@code d} (all of them if it has fewer): a short training set for quick runs. */
    public static ImageDataset head(ImageDataset d, int n) {
        n = Math.min(n, d.size());
        return d.subset(java.util.stream.IntStream.range(0, n).toArray(), d.name() + "[:" + n + "]");
    }
}
