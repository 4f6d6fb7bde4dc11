package jgrad.jupyter;

import java.util.Locale;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import jgrad.train.Trainer;

/**
 * {@link Notebook#progress()}: the epoch under way as an HTML progress bar that one display updates
 * in place a few times a second, and each finished epoch as a printed line,
 * {@code Epoch 1, Loss: 0.96...   (3.2 s, 18640 samples/s)}.
 */
final class TrainingProgress implements Trainer.Listener {
    private static final long REDRAW_NANOS = 250_000_000L;
    private String id;
    private long lastDraw, epochStart = System.nanoTime();

    @Override
    public void onStep(int epoch, int step, int steps, float loss) {
        long now = System.nanoTime();
        if (step == 1) epochStart = now;
        if (now - lastDraw < REDRAW_NANOS && step != steps) return;
        lastDraw = now;
        DisplayData d = bar(epoch, step, steps, loss, (now - epochStart) / 1e9);
        if (id == null) id = Notebook.show(d);
        else Notebook.update(id, d);
    }

    @Override
    public void onEpoch(Trainer.Epoch e) {
        System.out.printf(Locale.ROOT, "Epoch %d, Loss: %s   (%.2f s, %.0f samples/s)%n", e.epoch(), e.meanLoss(), e.seconds(),
                e.samples() / e.seconds());
    }

    static DisplayData bar(int epoch, int step, int steps, float loss, double seconds) {
        String text = String.format(Locale.ROOT, "Epoch %d: step %d/%s, loss %.4f, %.1f s", epoch, step, steps > 0 ? Integer.toString(steps) : "?", loss, seconds);
        DisplayData d = new DisplayData(text);
        d.putHTML(String.format(Locale.ROOT, "<progress value=\"%d\" max=\"%d\" style=\"width: 30em\"></progress> <code>%s</code>",
                step, Math.max(steps, step), text));
        return d;
    }
}
