package jgrad.cli;

import java.io.PrintWriter;
import java.util.Locale;

import jgrad.app.Preset;
import jgrad.train.Trainer;

/**
 * Prints training as the notebook does ({@code Epoch 1, Loss: 0.96...}) and, on a terminal, a
 * progress bar on stderr redrawn a few times a second; when output is not a terminal only the
 * plain per-epoch lines appear.
 */
final class Progress implements Trainer.Listener {
    private final PrintWriter out, err;
    private final boolean bar, compare;
    private final Preset preset;
    private long lastDraw, epochStart = System.nanoTime();

    Progress(PrintWriter out, PrintWriter err, boolean bar, Preset preset, boolean compare) {
        this.out = out;
        this.err = err;
        this.bar = bar;
        this.preset = preset;
        this.compare = compare;
    }

    /** True when stdout and stderr are an interactive terminal. */
    static boolean isTerminal() {
        var c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void onStep(int epoch, int step, int steps, float loss) {
        if (step == 1) epochStart = System.nanoTime();
        if (!bar) return;
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && step != steps) return;
        lastDraw = now;
        int width = 30, done = steps > 0 ? (int) ((long) width * step / steps) : 0;
        double s = (now - epochStart) / 1e9;
        err.printf(Locale.ROOT, "\rEpoch %d [%s%s] %d/%d  loss %.4f  %.1f s ", epoch, "=".repeat(done), " ".repeat(width - done),
                step, steps, loss, s);
        err.flush();
    }

    @Override
    public void onEpoch(Trainer.Epoch e) {
        if (bar) {
            err.print("\r" + " ".repeat(78) + "\r");
            err.flush();
        }
        String nb = compare && !Double.isNaN(preset.notebookEpochLoss(e.epoch())) ? String.format(Locale.ROOT, "   [notebook: %.4f]", preset.notebookEpochLoss(e.epoch())) : "";
        out.printf(Locale.ROOT, "Epoch %d, Loss: %s   (%.2f s, %.0f samples/s)%s%n", e.epoch(), e.meanLoss(), e.seconds(),
                e.samples() / e.seconds(), nb);
        out.flush();
    }
}
