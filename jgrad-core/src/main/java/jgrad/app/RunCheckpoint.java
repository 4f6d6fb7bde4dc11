package jgrad.app;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import jgrad.models.Spec;
import jgrad.nn.Module;
import jgrad.optim.Optimizers;
import jgrad.tensor.Rng;
import jgrad.train.Checkpoint;
import jgrad.train.Trainer;

/**
 * What a {@link Checkpoint} says of the {@link Run} it was made in: the run's settings and network,
 * written into it ({@link #describe}), read back ({@link #settings}), and checked against one another
 * and the training set before a run resumes from it ({@link #resumable}).
 */
public final class RunCheckpoint {
    private RunCheckpoint() {}

    /** The settings as a checkpoint's {@code run} strings, exact ({@link Settings#toText}), with the network's spec for {@code data}. */
    public static Map<String, String> describe(Settings s, Run.Data data) {
        Map<String, String> m = new LinkedHashMap<>(s.toText());
        m.put("spec", Run.spec(s, data).resolved());
        m.put("input", String.join(",", Arrays.stream(data.inputShape()).mapToObj(Integer::toString).toList()));
        return m;
    }

    /**
     * The settings a checkpoint was made with.
     *
     * @throws IllegalArgumentException if its {@code run} strings are not {@link #describe}'s
     */
    public static Settings settings(Checkpoint c) {
        Map<String, String> m = new LinkedHashMap<>(c.run());
        try {
            if (m.remove("spec") == null) throw new IllegalArgumentException("no spec");
            if (m.remove("input") == null) throw new IllegalArgumentException("no input shape");
            return Settings.fromText(m);
        } catch (RuntimeException e) { // a missing entry, a bad number or name
            throw new IllegalArgumentException("the checkpoint's settings " + c.run() + " are not a run's: " + e.getMessage(), e);
        }
    }

    /**
     * The settings of checkpoint {@code c}, after checking every field against the others and
     * against the run those settings describe, so that a checkpoint an edit or a bug made impossible
     * is refused before it is used: at least one epoch; a position within the run ({@code epoch ≤
     * epochs + 1}, and step 0 past the last epoch) and within the epoch (mid-epoch steps are whole
     * batches: {@code samples = step · batchSize}, fewer than the epoch's); the steps in all
     * {@code (epoch − 1) · ⌈n / batchSize⌉ + step} for finished epochs of {@code n} samples each;
     * losses ≥ 0 (every task's loss is); the optimizer's learning rate the run's (its runs have no
     * scheduler); and the model's and optimizer's state of the names and shapes of the network its
     * spec describes for its input shape.
     *
     * @param trainSize the training set's size, or -1 when not known yet (then the counts are checked against one another only)
     * @throws IllegalArgumentException saying what disagrees
     */
    public static Settings resumable(Checkpoint c, int trainSize) {
        String epochs = c.run().get(Setting.EPOCHS.key);
        if (epochs != null && epochs.matches("-?[0-9]{1,9}") && Integer.parseInt(epochs) < 1)
            throw new IllegalArgumentException("its run has " + epochs + " epochs; a checkpoint is of a run of at least one");
        Settings s = settings(c);
        Trainer.Position p = c.position();
        if (p.epoch() > s.epochs() + 1 || p.epoch() == s.epochs() + 1 && p.step() > 0)
            throw new IllegalArgumentException("its position, epoch " + p.epoch() + " step " + p.step() + ", is beyond the run's " + s.epochs() + " epochs");
        long n = trainSize >= 0 ? trainSize : p.history().isEmpty() ? -1 : p.history().getFirst().samples();
        if (trainSize >= 0 && !p.history().isEmpty() && p.history().getFirst().samples() != trainSize)
            throw new IllegalArgumentException("its finished epochs saw " + p.history().getFirst().samples() + " samples each, but the training set has "
                    + trainSize);
        long perEpoch = n < 0 ? -1 : (n + s.batchSize() - 1) / s.batchSize();
        if (p.samples() != (long) p.step() * s.batchSize() || perEpoch >= 0 && p.step() >= perEpoch)
            throw new IllegalArgumentException("its position, epoch " + p.epoch() + " step " + p.step() + " with " + p.samples() + " samples, is not "
                    + "one a run of batch " + s.batchSize() + (perEpoch >= 0 ? " and " + perEpoch + " steps an epoch" : "") + " stops at");
        long steps = perEpoch >= 0 ? (p.epoch() - 1) * perEpoch + p.step() : p.epoch() == 1 ? p.step() : -1;
        if (steps >= 0 && p.steps() != steps)
            throw new IllegalArgumentException("it counts " + p.steps() + " steps in all, but epoch " + p.epoch() + " step " + p.step()
                    + (perEpoch >= 0 ? " at " + perEpoch + " steps an epoch" : "") + " make " + steps);
        if (p.lossSum() < 0 || p.history().stream().anyMatch(e -> e.meanLoss() < 0))
            throw new IllegalArgumentException("it records a negative loss");
        if (!c.scheduler().isEmpty()) throw new IllegalArgumentException("it has a learning-rate scheduler's state, which a run of jgrad train has not");
        float[] lr = c.optimizer().get("lr");
        if (lr == null || lr.length != 1 || lr[0] != s.lr())
            throw new IllegalArgumentException("its optimizer's learning rate " + (lr == null ? "is missing" : Arrays.toString(lr))
                    + ", not the run's lr " + s.lr());
        // the rest of restore()'s checks, on a throwaway network (the spec it names, for its input) and optimizer,
        // leaving the global generator as it was
        Rng.State global = Rng.global().state();
        try {
            int[] input = Arrays.stream(c.run().get("input").split(",")).mapToInt(Integer::parseInt).toArray();
            Spec stored = Spec.parse(c.run().get("spec"), input);
            int outputs = stored.outputShape()[0];
            String mine = (s.arch() == null ? s.preset().spec(input, outputs) : Spec.parse(s.arch(), input, outputs)).resolved();
            if (!mine.equals(stored.resolved()))
                throw new IllegalArgumentException("its network \"" + stored.resolved() + "\" is not the one its settings describe, \"" + mine + "\"");
            Module model = Run.model(s, input, outputs);
            var shapes = new LinkedHashMap<String, String>();
            model.stateDict().forEach((k, t) -> shapes.put(k, Arrays.toString(t.shape())));
            var saved = new LinkedHashMap<String, String>();
            c.model().forEach((k, t) -> saved.put(k, Arrays.toString(t.shape())));
            if (!shapes.equals(saved))
                throw new IllegalArgumentException("its model state " + saved + " is not the state of the run's network " + c.run().get("spec")
                        + ", " + shapes);
            c.restore(model, Optimizers.create(s.optimizer(), model.parameters(), s.lr(), s.weightDecay(), s.momentum()), null);
        } finally {
            Rng.global().setState(global);
        }
        return s;
    }
}
