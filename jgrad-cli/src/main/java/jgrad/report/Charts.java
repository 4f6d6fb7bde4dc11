package jgrad.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import jgrad.report.EpochRecord.Scores;

/**
 * The report's line and bar charts, drawn by XChart into images. Every x axis is in epochs, a step
 * at {@code (e - 1) + j / steps_e} for step j of epoch e, so runs with different batch sizes
 * overlay on the same axis.
 */
final class Charts {
    static final int WIDTH = 800, HEIGHT = 420;
    /** Smoothing of the step loss: an exponential moving average, debiased like Adam's moments. */
    static final double EMA_BETA = 0.98;
    /** One colour per run on the overlays (and per series on a run's own charts). */
    static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)};
    private static final String UNEVEN = "(uneven x)";
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[]{6f, 4f}, 0f);

    private Charts() {}

    /** Step loss raw and smoothed, and each epoch's mean at the epoch's middle. */
    static BufferedImage loss(RunRecord r) {
        XYChart c = xy("Training loss", "loss (" + r.lossName() + ")", r.epochs().size(), false);
        double[] x = stepX(r.epochs());
        double[] raw = r.stepLoss().stream().mapToDouble(Double::doubleValue).toArray();
        // raw steps faint and grey so that the average stays visible through thousands of them
        line(c, "per step", x, raw, new Color(120, 140, 170, 60), 0.8f);
        line(c, "per step, moving average (β = " + EMA_BETA + ")", x, ema(raw, EMA_BETA), new Color(16, 70, 140), 2.5f);
        color(points(c, "epoch mean", r.epochs(), EpochRecord::meanLoss, -0.5), PALETTE[1]);
        return image(c);
    }

    /** Accuracy on the training and test sets after each epoch. */
    static BufferedImage accuracy(RunRecord r) {
        return perEpoch(r, "Accuracy after each epoch", "accuracy (%)", Scores::accuracy);
    }

    /** Cross-entropy (binary for a binary task) on both sets after each epoch, and the epoch's mean batch loss while training. */
    static BufferedImage crossEntropy(RunRecord r) {
        String name = r.lossName();
        XYChart c = xy(Character.toUpperCase(name.charAt(0)) + name.substring(1) + " after each epoch", "mean " + name, r.epochs().size(), true);
        color(points(c, "training set", r.epochs(), RunRecord.on(true, Scores::loss), 0), PALETTE[0]);
        color(points(c, "test set", r.epochs(), RunRecord.on(false, Scores::loss), 0), PALETTE[1]);
        color(points(c, "mean batch loss during the epoch", r.epochs(), EpochRecord::meanLoss, 0), PALETTE[2]);
        return image(c);
    }

    /** RMSE (solid) and MAE (dashed) on the training and test sets after each epoch, in the targets' units. */
    static BufferedImage errors(RunRecord r) {
        XYChart c = xy("RMSE and MAE after each epoch", "error (the target's units)", r.epochs().size(), true);
        color(points(c, "RMSE, training set", r.epochs(), RunRecord.on(true, Scores::rmse), 0), PALETTE[0]);
        color(points(c, "RMSE, test set", r.epochs(), RunRecord.on(false, Scores::rmse), 0), PALETTE[1]);
        dashed(color(points(c, "MAE, training set", r.epochs(), RunRecord.on(true, Scores::mae), 0), PALETTE[0]));
        dashed(color(points(c, "MAE, test set", r.epochs(), RunRecord.on(false, Scores::mae), 0), PALETTE[1]));
        return image(c);
    }

    /** R² on the training and test sets after each epoch. */
    static BufferedImage r2(RunRecord r) {
        return perEpoch(r, "R² after each epoch", "R²", Scores::r2);
    }

    /**
     * The ROC curve of a binary run on the test set: for every threshold t, the true positive rate
     * {@code #(score ≥ t, label 1)/#(label 1)} against the false positive rate
     * {@code #(score ≥ t, label 0)/#(label 0)}, with the diagonal a random guess draws.
     */
    static BufferedImage roc(RunRecord r, double auc) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("ROC curve, test set" + (Double.isNaN(auc) ? "" : String.format(java.util.Locale.ROOT, " (AUC = %.4f)", auc)))
                .xAxisTitle("false positive rate").yAxisTitle("true positive rate").build();
        style(c.getStyler());
        c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0).setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        XYSeries chance = c.addSeries("random guess", new double[]{0, 1}, new double[]{0, 1});
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineColor(Color.GRAY);
        chance.setLineStyle(DASHED);
        double[][] curve = rocCurve(r.scores(), r.truth());
        XYSeries s = c.addSeries("model", curve[0], curve[1]);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(PALETTE[0]);
        s.setLineWidth(2.5f);
        return image(c);
    }

    /**
     * The ROC curve's corners, {@code {fpr[], tpr[]}} from (0, 0) to (1, 1): samples taken in
     * descending score, each run of equal scores at once (so ties make a diagonal step, as
     * sklearn's {@code roc_curve} draws them). Empty rates (no positives or no negatives) are 0.
     */
    static double[][] rocCurve(float[] score, float[] label) {
        int n = score.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(score[b], score[a]));
        long positives = 0;
        for (float y : label) if (y == 1) positives++;
        long negatives = n - positives;
        List<Double> fpr = new ArrayList<>(List.of(0.0)), tpr = new ArrayList<>(List.of(0.0));
        long tp = 0, fp = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && score[order[j]] == score[order[i]]) {
                if (label[order[j]] == 1) tp++;
                else fp++;
                j++;
            }
            fpr.add(negatives == 0 ? 0 : (double) fp / negatives);
            tpr.add(positives == 0 ? 0 : (double) tp / positives);
            i = j;
        }
        return new double[][]{fpr.stream().mapToDouble(Double::doubleValue).toArray(), tpr.stream().mapToDouble(Double::doubleValue).toArray()};
    }

    /** At most this many points in a scatter chart; a larger test set is drawn by an even stride through it. */
    static final int SCATTER_POINTS = 5000;

    /** Each test sample's prediction against its true value (first target), and the line y = x where they would agree. */
    static BufferedImage scatter(RunRecord r) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Predicted against true, test set")
                .xAxisTitle("true value").yAxisTitle("predicted value").build();
        style(c.getStyler());
        c.getStyler().setMarkerSize(5);
        float[] p = r.scores(), t = r.truth();
        int stride = Math.max(1, (p.length + SCATTER_POINTS - 1) / SCATTER_POINTS), m = (p.length + stride - 1) / stride;
        double[] x = new double[m], y = new double[m];
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (int i = 0; i < m; i++) {
            x[i] = t[i * stride];
            y[i] = p[i * stride];
            lo = Math.min(lo, Math.min(x[i], y[i]));
            hi = Math.max(hi, Math.max(x[i], y[i]));
        }
        if (m == 0) {
            lo = 0;
            hi = 1;
        }
        double pad = Math.max((hi - lo) * 0.04, 1e-6);
        c.getStyler().setXAxisMin(lo - pad).setXAxisMax(hi + pad).setYAxisMin(lo - pad).setYAxisMax(hi + pad);
        XYSeries ideal = c.addSeries("predicted = true", new double[]{lo - pad, hi + pad}, new double[]{lo - pad, hi + pad});
        ideal.setMarker(SeriesMarkers.NONE);
        ideal.setLineColor(Color.GRAY);
        ideal.setLineStyle(DASHED);
        if (m > 0) {
            XYSeries s = c.addSeries("test samples", x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(new Color(31, 119, 180, 150));
        }
        return image(c);
    }

    /** Smoothed step loss of several runs on one axis. */
    static BufferedImage overlayLoss(List<RunRecord> runs) {
        List<String> names = runs.stream().map(RunRecord::lossName).distinct().toList();
        XYChart c = xy("Training loss (moving average, β = " + EMA_BETA + ")", names.size() == 1 ? "loss (" + names.getFirst() + ")" : "loss",
                mostEpochs(runs), false);
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            double[] raw = r.stepLoss().stream().mapToDouble(Double::doubleValue).toArray();
            line(c, r.name(), stepX(r.epochs()), ema(raw, EMA_BETA), PALETTE[i % PALETTE.length], 2f);
        }
        return image(c);
    }

    /** Test accuracy (solid) and training accuracy (dashed) of several runs after each epoch. */
    static BufferedImage overlayAccuracy(List<RunRecord> runs) {
        return overlay(runs, "Accuracy after each epoch", "accuracy (%)", Scores::accuracy);
    }

    /** Test R² (solid) and training R² (dashed) of several runs after each epoch. */
    static BufferedImage overlayR2(List<RunRecord> runs) {
        return overlay(runs, "R² after each epoch", "R²", Scores::r2);
    }

    /** A score on the training and test sets after each epoch. */
    private static BufferedImage perEpoch(RunRecord r, String title, String yTitle, ToDoubleFunction<Scores> score) {
        XYChart c = xy(title, yTitle, r.epochs().size(), true);
        color(points(c, "training set", r.epochs(), RunRecord.on(true, score), 0), PALETTE[0]);
        color(points(c, "test set", r.epochs(), RunRecord.on(false, score), 0), PALETTE[1]);
        return image(c);
    }

    /** A score of several runs after each epoch: the test set's solid, the training set's dashed, one colour a run. */
    private static BufferedImage overlay(List<RunRecord> runs, String title, String yTitle, ToDoubleFunction<Scores> score) {
        XYChart c = xy(title, yTitle, mostEpochs(runs), true);
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            Color col = PALETTE[i % PALETTE.length];
            color(points(c, r.name() + " test", r.epochs(), RunRecord.on(false, score), 0), col);
            dashed(color(points(c, r.name() + " training", r.epochs(), RunRecord.on(true, score), 0), col));
        }
        return image(c);
    }

    /** Test accuracy within each true class (the confusion matrix's diagonal over its row sums). */
    static BufferedImage perClass(RunRecord r) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Test accuracy per class")
                .xAxisTitle("true class").yAxisTitle("accuracy (%)").build();
        style(c.getStyler());
        c.getStyler().setLegendVisible(false);
        // slanted and a small spacing hint, so that every class gets its name (XChart leaves out labels it thinks overlap)
        c.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setXAxisLabelRotation(45).setXAxisTickMarkSpacingHint(30);
        c.getStyler().setYAxisDecimalPattern("0");
        c.getStyler().setLabelsVisible(true).setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11)).setLabelsRotation(0).setLabelsPosition(0.92);
        c.getStyler().setSeriesColors(new Color[]{PALETTE[0]});
        List<Double> acc = new ArrayList<>();
        for (int k = 0; k < r.confusion().length; k++) {
            long total = 0;
            for (long v : r.confusion()[k]) total += v;
            acc.add(total == 0 ? 0.0 : 100.0 * r.confusion()[k][k] / total);
        }
        c.addSeries("accuracy", r.classNames(), acc);
        return image(c);
    }

    /** One bar per name at {@code bars[i][0]}, with an error bar of ± {@code bars[i][1]} (NaN draws none); the y axis fits the bars' tops. */
    static BufferedImage bars(String title, String yTitle, List<String> names, double[][] bars) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendVisible(false).setSeriesColors(new Color[]{PALETTE[0]});
        c.getStyler().setErrorBarsColor(Color.BLACK).setXAxisLabelRotation(30);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        List<Double> y = new ArrayList<>(), e = new ArrayList<>();
        for (double[] b : bars) {
            double err = Double.isNaN(b[1]) ? 0 : b[1];
            y.add(b[0]);
            e.add(err);
            lo = Math.min(lo, b[0] - err);
            hi = Math.max(hi, b[0] + err);
        }
        // accuracies differ by tenths of a point: bars from 0 would hide the differences being compared
        double pad = Math.max((hi - lo) * 0.25, 1e-3);
        c.getStyler().setYAxisMin(lo - pad).setYAxisMax(hi + pad);
        c.addSeries(yTitle, names, y, e);
        return image(c);
    }

    /** {@code s_t = β·s_(t-1) + (1-β)·x_t} from {@code s_0 = 0}, divided by {@code 1 - β^t} so early values are not pulled to 0. */
    static double[] ema(double[] x, double beta) {
        double[] out = new double[x.length];
        double s = 0, power = 1;
        for (int t = 0; t < x.length; t++) {
            s = beta * s + (1 - beta) * x[t];
            power *= beta;
            out[t] = s / (1 - power);
        }
        return out;
    }

    private static int mostEpochs(List<RunRecord> runs) {
        return runs.stream().mapToInt(r -> r.epochs().size()).max().orElse(0);
    }

    /** Each step's position in epochs: step j (from 1) of epoch e at {@code (e - 1) + j / steps_e}. */
    private static double[] stepX(List<EpochRecord> epochs) {
        double[] x = new double[epochs.stream().mapToInt(EpochRecord::steps).sum()];
        int i = 0;
        for (EpochRecord e : epochs)
            for (int j = 1; j <= e.steps(); j++) x[i++] = e.epoch() - 1 + (double) j / e.steps();
        return x;
    }

    /** A line chart over epochs 0 to {@code epochs} (per-step curves) or, for {@code perEpoch}, 0.5 to {@code epochs + 0.5}. */
    static XYChart xy(String title, String yTitle, int epochs, boolean perEpoch) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        style(c.getStyler());
        // half an epoch either side keeps the first and last points off the plot's edges
        c.getStyler().setXAxisMin(perEpoch ? 0.5 : 0.0).setXAxisMax(epochs + (perEpoch ? 0.5 : 0.0));
        // per-epoch charts tick whole epochs only, where their points are
        c.getStyler().setXAxisDecimalPattern(perEpoch ? "0" : "0.#");
        return c;
    }

    private static void line(XYChart c, String name, double[] x, double[] y, Color color, float width) {
        if (x.length == 0) return;
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineWidth(width);
        if (c.getSeries(UNEVEN) == null) {
            // XChart ticks only at data x values when they are all equally spaced (0.16, 0.32, ... for 200 steps
            // an epoch); one invisible point half a step in makes them uneven, so the axis gets round ticks
            XYSeries u = c.addSeries(UNEVEN, new double[]{x[0] / 2}, new double[]{y[0]});
            u.setMarker(SeriesMarkers.NONE);
            u.setShowInLegend(false);
        }
    }

    /** One point per epoch at {@code epoch + shift}, leaving out epochs where the value was not measured; null if none was. */
    static XYSeries points(XYChart c, String name, List<EpochRecord> epochs, ToDoubleFunction<EpochRecord> value, double shift) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (EpochRecord e : epochs) {
            double v = value.applyAsDouble(e);
            if (Double.isFinite(v)) {
                x.add(e.epoch() + shift);
                y.add(v);
            }
        }
        if (x.isEmpty()) return null;
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    private static void dashed(XYSeries s) {
        if (s != null) s.setLineStyle(DASHED);
    }

    static XYSeries color(XYSeries s, Color color) {
        if (s != null) {
            s.setLineColor(color);
            s.setMarkerColor(color);
        }
        return s;
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setChartTitleBoxVisible(false);
        // the legend in a row under the plot, where it can never hide a curve
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setAntiAlias(true);
        s.setBaseFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setLocale(java.util.Locale.ROOT);
    }

    static BufferedImage image(Chart<?, ?> c) {
        return BitmapEncoder.getBufferedImage(c);
    }
}
