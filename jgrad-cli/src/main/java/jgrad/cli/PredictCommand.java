package jgrad.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jgrad.app.Predictor;
import jgrad.data.ImageDataset;
import jgrad.data.ImageFiles;
import jgrad.tensor.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jgrad predict}: a saved model's top classes for image files or Fashion-MNIST test images. */
@Command(name = "predict", modelTransformer = SettingOptions.Threads.class, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classifies images with a model saved by jgrad train --save (the file holds the network's spec and class names).",
                "Each image (PNG, JPEG, BMP or GIF, any size, colour or grey) is preprocessed like the training data: grey (luma),",
                "inverted when its border is lighter than its centre (Fashion-MNIST is a light object on black), padded to a",
                "square with its background and resized to 28×28 by area averaging. Prints what it did and the top classes."})
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A .safetensors file written by jgrad train --save.")
    Path model;
    @Parameters(index = "1..*", paramLabel = "IMAGE", description = "Image files to classify.")
    List<Path> images = new ArrayList<>();
    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "How many classes to print (default: ${DEFAULT-VALUE}).")
    int top;
    @Option(names = "--test-index", paramLabel = "N", description = "Also classify Fashion-MNIST test image N (0 to 9999) and show its true label.")
    List<Integer> testIndex = new ArrayList<>();
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (images.isEmpty() && testIndex.isEmpty())
            throw new ParameterException(spec.commandLine(), "nothing to classify: give IMAGE files or --test-index N");
        if (top < 1) throw new ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
        Parallel.setThreads(common.threads());
        PrintWriter out = spec.commandLine().getOut();
        Predictor p = Predictor.load(model);
        for (Path image : images) {
            ImageFiles.Image im = p.readImage(image);
            out.println(image + ": " + im.how());
            print(out, p, p.probabilities(im.pixels()), -1);
        }
        if (!testIndex.isEmpty()) {
            ImageDataset test = common.load()[1];
            for (int i : testIndex) {
                if (i < 0 || i >= test.size())
                    throw new ParameterException(spec.commandLine(), "--test-index must be 0 to " + (test.size() - 1) + ", got " + i);
                byte[] px = new byte[test.rows() * test.cols()];
                test.pixels().get(i * px.length, px);
                out.println(jgrad.data.FashionMNIST.SPEC.title() + " test image " + i + " (true label: " + test.classNames().get(test.label(i)) + ")");
                print(out, p, p.probabilities(px), test.label(i));
            }
        }
        return 0;
    }

    /** The top classes with their probabilities; the true class, when known, marked. */
    private void print(PrintWriter out, Predictor p, float[] probs, int truth) {
        int width = p.classes().stream().mapToInt(String::length).max().orElse(0);
        for (int c : Predictor.top(probs, Math.min(top, probs.length)))
            out.printf(Locale.ROOT, "  %-" + width + "s %6.2f%%%s%n", p.classes().get(c), 100.0 * probs[c], c == truth ? "  ✓ true label" : "");
    }
}
