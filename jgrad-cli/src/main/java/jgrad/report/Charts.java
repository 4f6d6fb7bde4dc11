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
        XYChart c = xy("Training loss", "loss (cross-entropy)", r.epochs().size(), false);
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
        XYChart c = xy("Accuracy after each epoch", "accuracy (%)", r.epochs().size(), true);
        color(points(c, "training set", r.epochs(), EpochRecord::trainAccuracy, 0), PALETTE[0]);
        color(points(c, "test set", r.epochs(), EpochRecord::testAccuracy, 0), PALETTE[1]);
        return image(c);
    }

    /** Cross-entropy on both sets after each epoch, and the epoch's mean batch loss while training. */
    static BufferedImage crossEntropy(RunRecord r) {
        XYChart c = xy("Cross-entropy after each epoch", "mean cross-entropy", r.epochs().size(), true);
        color(points(c, "training set", r.epochs(), EpochRecord::trainCrossEntropy, 0), PALETTE[0]);
        color(points(c, "test set", r.epochs(), EpochRecord::testCrossEntropy, 0), PALETTE[1]);
        color(points(c, "mean batch loss during the epoch", r.epochs(), EpochRecord::meanLoss, 0), PALETTE[2]);
        return image(c);
    }

    /** Smoothed step loss of several runs on one axis. */
    static BufferedImage overlayLoss(List<RunRecord> runs) {
        XYChart c = xy("Training loss (moving average, β = " + EMA_BETA + ")", "loss (cross-entropy)", mostEpochs(runs), false);
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            double[] raw = r.stepLoss().stream().mapToDouble(Double::doubleValue).toArray();
            line(c, r.name(), stepX(r.epochs()), ema(raw, EMA_BETA), PALETTE[i % PALETTE.length], 2f);
        }
        return image(c);
    }

    /** Test accuracy (solid) and training accuracy (dashed) of several runs after each epoch. */
    static BufferedImage overlayAccuracy(List<RunRecord> runs) {
        XYChart c = xy("Accuracy after each epoch", "accuracy (%)", mostEpochs(runs), true);
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            Color col = PALETTE[i % PALETTE.length];
            color(points(c, r.name() + " test", r.epochs(), EpochRecord::testAccuracy, 0), col);
            XYSeries t = points(c, r.name() + " training", r.epochs(), EpochRecord::trainAccuracy, 0);
            if (color(t, col) != null) t.setLineStyle(DASHED);
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
