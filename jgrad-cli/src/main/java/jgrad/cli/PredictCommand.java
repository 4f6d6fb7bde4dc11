package jgrad.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.app.Predictor;
import jgrad.data.CsvTable;
import jgrad.data.ImageDataset;
import jgrad.data.Task;
import jgrad.tensor.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jgrad predict}: a saved model's predictions for pictures, a table's rows, or Fashion-MNIST test images. */
@Command(name = "predict", modelTransformer = SettingOptions.Threads.class, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predicts with a model saved by jgrad train --save (the file holds the network's spec, classes, task and input",
                "transform). A picture (PNG, JPEG, BMP or GIF) is read at the model's size and channels: for a model of grey",
                "Fashion-MNIST or MNIST images it is made grey, inverted when its border is lighter than its centre (they are light",
                "objects on black), padded to a square with its background and resized by area averaging; for other images it is",
                "stretched to the model's size by area averaging, as the training images were. A CSV table's rows (.csv, .csv.gz)",
                "are the features the model was trained on, found by column name when both tables have a header. Prints the top",
                "classes, or the predicted values."})
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A .safetensors file written by jgrad train --save.")
    Path model;
    @Parameters(index = "1..*", paramLabel = "INPUT", description = "Pictures, or CSV tables of rows, to predict for.")
    List<Path> inputs = new ArrayList<>();
    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "How many classes to print (default: ${DEFAULT-VALUE}).")
    int top;
    @Option(names = "--test-index", paramLabel = "N", description = "Also classify Fashion-MNIST test image N (0 to 9999) and show its true label.")
    List<Integer> testIndex = new ArrayList<>();
    @Option(names = "--no-header", description = "CSV: the first row is data, not column names (the columns are then the features, in order).")
    boolean noHeader;
    @Option(names = "--skip-rows", paramLabel = "N", defaultValue = "0", description = "CSV: skip N lines at the start (default: ${DEFAULT-VALUE}).")
    int skipRows;
    @Option(names = "--delimiter", paramLabel = "C", description = "CSV: the field separator (default: detected, as jgrad train does).")
    String delimiter;
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (inputs.isEmpty() && testIndex.isEmpty())
            throw new ParameterException(spec.commandLine(), "nothing to predict: give pictures, CSV tables or --test-index N");
        if (top < 1) throw new ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
        CsvTable.Options csv;
        try {
            csv = CsvTable.Options.DEFAULT.skipRows(skipRows).delimiter(delimiter).header(!noHeader);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Parallel.setThreads(common.threads());
        PrintWriter out = spec.commandLine().getOut();
        Predictor p = Predictor.load(model);
        for (Path input : inputs) {
            String name = input.getFileName() == null ? "" : input.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv") || name.endsWith(".csv.gz")) rows(out, p, input, csv);
            else {
                Predictor.Picture im = p.readPicture(input);
                out.println(input + ": " + im.how());
                print(out, p, p.probabilities(im.pixels()), -1);
            }
        }
        if (!testIndex.isEmpty()) {
            ImageDataset test = common.load()[1];
            for (int i : testIndex) {
                if (i < 0 || i >= test.size())
                    throw new ParameterException(spec.commandLine(), "--test-index must be 0 to " + (test.size() - 1) + ", got " + i);
                byte[] px = new byte[test.rows() * test.cols()];
                test.pixels().get(i * px.length, px);
                out.println(jgrad.data.FashionMNIST.SPEC.title() + " test image " + i + " (true label: "
                        + Predictor.printable(test.classNames().get(test.label(i))) + ")");
                print(out, p, p.probabilities(px), test.label(i));
            }
        }
        return 0;
    }

    /** Each row of the table {@code file}: its features picked by the model's column names where both have them, else in order. */
    private void rows(PrintWriter out, Predictor p, Path file, CsvTable.Options csv) throws java.io.IOException {
        int[] in = p.spec().inputShape();
        int features = java.util.Arrays.stream(in).reduce(1, (a, b) -> a * b);
        CsvTable.Numbers table = CsvTable.readRows(file, csv);
        List<String> names = p.features();
        int[] columns = new int[features];
        if (names != null && table.header() != null) {
            for (int j = 0; j < features; j++) {
                columns[j] = table.header().indexOf(names.get(j));
                if (columns[j] < 0)
                    throw new java.io.IOException(file + ": no column '" + Predictor.printable(names.get(j)) + "'; the model takes the columns "
                            + Predictor.printable(String.join(", ", names)));
            }
        } else {
            int width = table.values()[0].length;
            if (width != features)
                throw new java.io.IOException(file + ": " + width + " values a row, but the model takes " + features + " features "
                        + java.util.Arrays.toString(in) + (names != null ? " (" + Predictor.printable(String.join(", ", names)) + ")" : ""));
            for (int j = 0; j < features; j++) columns[j] = j;
        }
        for (int r = 0; r < table.values().length; r++) {
            float[] x = new float[features];
            for (int j = 0; j < features; j++) x[j] = table.values()[r][columns[j]];
            float[] y = p.predict(x);
            out.println(file + " line " + table.lines()[r] + ":");
            if (p.task() == Task.REGRESS)
                for (int j = 0; j < y.length; j++) out.printf(Locale.ROOT, "  %s%s%n", y.length > 1 ? "target " + j + ": " : "", y[j]);
            else print(out, p, y, -1);
        }
    }

    /** The top classes with their probabilities; the true class, when known, marked. */
    private void print(PrintWriter out, Predictor p, float[] probs, int truth) {
        // class names come from the file: printed with control characters escaped
        int width = p.classes().stream().map(Predictor::printable).mapToInt(String::length).max().orElse(0);
        for (int c : Predictor.top(probs, Math.min(top, probs.length)))
            out.printf(Locale.ROOT, "  %-" + width + "s %6.2f%%%s%n", Predictor.printable(p.classes().get(c)), 100.0 * probs[c],
                    c == truth ? "  ✓ true label" : "");
    }
}
