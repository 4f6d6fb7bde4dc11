package jgrad.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jgrad.data.Augmentation;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.DataSource;
import jgrad.data.Dataset;
import jgrad.data.FashionMNIST;
import jgrad.data.ImageDataset;
import jgrad.data.Task;
import jgrad.data.TensorDataset;
import jgrad.data.Transform;
import jgrad.data.Transforms;
import jgrad.models.Spec;
import jgrad.nn.Module;
import jgrad.optim.Optimizer;
import jgrad.optim.Optimizers;
import jgrad.tensor.Parallel;
import jgrad.tensor.Rng;
import jgrad.tensor.Shapes;
import jgrad.train.Checkpoint;
import jgrad.train.Evaluation;
import jgrad.train.TaskLoss;
import jgrad.train.Trainer;

/**
 * One end-to-end run: prepare the data, build the network for it, train, evaluate. This is where
 * the data, the model, the optimizer, the {@link Trainer} and the {@link Evaluation} meet. The same
 * {@link Settings} give the same numbers: weights come from {@code Rng.manualSeed(seed)} and the
 * shuffle from the loader's seed.
 *
 * <p>{@link #prepare} decides, from the settings and the training set alone, what a run of them
 * trains: the task (the data's, or {@link Setting#TASK}), the input transform (for images
 * {@code ToTensor} then the notebook's {@code Normalize(0.5, 0.5)}, or each channel's mean and std
 * over the training set with {@code --normalize auto}; for float samples each channel standardised
 * over the training set), the number of outputs (classes, 1 for binary, or targets), and for
 * regression the targets' mean and std, so the network learns standardised targets and its outputs
 * are mapped back for scores and predictions.
 */
public final class Run {
    /** A finished run's results, and the prepared data it trained on. */
    public record Result(Settings settings, List<Trainer.Epoch> epochs, Evaluation test, Evaluation train, Module model, Data data) {}

    /**
     * The data a run trains and tests on, as {@link #prepare} made it.
     *
     * @param inputShape one sample's shape, without the batch
     * @param outputs    the network's outputs: the classes, 1 for BINARY, or the targets
     * @param targetMean for REGRESS, each target's mean over the training set (else null)
     * @param targetStd  for REGRESS, each target's std over the training set (else null)
     */
    public record Data(Dataset train, Dataset test, Task task, Transform transform, int[] inputShape, int outputs, List<String> classNames,
                       float[] targetMean, float[] targetStd) {
        /** A loader over {@code d} (one of this data's sets) with this data's transform. */
        public DataLoader.Builder loader(Dataset d) {
            return DataLoader.builder(d).transform(transform);
        }

        /** The model's scores on {@code d}, in eval mode unless {@code evalMode} is false. */
        public Evaluation evaluate(Module model, Dataset d, boolean evalMode) {
            // eval mode is independent of batch size, so big batches; the notebook's train-mode way uses its 64
            return Evaluation.evaluate(model, loader(d).batchSize(evalMode ? EVAL_BATCH : 64).build(), task, classNames, targetMean,
                    targetStd, evalMode);
        }
    }

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
     * What a run of {@code s} trains on {@code train} and tests on {@code test} (see the class notes).
     *
     * @throws IllegalArgumentException if the task does not fit the data (binary needs two classes, regression real targets),
     *                                  or the two sets differ in shape or classes
     */
    public static Data prepare(Settings s, Dataset train, Dataset test) {
        int[] shape = train.sampleShape();
        if (test != null && !Arrays.equals(shape, test.sampleShape()))
            throw new IllegalArgumentException("the training set's samples are " + Shapes.str(shape) + " but the test set's are "
                    + Shapes.str(test.sampleShape()));
        if (test != null && !train.classNames().equals(test.classNames()))
            throw new IllegalArgumentException("the training set's classes " + train.classNames() + " are not the test set's "
                    + test.classNames());
        Task task = s.task() != null ? s.task() : train.task();
        List<String> classes = train.classNames();
        int outputs = switch (task) {
            case CLASSIFY -> {
                if (train.task() == Task.REGRESS)
                    throw new IllegalArgumentException(train.name() + " has real-valued targets: train it with --task regress");
                yield classes.size();
            }
            case BINARY -> {
                if (classes.size() != 2)
                    throw new IllegalArgumentException("--task binary needs two classes, but " + train.name() + " has " + classes.size()
                            + (classes.isEmpty() ? " (real-valued targets)" : ": " + classes));
                yield 1;
            }
            case REGRESS -> {
                if (!(train instanceof TensorDataset))
                    throw new IllegalArgumentException("--task regress needs real-valued targets, but " + train.name() + " has classes");
                yield train.targetWidth();
            }
        };
        Transform transform = transform(s, train);
        float[] mean = null, std = null;
        if (task == Task.REGRESS) {
            // the targets' statistics as the inputs', StandardScaler's: a table of the targets alone
            TensorDataset t = (TensorDataset) train;
            float[] y = new float[t.size() * t.targetWidth()];
            for (int i = 0; i < t.size(); i++) t.target(i, y, i * t.targetWidth());
            Transforms.Normalize n = Transforms.fitNormalize(TensorDataset.of("targets", y, new int[]{t.targetWidth()}, y, t.targetWidth(),
                    List.of(), Task.REGRESS));
            mean = n.mean();
            std = n.std();
            train = standardised((TensorDataset) train, mean, std);
            if (test != null) test = standardised((TensorDataset) test, mean, std);
        }
        return new Data(train, test, task, transform, shape, outputs, task == Task.REGRESS ? List.of() : classes, mean, std);
    }

    /** The input transform {@link Setting#NORMALIZE} asks for, fitted on {@code train} where it is fitted at all. */
    static Transform transform(Settings s, Dataset train) {
        String how = (String) s.get(Setting.NORMALIZE);
        boolean images = train instanceof ImageDataset;
        return switch (how) {
            case "none" -> images ? Transforms.toTensor() : Transforms.compose();
            case "default", "auto" -> {
                if (images && how.equals("default")) yield TRANSFORM;
                Transform n = Transforms.fitNormalize(train);
                yield images ? Transforms.compose(Transforms.toTensor(), n) : n;
            }
            default -> throw new IllegalArgumentException("--normalize must be default, auto or none, got '" + how + "'");
        };
    }

    /** {@code d} with its targets standardised: {@code (y − mean) / std} per target. */
    private static TensorDataset standardised(TensorDataset d, float[] mean, float[] std) {
        int t = d.targetWidth();
        float[] y = new float[d.size() * t];
        for (int i = 0; i < d.size(); i++) d.target(i, y, i * t);
        for (int i = 0; i < y.length; i++) y[i] = (y[i] - mean[i % t]) / std[i % t];
        return d.withTargets(y);
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
    public static Result run(Settings s, Dataset train, Dataset test, Trainer.Listener listener) {
        return run(s, train, test, listener, Checkpoints.NONE);
    }

    /**
     * {@link #run(Settings, Dataset, Dataset, Trainer.Listener)} with checkpoints: resumed from
     * {@code c.resume()} (whose finished epochs {@code listener} sees first, without scores) it ends
     * with the weights of an uninterrupted run, bit for bit.
     *
     * @throws IllegalArgumentException if the batch is larger than the training set, the training
     *                                  set is empty, or the checkpoint's settings are not {@code s}
     */
    public static Result run(Settings s, Dataset train, Dataset test, Trainer.Listener listener, Checkpoints c) {
        if (train.size() == 0) throw new IllegalArgumentException("the training set " + train.name() + " has no images");
        if (s.batchSize() > train.size())
            throw new IllegalArgumentException("batch size " + s.batchSize() + " is larger than the training set (" + train.size() + " images)");
        if (c.resume() != null && !RunCheckpoint.settings(c.resume()).equals(s))
            throw new IllegalArgumentException("the checkpoint is of other settings: " + RunCheckpoint.settings(c.resume()) + ", not " + s);
        Data data = prepare(s, train, test);
        if (c.resume() != null) {
            try {
                RunCheckpoint.resumable(c.resume(), train.size());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((c.from() != null ? c.from() : "the checkpoint") + ": " + e.getMessage(), e);
            }
        }
        if (c.dir() == null) return train(s, data, listener, c);
        try (Checkpoint.Lock lock = Checkpoint.lock(c.dir())) {
            return train(s, data, listener, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result train(Settings s, Data data, Trainer.Listener listener, Checkpoints c) {
        Parallel.setThreads(s.threads());
        Rng.manualSeed(s.seed());
        Module model = model(s, data);
        Optimizer opt = Optimizers.create(s.optimizer(), model.parameters(), s.lr(), s.weightDecay(), s.momentum());
        DataLoader.Builder b = data.loader(data.train()).batchSize(s.batchSize()).shuffle(s.seed());
        Augmentation aug = augmentation(s, data.train());
        if (aug != null) b.augment(aug);
        DataLoader loader = b.build();
        Trainer trainer = new Trainer(model, TaskLoss.of(data.task()), opt);
        Trainer.Position from = Trainer.Position.START;
        if (c.resume() != null) {
            c.resume().restore(model, opt, null);
            from = c.resume().position();
            from.history().forEach(listener::onEpoch);
        }
        Trainer.Listener l = scored(listener, model, data);
        if (c.dir() != null) l = checkpointing(l, s, data, c, trainer, model, opt, loader.size());
        List<Trainer.Epoch> history = trainer.fit(loader, s.epochs(), from, l);
        return new Result(s, history, data.evaluate(model, data.test(), true), data.evaluate(model, data.train(), true), model, data);
    }

    /**
     * The augmentation {@link Setting#AUGMENT} describes, e.g. {@code crop:4,flip}: {@code crop:P} is
     * torchvision's {@code RandomCrop(size, padding=P)} at the images' own size (square images),
     * {@code flip} a {@code RandomHorizontalFlip(0.5)}; null when it is not set.
     */
    static Augmentation augmentation(Settings s, Dataset train) {
        String text = (String) s.get(Setting.AUGMENT);
        if (text == null || text.isBlank()) return null;
        if (!(train instanceof ImageDataset images))
            throw new IllegalArgumentException("--augment crops and flips images, but " + train.name() + " holds " + Shapes.str(train.sampleShape())
                    + " rows");
        List<Augmentation> steps = new ArrayList<>();
        for (String raw : text.split(",")) {
            String step = raw.trim();
            if (step.equals("flip")) steps.add(Augmentation.randomHorizontalFlip(0.5));
            else if (step.matches("crop:\\d{1,4}")) {
                if (images.rows() != images.cols())
                    throw new IllegalArgumentException("--augment crop needs square images, but " + train.name() + "'s are "
                            + images.rows() + "×" + images.cols());
                steps.add(Augmentation.randomCrop(images.rows(), Integer.parseInt(step.substring(5))));
            } else throw new IllegalArgumentException("--augment: unknown step '" + step + "': expected crop:PADDING or flip, e.g. crop:4,flip");
        }
        return Augmentation.compose(steps.toArray(Augmentation[]::new));
    }

    /** {@code listener}, scoring the model on both sets after every epoch when it is {@link EpochScores}. */
    private static Trainer.Listener scored(Trainer.Listener listener, Module model, Data data) {
        return listener instanceof EpochScores scores ? new Trainer.Listener() {
            @Override
            public void onStep(int epoch, int step, int steps, float loss) {
                scores.onStep(epoch, step, steps, loss);
            }

            @Override
            public void onEpoch(Trainer.Epoch e) {
                scores.onEpoch(e);
                scores.scored(e.epoch(), data.evaluate(model, data.train(), true), data.evaluate(model, data.test(), true));
            }
        } : listener;
    }

    /** {@code next}, then a checkpoint after every epoch and every {@code c.everySteps()} steps (but an epoch's last, which its end saves). */
    private static Trainer.Listener checkpointing(Trainer.Listener next, Settings s, Data data, Checkpoints c, Trainer trainer, Module model,
                                                  Optimizer opt, int stepsPerEpoch) {
        Map<String, String> run = RunCheckpoint.describe(s, data);
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

    /** The network of {@code s} for {@code data} as a spec: the preset's or {@code s.arch()}, its last bare {@code linear} sized to the outputs. */
    public static Spec spec(Settings s, Data data) {
        return s.arch() == null ? s.preset().spec(data.inputShape(), data.outputs()) : Spec.parse(s.arch(), data.inputShape(), data.outputs());
    }

    /** A fresh network of {@code s} for {@code data}, its weights drawn from the global generator: the preset's, or {@code s.arch()}'s. */
    public static Module model(Settings s, Data data) {
        return model(s, data.inputShape(), data.outputs());
    }

    /**
     * A fresh network of {@code s} for samples of {@code inputShape} and {@code outputs} outputs (what
     * {@link #prepare} gives as {@link Data#inputShape} and {@link Data#outputs}), e.g. on a worker that
     * holds the settings but not the data; weights from the global generator.
     */
    public static Module model(Settings s, int[] inputShape, int outputs) {
        return s.arch() == null ? s.preset().model(inputShape, outputs) : Spec.parse(s.arch(), inputShape, outputs).build(Rng.global());
    }

    /** A fresh network of {@code s} for Fashion-MNIST, its weights drawn from the global generator. */
    public static Module model(Settings s) {
        return s.arch() == null ? s.preset().model()
                : Spec.parse(s.arch(), FashionMNIST.SHAPE, FashionMNIST.SPEC.classNames().size()).build(Rng.global());
    }

    /** Accuracy and cross-entropy of {@code model} on a Fashion-MNIST-like {@code data} with the notebook's transform, in eval mode unless {@code evalMode} is false. */
    public static Evaluation evaluate(Module model, ImageDataset data, boolean evalMode) {
        Iterable<Batch> batches = DataLoader.builder(data).batchSize(evalMode ? EVAL_BATCH : 64).transform(TRANSFORM).build();
        return Evaluation.evaluate(model, batches, data.classNames(), evalMode);
    }
}
