package jgrad.report;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import jgrad.data.ImageDataset;
import jgrad.nn.Module;
import jgrad.train.Evaluation;

/**
 * The report's charts and pictures for code outside a report, such as a notebook cell: the same
 * styles, colours and sizes as {@code jgrad train --report}, drawn from values the caller has.
 *
 * <pre>{@code
 * BufferedImage loss = Plots.perEpoch("Training loss", "mean batch loss", Map.of("1c", losses1c, "1d", losses1d));
 * BufferedImage confusion = Plots.confusion(Evaluation.evaluate(net, testloader, test.classNames(), true));
 * }</pre>
 */
public final class Plots {
    private Plots() {}

    /**
     * One line with a point per epoch for each named series (value {@code i} at epoch {@code i + 1}),
     * in the report's palette and in the map's order; a non-finite value is left out.
     */
    public static BufferedImage perEpoch(String title, String yTitle, Map<String, ? extends List<? extends Number>> series) {
        int epochs = series.values().stream().mapToInt(List::size).max().orElse(0);
        XYChart c = Charts.xy(title, yTitle, Math.max(epochs, 1), true);
        int i = 0;
        for (var e : series.entrySet()) {
            List<EpochRecord> points = new java.util.ArrayList<>();
            List<? extends Number> v = e.getValue();
            for (int k = 0; k < v.size(); k++)
                points.add(new EpochRecord(k + 1, 0, v.get(k).doubleValue(), 0, 0));
            XYSeries s = Charts.color(Charts.points(c, e.getKey(), points, EpochRecord::meanLoss, 0), Charts.PALETTE[i++ % Charts.PALETTE.length]);
            if (s != null && v.size() == 1) s.setMarker(SeriesMarkers.CIRCLE);
        }
        return Charts.image(c);
    }

    /** The confusion matrix of an evaluation, each cell's count and share of its true class, as the report draws it. */
    public static BufferedImage confusion(Evaluation e) {
        return Pictures.confusion(e.confusion(), e.classNames());
    }

    /** Test accuracy within each true class, as bars. */
    public static BufferedImage perClass(Evaluation e) {
        double[] acc = e.perClassAccuracy();
        double[][] bars = new double[acc.length][];
        for (int k = 0; k < acc.length; k++) bars[k] = new double[]{acc[k], Double.NaN};
        return Charts.bars("Test accuracy per class", "accuracy (%)", e.classNames(), bars);
    }

    /** The {@code k} test images {@code model} gets wrong with the most confidence, captioned "true → predicted". */
    public static BufferedImage misclassified(Module model, ImageDataset data, int k) {
        return Pictures.misclassified(Misclassifications.mostConfident(model, data, k), data.classNames());
    }
}
