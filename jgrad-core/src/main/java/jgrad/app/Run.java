package jgrad.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.DataSource;
import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;
import jgrad.data.Transform;
import jgrad.data.Transforms;
import jgrad.loss.CrossEntropyLoss;
import jgrad.models.Spec;
import jgrad.nn.Module;
import jgrad.optim.Optimizer;
import jgrad.optim.Optimizers;
import jgrad.tensor.Parallel;
import jgrad.tensor.Rng;
import jgrad.train.Checkpoint;
import jgrad.train.Evaluation;
import jgrad.train.Trainer;

/**
 * One end-to-end run of a preset on real Fashion-MNIST: load, train, evaluate. This is where the
 * data, the model, the optimizer, the {@link Trainer} and the {@link Evaluation} meet. The same
 * {@link Settings} give the same numbers: weights come from {@code Rng.manualSeed(seed)} and the
 * shuffle from the loader's seed.
 */
public final class Run {
    /** A finished run's results. */
    public record Result(Settings settings, List<Trainer.Epoch> epochs, Evaluation test, Evaluation train, Module model) {}

    /**
     * Samples per batch when evaluating in eval mode (where the batch does not change the result):
     * large enough to keep the kernels busy, small enough for a CNN's activations (250 images of
     * 32 channels at 28×28 are 25 MB a layer) to fit the launcher's heap.
     */
    public static final int EVAL_BATCH = 250;

    /** The notebook's input transform: {@code Compose([ToTensor(), Normalize((0.5,), (0.5,))])}. */
    public static final Transform TRANSFORM = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));

    private Run() {}

    /** The train and test splits of Fashion-MNIST, found or downloaded as {@link DataSource} describes. */
    public static ImageDataset[] load(Path dataDir, boolean download) throws IOException {
        DataSource src = DataSource.defaults().withDownload(download);
        if (dataDir != null) src = src.withDirectory(dataDir);
        return new ImageDataset[]{FashionMNIST.load(src, true), FashionMNIST.load(src, false)};
    }

    /**
     * A listener that also wants the model scored on both sets after every epoch (for curves of
     * accuracy and cross-entropy); it costs an evaluation pass over both sets per epoch.
     */
    public interface EpochScores extends Trainer.Listener {
        void scored(int epoch, Evaluation train, Evaluation test);
    }

    /**
     * Where a run writes {@link Checkpoint}s ({@code dir}, null for nowhere; the run holds its
     * {@link Checkpoint#lock} throughout): after every epoch, and every {@code everySteps} steps when
     * that is above 0; and the checkpoint it resumes from (null to start afresh), whose settings must
     * be the run's, read from {@code from} (for messages; may be null).
     */
    public record Checkpoints(Path dir, int everySteps, Checkpoint resume, Path from) {
        public static final Checkpoints NONE = new Checkpoints(null, 0, null);

        public Checkpoints {
            if (everySteps < 0) throw new IllegalArgumentException("checkpoint interval must be non-negative, got " + everySteps);
        }

        public Checkpoints(Path dir, int everySteps, Checkpoint resume) {
            this(dir, everySteps, resume, null);
        }
    }

    /** Trains and evaluates; {@code listener} sees every step and epoch, and every epoch's scores if it is {@link EpochScores}. */
    public static Result run(Settings s, ImageDataset train, ImageDataset test, Trainer.Listener listener) {
        return run(s, train, test, listener, Checkpoints.NONE);
    }

    /**
     * {@link #run(Settings, ImageDataset, ImageDataset, Trainer.Listener)} with checkpoints: resumed
     * from {@code c.resume()} (whose finished epochs {@code listener} sees first, without scores) it
     * ends with the weights of an uninterrupted run, bit for bit.
     *
     * @throws IllegalArgumentException if the batch is larger than the training set, the training
     *                                  set is empty, or the checkpoint's settings are not {@code s}
     */
    public static Result run(Settings s, ImageDataset train, ImageDataset test, Trainer.Listener listener, Checkpoints c) {
        if (train.size() == 0) throw new IllegalArgumentException("the training set " + train.name() + " has no images");
        if (s.batchSize() > train.size())
            throw new IllegalArgumentException("batch size " + s.batchSize() + " is larger than the training set (" + train.size() + " images)");
        if (c.resume() != null && !settings(c.resume()).equals(s))
            throw new IllegalArgumentException("the checkpoint is of other settings: " + settings(c.resume()) + ", not " + s);
        if (c.resume() != null) {
            try {
                resumable(c.resume(), train.size());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((c.from() != null ? c.from() : "the checkpoint") + ": " + e.getMessage(), e);
            }
        }
        if (c.dir() == null) return train(s, train, test, listener, c);
        try (Checkpoint.Lock lock = Checkpoint.lock(c.dir())) {
            return train(s, train, test, listener, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result train(Settings s, ImageDataset train, ImageDataset test, Trainer.Listener listener, Checkpoints c) {
        Parallel.setThreads(s.threads());
        Rng.manualSeed(s.seed());
        Module model = model(s);
        Optimizer opt = Optimizers.create(s.optimizer(), model.parameters(), s.lr(), s.weightDecay(), s.momentum());
        DataLoader loader = DataLoader.builder(train).batchSize(s.batchSize()).shuffle(s.seed()).transform(TRANSFORM).build();
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), opt);
        Trainer.Position from = Trainer.Position.START;
        if (c.resume() != null) {
            c.resume().restore(model, opt, null);
            from = c.resume().position();
            from.history().forEach(listener::onEpoch);
        }
        Trainer.Listener l = scored(listener, model, train, test);
        if (c.dir() != null) l = checkpointing(l, s, c, trainer, model, opt, loader.size());
        List<Trainer.Epoch> history = trainer.fit(loader, s.epochs(), from, l);
        return new Result(s, history, evaluate(model, test, true), evaluate(model, train, true), model);
    }

    /** {@code listener}, scoring the model on both sets after every epoch when it is {@link EpochScores}. */
    private static Trainer.Listener scored(Trainer.Listener listener, Module model, ImageDataset train, ImageDataset test) {
        return listener instanceof EpochScores scores ? new Trainer.Listener() {
            @Override
            public void onStep(int epoch, int step, int steps, float loss) {
                scores.onStep(epoch, step, steps, loss);
            }

            @Override
            public void onEpoch(Trainer.Epoch e) {
                scores.onEpoch(e);
                scores.scored(e.epoch(), evaluate(model, train, true), evaluate(model, test, true));
            }
        } : listener;
    }

    /** {@code next}, then a checkpoint after every epoch and every {@code c.everySteps()} steps (but an epoch's last, which its end saves). */
    private static Trainer.Listener checkpointing(Trainer.Listener next, Settings s, Checkpoints c, Trainer trainer, Module model,
                                                  Optimizer opt, int stepsPerEpoch) {
        Map<String, String> run = describe(s);
        return new Trainer.Listener() {
            @Override
            public void onStep(int epoch, int step, int steps, float loss) {
                next.onStep(epoch, step, steps, loss);
                if (c.everySteps() > 0 && step < stepsPerEpoch && trainer.position().steps() % c.everySteps() == 0) save();
            }

            @Override
            public void onEpoch(Trainer.Epoch e) {
                next.onEpoch(e);
                save();
            }

            private void save() {
                try {
                    Checkpoint.capture(run, model, opt, null, trainer.position()).save(c.dir());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The settings as a checkpoint's {@code run} strings, exact (floats as {@code Float.toString}), with the spec. */
    public static Map<String, String> describe(Settings s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("preset", s.preset().name());
        if (s.arch() != null) m.put("arch", s.arch());
        m.put("spec", s.spec());
        m.put("epochs", Integer.toString(s.epochs()));
        m.put("batchSize", Integer.toString(s.batchSize()));
        m.put("lr", Float.toString(s.lr()));
        m.put("optimizer", s.optimizer());
        m.put("weightDecay", Float.toString(s.weightDecay()));
        m.put("momentum", Float.toString(s.momentum()));
        m.put("seed", Long.toString(s.seed()));
        m.put("threads", Integer.toString(s.threads()));
        return m;
    }

    /**
     * The settings a checkpoint was made with.
     *
     * @throws IllegalArgumentException if its {@code run} strings are not {@link #describe}'s
     */
    public static Settings settings(Checkpoint c) {
        Map<String, String> m = c.run();
        try {
            Settings s = Settings.builder(Preset.valueOf(m.get("preset"))).arch(m.get("arch")).epochs(Integer.parseInt(m.get("epochs")))
                    .batchSize(Integer.parseInt(m.get("batchSize"))).lr(Float.parseFloat(m.get("lr"))).optimizer(m.get("optimizer"))
                    .weightDecay(Float.parseFloat(m.get("weightDecay"))).momentum(Float.parseFloat(m.get("momentum")))
                    .seed(Long.parseLong(m.get("seed"))).threads(Integer.parseInt(m.get("threads"))).build();
            if (!describe(s).equals(m)) throw new IllegalArgumentException("they do not read back the same");
            return s;
        } catch (RuntimeException e) { // a missing entry, a bad number or name
            throw new IllegalArgumentException("the checkpoint's settings " + m + " are not a run's: " + e.getMessage(), e);
        }
    }

    /**
     * The settings of checkpoint {@code c}, after checking every field against the others and
     * against the run those settings describe, so that a checkpoint an edit or a bug made impossible
     * is refused before it is used: at least one epoch; a position within the run ({@code epoch ≤
     * epochs + 1}, and step 0 past the last epoch) and within the epoch (mid-epoch steps are whole
     * batches: {@code samples = step · batchSize}, fewer than the epoch's); the steps in all
     * {@code (epoch − 1) · ⌈n / batchSize⌉ + step} for finished epochs of {@code n} samples each;
     * losses ≥ 0 (cross-entropy); the optimizer's learning rate the run's (its runs have no
     * scheduler); and the model's and optimizer's state of the names and shapes the run's network
     * and optimizer have.
     *
     * @param trainSize the training set's size, or -1 when not known yet (then the counts are checked against one another only)
     * @throws IllegalArgumentException saying what disagrees
     */
    public static Settings resumable(Checkpoint c, int trainSize) {
        Settings s = settings(c);
        if (s.epochs() < 1) throw new IllegalArgumentException("its run has " + s.epochs() + " epochs; a checkpoint is of a run of at least one");
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
            throw new IllegalArgumentException("it records a negative cross-entropy loss");
        if (!c.scheduler().isEmpty()) throw new IllegalArgumentException("it has a learning-rate scheduler's state, which a run of jgrad train has not");
        float[] lr = c.optimizer().get("lr");
        if (lr == null || lr.length != 1 || lr[0] != s.lr())
            throw new IllegalArgumentException("its optimizer's learning rate " + (lr == null ? "is missing" : Arrays.toString(lr))
                    + ", not the run's lr " + s.lr());
        // the rest of restore()'s checks, on a throwaway network and optimizer, leaving the global generator as it was
        Rng.State global = Rng.global().state();
        try {
            Module model = model(s);
            var shapes = new LinkedHashMap<String, String>();
            model.stateDict().forEach((k, t) -> shapes.put(k, Arrays.toString(t.shape())));
            var saved = new LinkedHashMap<String, String>();
            c.model().forEach((k, t) -> saved.put(k, Arrays.toString(t.shape())));
            if (!shapes.equals(saved))
                throw new IllegalArgumentException("its model state " + saved + " is not the state of the run's network " + s.spec() + ", " + shapes);
            c.restore(model, Optimizers.create(s.optimizer(), model.parameters(), s.lr(), s.weightDecay(), s.momentum()), null);
        } finally {
            Rng.global().setState(global);
        }
        return s;
    }

    /** A fresh network for {@code s}, its weights drawn from the global generator: the preset's, or {@code s.arch()}'s. */
    public static Module model(Settings s) {
        return s.arch() == null ? s.preset().model() : Spec.parse(s.arch(), Preset.INPUT).build(Rng.global());
    }

    /** Accuracy and cross-entropy of {@code model} on {@code data}, in eval mode unless {@code evalMode} is false. */
    public static Evaluation evaluate(Module model, ImageDataset data, boolean evalMode) {
        // eval mode is independent of batch size, so big batches; the notebook's train-mode way uses its 64
        Iterable<Batch> batches = DataLoader.builder(data).batchSize(evalMode ? EVAL_BATCH : 64).transform(TRANSFORM).build();
        return Evaluation.evaluate(model, batches, data.classNames(), evalMode);
    }
}
