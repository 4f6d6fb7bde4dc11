package jgrad.report;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import jgrad.data.Task;

/**
 * The report's {@code index.html} and the pictures it shows. The page is self-contained: inline
 * CSS, no script, every image a PNG beside it referenced by a relative name, so it opens offline
 * from disk in any browser.
 */
final class Page {
    static final String GENERATOR = "<meta name=\"generator\" content=\"jgrad report\">";
    private static final String CSS = """
            body { font-family: system-ui, "DejaVu Sans", sans-serif; color: #222; max-width: 1180px; margin: 24px auto; padding: 0 16px; }
            h1 { margin-bottom: 4px; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 40px; }
            .meta { color: #666; margin-top: 0; }
            .side { display: flex; flex-wrap: wrap; gap: 0 32px; align-items: flex-start; }
            table { border-collapse: collapse; margin: 12px 0; font-size: 14px; }
            th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            th { background: #f4f4f4; }
            figure { margin: 20px 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: 14px; max-width: 800px; }
            """;

    /** The pictures in page order, by file name. */
    final Map<String, BufferedImage> images = new LinkedHashMap<>();
    private final StringBuilder html = new StringBuilder();

    /** The whole page for {@code report}; its pictures are in {@link #images} after. */
    String render(Report report) {
        List<RunRecord> runs = report.runs();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n").append(GENERATOR)
                .append("\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(esc(report.title())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(esc(report.title())).append("</h1>\n<p class=\"meta\">Made by jgrad ").append(esc(report.version()))
                .append(" · ").append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append("</p>\n");
        if (runs.size() > 1) {
            html.append("<section>\n<h2>Runs compared</h2>\n");
            comparison(runs, report.published());
            figure("compare-loss.png", Charts.overlayLoss(runs), "Training loss of every run",
                    "Each run's per-step training loss, smoothed by an exponential moving average (β = " + Charts.EMA_BETA
                            + ", debiased), against epochs.");
            if (runs.stream().anyMatch(r -> r.task() != Task.REGRESS))
                figure("compare-accuracy.png", Charts.overlayAccuracy(runs), "Accuracy of every run after each epoch",
                        "Test accuracy (solid) and training accuracy (dashed) after each epoch where it was measured.");
            if (runs.stream().anyMatch(r -> r.task() == Task.REGRESS))
                figure("compare-r2.png", Charts.overlayR2(runs), "R² of every run after each epoch",
                        "Test R² (solid) and training R² (dashed) after each epoch where it was measured.");
            html.append("</section>\n");
        }
        for (int i = 0; i < runs.size(); i++)
            run(runs.get(i), runs.size() == 1 ? "" : "run" + (i + 1) + "-", runs.size() == 1 ? report.published() : null);
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    /**
     * One run's section; with {@code published} (the single-run page) its headline numbers stand
     * beside its settings. The charts are those of the run's task: accuracy, cross-entropy, the
     * confusion matrix and per-class accuracy for classes; accuracy, binary cross-entropy, the ROC
     * curve and the confusion matrix for a binary label; RMSE and MAE, R² and predicted against true
     * for real values; and the misclassified test images where the samples are images.
     */
    private void run(RunRecord r, String prefix, Map<String, Map<String, String>> published) {
        html.append("<section>\n<h2>Run ").append(esc(r.name())).append("</h2>\n<div class=\"side\">\n<table>\n");
        r.settings().forEach((k, v) -> row(k, v));
        row("seed", Long.toString(r.seed()));
        double train = r.epochs().stream().mapToDouble(EpochRecord::seconds).sum();
        row("training time", String.format(Locale.ROOT, "%.1f s (%d steps)", train, r.stepLoss().size()));
        row("whole run", String.format(Locale.ROOT, "%.1f s, with evaluation", r.seconds()));
        row("throughput", String.format(Locale.ROOT, "%,.0f training samples/s", r.samplesPerSecond()));
        html.append("</table>\n");
        if (published != null) comparison(List.of(r), published);
        html.append("</div>\n");
        epochTable(r);
        int steps = r.epochs().getFirst().steps();
        figure(prefix + "loss.png", Charts.loss(r), "Training loss of run " + r.name(),
                "Every step's batch loss (faint), its exponential moving average s = β·s + (1 − β)·loss with β = " + Charts.EMA_BETA
                        + ", divided by 1 − β^t as Adam does so the first steps are not pulled to 0, and each epoch's mean (dots, at mid-epoch). "
                        + steps + " steps per epoch." + (r.task() == Task.REGRESS
                        ? " The network learns the targets standardised by the training set's mean and std, so this loss is in those units." : ""));
        if (r.task() == Task.REGRESS) {
            figure(prefix + "errors.png", Charts.errors(r), "RMSE and MAE of run " + r.name(),
                    "Root mean squared error (solid) and mean absolute error (dashed) on the training and test sets after each epoch, "
                            + "the model in eval mode, in the target's own units.");
            figure(prefix + "r2.png", Charts.r2(r), "R² of run " + r.name(),
                    "R² = 1 − Σ(ŷ − y)²/Σ(y − ȳ)² on the training and test sets after each epoch (averaged over the targets when there are "
                            + "several): 1 is a perfect fit, 0 no better than predicting the mean.");
            figure(prefix + "scatter.png", Charts.scatter(r), "Predicted against true values of run " + r.name(),
                    "Each test sample's prediction against its true value (of the first target) after the last epoch"
                            + (r.scores().length > Charts.SCATTER_POINTS ? ", an evenly spaced " + Charts.SCATTER_POINTS + " of them" : "")
                            + "; on the dashed line y = x the prediction is exact.");
        } else {
            figure(prefix + "accuracy.png", Charts.accuracy(r), "Accuracy of run " + r.name(),
                    "Accuracy on the training and test sets after each epoch, the model in eval mode.");
            figure(prefix + "cross-entropy.png", Charts.crossEntropy(r), (r.task() == Task.BINARY ? "Binary cross-entropy" : "Cross-entropy")
                            + " of run " + r.name(),
                    "Mean " + r.lossName() + " over each set after each epoch, and the mean of the epoch's batch losses while training.");
            if (r.task() == Task.BINARY)
                figure(prefix + "roc.png", Charts.roc(r, r.epochs().getLast().test().auc()), "ROC curve of run " + r.name(),
                        "Test set after the last epoch: the share of positives (" + r.classNames().get(1) + ") scored above a threshold against "
                                + "the share of negatives (" + r.classNames().get(0) + ") scored above it, for every threshold. The area under "
                                + "it (AUC) is the probability that a positive scores above a negative.");
            figure(prefix + "confusion.png", Pictures.confusion(r.confusion(), r.classNames()), "Confusion matrix of run " + r.name(),
                    "Test set after the last epoch. Rows are true classes, columns predicted classes; each cell gives the count and its share of the row, and is shaded by that share.");
            if (r.task() == Task.CLASSIFY)
                figure(prefix + "per-class.png", Charts.perClass(r), "Per-class accuracy of run " + r.name(),
                        "The share of each class's test images classified correctly: the confusion matrix's diagonal over its row totals.");
            if (r.worst() != null)
                figure(prefix + "misclassified.png", Pictures.misclassified(r.worst(), r.classNames()), "Misclassified test images of run " + r.name(),
                        "The " + r.worst().size() + " test images the model gets wrong with the highest "
                                + (r.task() == Task.BINARY ? "probability σ(logit) for its answer" : "softmax probability")
                                + ", labelled true → predicted, with that probability and the image's index in the test set; pixels enlarged by nearest neighbour.");
        }
        html.append("</section>\n");
    }

    /** Each run's headline numbers, with the published ones beside them where there are any. */
    private void comparison(List<RunRecord> runs, Map<String, Map<String, String>> published) {
        Set<String> keys = new LinkedHashSet<>();
        for (RunRecord r : runs) {
            keys.addAll(r.summary().keySet());
            keys.addAll(published.getOrDefault(r.name(), Map.of()).keySet());
        }
        html.append("<table>\n<tr><th></th>");
        for (RunRecord r : runs) {
            if (published.containsKey(r.name())) html.append("<th class=\"num\">").append(esc(r.name())).append(" published</th>");
            html.append("<th class=\"num\">").append(esc(r.name())).append(" jgrad</th>");
        }
        html.append("</tr>\n");
        for (String k : keys) {
            html.append("<tr><th>").append(esc(k)).append("</th>");
            for (RunRecord r : runs) {
                if (published.containsKey(r.name())) cell(published.get(r.name()).getOrDefault(k, ""));
                cell(r.summary().getOrDefault(k, ""));
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    /** One row per epoch: its mean batch loss, the task's scores on both sets, and its time. */
    private void epochTable(RunRecord r) {
        record Column(String title, ToDoubleFunction<EpochRecord.Scores> score, boolean percent) {}
        List<Column> columns = switch (r.task()) {
            case CLASSIFY -> List.of(new Column("accuracy", EpochRecord.Scores::accuracy, true),
                    new Column("cross-entropy", EpochRecord.Scores::loss, false));
            case BINARY -> List.of(new Column("accuracy", EpochRecord.Scores::accuracy, true),
                    new Column("binary cross-entropy", EpochRecord.Scores::loss, false), new Column("ROC AUC", EpochRecord.Scores::auc, false));
            case REGRESS -> List.of(new Column("RMSE", EpochRecord.Scores::rmse, false), new Column("MAE", EpochRecord.Scores::mae, false),
                    new Column("R²", EpochRecord.Scores::r2, false));
        };
        html.append("<table>\n<tr><th>epoch</th><th class=\"num\">mean batch loss</th>");
        for (String set : new String[]{"training", "test"})
            for (Column c : columns) html.append("<th class=\"num\">").append(set).append(' ').append(esc(c.title())).append("</th>");
        html.append("<th class=\"num\">seconds</th></tr>\n");
        for (EpochRecord e : r.epochs()) {
            html.append("<tr><td class=\"num\">").append(e.epoch()).append("</td>");
            cell(RunRecord.fixed(e.meanLoss()));
            for (EpochRecord.Scores s : new EpochRecord.Scores[]{e.train(), e.test()})
                for (Column c : columns) {
                    double v = c.score().applyAsDouble(s);
                    cell(c.percent() ? RunRecord.percent(v) : RunRecord.fixed(v));
                }
            cell(String.format(Locale.ROOT, "%.2f", e.seconds()));
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private void figure(String file, BufferedImage img, String alt, String caption) {
        images.put(file, img);
        html.append("<figure><img src=\"").append(file).append("\" width=\"").append(img.getWidth()).append("\" height=\"")
                .append(img.getHeight()).append("\" alt=\"").append(esc(alt)).append("\"><figcaption>").append(esc(caption))
                .append("</figcaption></figure>\n");
    }

    private void row(String key, String value) {
        html.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private void cell(String value) {
        html.append("<td class=\"num\">").append(esc(value)).append("</td>");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
