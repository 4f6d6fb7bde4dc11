package jgrad.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import jgrad.autograd.Tensor;
import jgrad.autograd.Workspace;
import jgrad.data.Batch;
import jgrad.data.BatchIterator;
import jgrad.data.DataLoader;
import jgrad.data.Sized;
import jgrad.loss.Loss;
import jgrad.nn.Module;
import jgrad.optim.Optimizer;

/**
 * The notebook's training loop as a helper: for each epoch, for each batch,
 * {@code zeroGrad → forward → loss → backward → step}, with the epoch's loss reported as the mean of
 * the batch losses (what the notebook prints as {@code running_loss / len(trainloader)}).
 *
 * <p>A NaN or infinite loss stops training with a {@link NonFiniteLossException} naming the epoch and
 * step, before the bad gradient reaches the weights. When the model and the loss are jgrad's own
 * (see {@link Module#holdsNoActivations}), each step's activations are drawn from a {@link Workspace}
 * and reused by the next step. An interrupted thread stops it before the next
 * step with a {@link CancellationException} (its interrupt status left set), so a notebook's
 * interrupt ends a long {@link #fit} within one step.
 *
 * <pre>{@code
 * var history = new Trainer(net, new CrossEntropyLoss(), new SGD(net.parameters(), 0.01f))
 *         .fit(trainLoader, 10, Trainer.Listener.NONE);
 * }</pre>
 */
public final class Trainer {
    /** One finished epoch: its number (from 1), mean batch loss, wall-clock seconds and samples seen. */
    public record Epoch(int epoch, double meanLoss, double seconds, long samples) {}

    /** Hooks called during {@link #fit}; every method has an empty default. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /** After each step; {@code steps} is the epoch's step count, or -1 if the loader does not know it. */
        default void onStep(int epoch, int step, int steps, float loss) {}

        default void onEpoch(Epoch result) {}
    }

    /**
     * Where training stands between two steps: the epoch under way (from 1), the steps done in it
     * with the sum of their losses, their samples and seconds, the epochs finished before it, and
     * the steps done in all. {@link #START} is a fresh run; a {@link Checkpoint} saves one to resume from.
     */
    public record Position(int epoch, int step, double lossSum, long samples, double seconds, List<Epoch> history, long steps) {
        public static final Position START = new Position(1, 0, 0, 0, 0, List.of(), 0);

        public Position {
            history = List.copyOf(history);
            if (epoch < 1 || step < 0 || samples < 0 || steps < step)
                throw new IllegalArgumentException("inconsistent training position: epoch " + epoch + ", step " + step
                        + ", " + samples + " samples, " + steps + " steps in all");
        }
    }

    private final Module model;
    private final Loss loss;
    private final Optimizer optimizer;
    /** Null when the model or the loss might keep a step's tensors past the step. */
    private final Workspace workspace;
    private Position position = Position.START;

    public Trainer(Module model, Loss loss, Optimizer optimizer) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.workspace = reusable(model, loss) ? new Workspace() : null;
    }

    /** Whether a step's tensors die with the step: jgrad's own modules and loss keep none (a user's might). */
    static boolean reusable(Module model, Object loss) {
        return model.holdsNoActivations() && loss.getClass().getPackageName().startsWith("jgrad.");
    }

    /** Where training stands: after the latest step during {@link #fit}, e.g. for a listener that saves checkpoints. */
    public Position position() {
        return position;
    }

    /**
     * Trains for {@code epochs} passes over {@code loader} (iterated once per epoch) and returns each
     * epoch's result. Any {@code Iterable<Batch>} will do; one that is {@link Sized} tells the
     * listener how many steps an epoch has.
     */
    public List<Epoch> fit(Iterable<Batch> loader, int epochs, Listener listener) {
        return fit(loader, epochs, Position.START, listener);
    }

    /**
     * Continues training from {@code from} up to {@code epochs} epochs and returns every epoch's
     * result, the finished ones of {@code from} first. Resuming needs a {@link DataLoader}: it is
     * set to epoch {@code from.epoch() - 1} (its order a function of the seed and epoch alone) and
     * its first {@code from.step()} batches are skipped without being made, so with the model,
     * optimizer and generators restored too the steps are the ones an uninterrupted run takes.
     */
    public List<Epoch> fit(Iterable<Batch> loader, int epochs, Position from, Listener listener) {
        if (epochs < 0) throw new IllegalArgumentException("epochs must be non-negative, got " + epochs);
        if (!from.equals(Position.START)) {
            if (!(loader instanceof DataLoader d))
                throw new IllegalArgumentException("resuming training needs a DataLoader, got " + loader.getClass().getSimpleName());
            d.setEpoch(from.epoch() - 1);
        }
        position = from;
        List<Epoch> history = new ArrayList<>(from.history());
        for (int e = from.epoch(); e <= epochs; e++) {
            Epoch r = run(e == from.epoch() ? position : new Position(e, 0, 0, 0, 0, history, position.steps()), loader, listener);
            history.add(r);
            position = new Position(e + 1, 0, 0, 0, 0, history, position.steps());
            listener.onEpoch(r);
        }
        return history;
    }

    /** One pass over {@code loader} in training mode. */
    public Epoch trainEpoch(Iterable<Batch> loader, int epoch, Listener listener) {
        return run(new Position(epoch, 0, 0, 0, 0, List.of(), position.steps()), loader, listener);
    }

    /** The rest of epoch {@code at.epoch()}, from step {@code at.step()}. */
    private Epoch run(Position at, Iterable<Batch> loader, Listener listener) {
        position = at;
        model.train();
        int epoch = at.epoch(), step = at.step(), steps = loader instanceof Sized s ? s.size() : -1;
        long t0 = System.nanoTime(), samples = at.samples();
        double sum = at.lossSum();
        var batches = step > 0 ? ((DataLoader) loader).iterator(step) : loader.iterator();
        try {
            while (batches.hasNext()) {
                if (Thread.currentThread().isInterrupted())
                    throw new CancellationException("training interrupted in epoch " + epoch + " after step " + step
                            + (steps > 0 ? " of " + steps : ""));
                Batch b = batches.next();
                float v;
                try (var s = workspace == null ? null : workspace.enter()) {
                    optimizer.zeroGrad();
                    Tensor l = loss.forward(model.forward(b.inputs()), b.labels());
                    v = l.item();
                    step++;
                    if (!Float.isFinite(v))
                        throw new NonFiniteLossException(v, epoch, step, optimizer.lr());
                    l.backward();
                    optimizer.step();
                }
                sum += v;
                samples += b.labels().numel();
                position = new Position(epoch, step, sum, samples, at.seconds() + (System.nanoTime() - t0) / 1e9, at.history(), position.steps() + 1);
                listener.onStep(epoch, step, steps, v);
            }
        } finally {
            // a loader's iterator may own a prefetch thread: stop it however the epoch ends
            if (batches instanceof BatchIterator it) it.close();
        }
        return new Epoch(epoch, step == 0 ? Double.NaN : sum / step, at.seconds() + (System.nanoTime() - t0) / 1e9, samples);
    }
}
