package jgrad.jupyter;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.UUID;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import jgrad.autograd.Tensor;
import jgrad.train.Trainer;

/**
 * What a notebook cell can call without an import (the kernel imports these statically):
 * {@link #display} for anything, pictures of image tensors, and a progress display for training.
 *
 * <pre>{@code
 * display(Plots.perEpoch("Training loss", "loss", Map.of("1c", losses)));
 * display(images(batch.inputs()));
 * new Trainer(net, criterion, optimizer).fit(trainloader, epochs, progress());
 * }</pre>
 */
public final class Notebook {
    private Notebook() {}

    /** Shows each value under the cell now, through the same renderers as a cell's last value. */
    public static void display(Object... values) {
        Kernel k = kernel();
        k.flush();
        for (Object v : values) k.getIO().display.display(k.render(v));
    }

    /**
     * An image tensor as a picture, each pixel enlarged to a sharp square: shape {@code [H, W]},
     * {@code [1, H, W]} (grey) or {@code [3, H, W]} (colour). Values in [0, 1] are taken as they are, values
     * in [-1, 1] as {@code Normalize(0.5, 0.5)} leaves them; any other range is stretched to black..white.
     */
    public static BufferedImage image(Tensor t) {
        int[] s = t.shape();
        if (s.length == 2) return grid(t.view(1, 1, s[0], s[1]), 1);
        if (s.length == 3 && (s[0] == 1 || s[0] == 3)) return grid(t.view(1, s[0], s[1], s[2]), 1);
        throw new IllegalArgumentException("an image tensor has shape [H, W], [1, H, W] or [3, H, W], got " + jgrad.tensor.Shapes.str(s));
    }

    /** A batch {@code [N, C, H, W]} (C = 1 or 3) as a grid of pictures, 8 to a row. */
    public static BufferedImage images(Tensor batch) {
        return grid(batch, 8);
    }

    /** A batch {@code [N, C, H, W]} (C = 1 or 3) as a grid of pictures, {@code columns} to a row. */
    public static BufferedImage grid(Tensor batch, int columns) {
        int[] s = batch.shape();
        if (s.length != 4 || (s[1] != 1 && s[1] != 3))
            throw new IllegalArgumentException("a batch of images has shape [N, 1 or 3, H, W], got " + jgrad.tensor.Shapes.str(s));
        if (columns < 1) throw new IllegalArgumentException("columns must be at least 1, got " + columns);
        int n = s[0], c = s[1], h = s[2], w = s[3];
        int scale = Math.max(1, 112 / Math.max(h, w)), pad = 4, cols = Math.max(1, Math.min(columns, n)), rows = Math.max(1, (n + cols - 1) / cols);
        float[] d = batch.data();
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float v : d) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // [0, 1] as it is, Normalize(0.5, 0.5)'s [-1, 1] back to [0, 1], anything else stretched
        float from = lo >= 0 && hi <= 1 ? 0 : lo >= -1 && hi <= 1 ? -1 : lo, to = lo >= 0 && hi <= 1 ? 1 : lo >= -1 && hi <= 1 ? 1 : hi;
        float range = to > from ? to - from : 1;
        BufferedImage img = new BufferedImage(pad + cols * (w * scale + pad), pad + rows * (h * scale + pad), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        for (int i = 0; i < n; i++) {
            int x0 = pad + (i % cols) * (w * scale + pad), y0 = pad + (i / cols) * (h * scale + pad);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int rgb = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        float v = d[((i * c + (c == 1 ? 0 : ch)) * h + y) * w + x];
                        int b = Math.round(Math.clamp((v - from) / range, 0f, 1f) * 255);
                        rgb = rgb << 8 | b;
                    }
                    for (int dy = 0; dy < scale; dy++) for (int dx = 0; dx < scale; dx++) img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                }
        }
        return img;
    }

    /**
     * A training listener for a notebook: a progress bar under the cell that updates in place (a
     * Jupyter display, never carriage returns), and one line per epoch as the notebook prints it.
     */
    public static Trainer.Listener progress() {
        kernel(); // fails clearly outside a notebook
        return new TrainingProgress();
    }

    /** Publishes {@code data} as a new display that {@link #update} can replace; returns its id. */
    static String show(DisplayData data) {
        String id = UUID.randomUUID().toString();
        data.setDisplayId(id);
        Kernel k = kernel();
        k.flush();
        k.getIO().display.display(data);
        return id;
    }

    static void update(String id, DisplayData data) {
        kernel().getIO().display.updateDisplay(id, data);
    }

    private static Kernel kernel() {
        return (Kernel) BaseKernel.notebookKernel();
    }
}
