package jgrad.jupyter;

import java.awt.image.BufferedImage;
import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

import jgrad.autograd.Tensor;
import jgrad.nn.Module;
import jgrad.train.Evaluation;

/**
 * How jgrad's values show under a cell, both as a last expression's value and through
 * {@link Notebook#display}: a {@link Tensor} as PyTorch prints it, a {@link Module} as its structure
 * and parameter count, an {@link Evaluation} as its accuracy and cross-entropy, an image (a chart,
 * a picture of samples) as a PNG. Anything else shows as {@code String.valueOf}.
 */
final class Displays {
    private Displays() {}

    static void register(Renderer r) {
        r.createRegistration(Tensor.class).preferring(MIMEType.TEXT_PLAIN).register((t, ctx) -> ctx.getOutputContainer().putText(t.toString()));
        r.createRegistration(Module.class).preferring(MIMEType.TEXT_PLAIN).register((m, ctx) -> ctx.getOutputContainer().putText(module(m)));
        r.createRegistration(Evaluation.class).preferring(MIMEType.TEXT_PLAIN).register((e, ctx) -> ctx.getOutputContainer().putText(evaluation(e)));
        r.createRegistration(BufferedImage.class).preferring(MIMEType.IMAGE_PNG).register((img, ctx) -> {
            Image.renderImage(img, ctx);
            ctx.getOutputContainer().putText("<image " + img.getWidth() + "×" + img.getHeight() + ">");
        });
    }

    /** PyTorch's module printout, then the parameter count. */
    static String module(Module m) {
        long params = m.parameters().stream().mapToLong(Tensor::numel).sum();
        return m + String.format(Locale.ROOT, "%n%,d parameters", params);
    }

    static String evaluation(Evaluation e) {
        return String.format(Locale.ROOT, "accuracy %.2f%%, cross-entropy %.4f on %,d samples", e.accuracy(), e.meanLoss(), e.samples());
    }
}
