package jgrad.train;

import java.util.ArrayList;
import java.util.List;

import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.BatchIterator;
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
 * step, before the bad gradient reaches the weights.
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

    private final Module model;
    private final Loss loss;
    private final Optimizer optimizer;

    public Trainer(Module model, Loss loss, Optimizer optimizer) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
    }

    /**
     * Trains for {@code epochs} passes over {@code loader} (iterated once per epoch) and returns each
     * epoch's result. Any {@code Iterable<Batch>} will do; one that is {@link Sized} tells the
     * listener how many steps an epoch has.
     */
    public List<Epoch> fit(Iterable<Batch> loader, int epochs, Listener listener) {
        if (epochs < 0) throw new IllegalArgumentException("epochs must be non-negative, got " + epochs);
        List<Epoch> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            Epoch r = trainEpoch(loader, e, listener);
            history.add(r);
            listener.onEpoch(r);
        }
        return history;
    }

    /** One pass over {@code loader} in training mode. */
    public Epoch trainEpoch(Iterable<Batch> loader, int epoch, Listener listener) {
        model.train();
        long t0 = System.nanoTime(), samples = 0;
        double sum = 0;
        int step = 0, steps = loader instanceof Sized s ? s.size() : -1;
        var batches = loader.iterator();
        try {
            while (batches.hasNext()) {
                Batch b = batches.next();
                optimizer.zeroGrad();
                Tensor l = loss.forward(model.forward(b.inputs()), b.labels());
                float v = l.item();
                step++;
                if (!Float.isFinite(v))
                    throw new NonFiniteLossException(v, epoch, step, optimizer.lr());
                l.backward();
                optimizer.step();
                sum += v;
                samples += b.labels().numel();
                listener.onStep(epoch, step, steps, v);
            }
        } finally {
            // a loader's iterator may own a prefetch thread: stop it however the epoch ends
            if (batches instanceof BatchIterator it) it.close();
        }
        return new Epoch(epoch, step == 0 ? Double.NaN : sum / step, (System.nanoTime() - t0) / 1e9, samples);
    }
}
