package jgrad.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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

    /** Trains and evaluates; {@code listener} sees every step and epoch, and every epoch's scores if it is {@link EpochScores}. */
    public static Result run(Settings s, ImageDataset train, ImageDataset test, Trainer.Listener listener) {
        Parallel.setThreads(s.threads());
        Rng.manualSeed(s.seed());
        Module model = model(s);
        Optimizer opt = Optimizers.create(s.optimizer(), model.parameters(), s.lr(), s.weightDecay(), s.momentum());
        DataLoader loader = DataLoader.builder(train).batchSize(s.batchSize()).shuffle(s.seed()).transform(TRANSFORM).build();
        Trainer.Listener l = listener instanceof EpochScores scores ? new Trainer.Listener() {
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
        List<Trainer.Epoch> history = new Trainer(model, new CrossEntropyLoss(), opt).fit(loader, s.epochs(), l);
        return new Result(s, history, evaluate(model, test, true), evaluate(model, train, true), model);
    }

    /** A fresh network for {@code s}, its weights drawn from the global generator: the preset's, or {@code s.arch()}'s. */
    public static Module model(Settings s) {
        return s.arch() == null ? s.preset().model() : Spec.parse(s.arch(), Preset.INPUT).build(Rng.global());
    }

    /** Accuracy and cross-entropy of {@code model} on {@code data}, in eval mode unless {@code evalMode} is false. */
    public static Evaluation evaluate(Module model, ImageDataset data, boolean evalMode) {
        // eval mode is independent of batch size, so big batches; the notebook's train-mode way uses its 64
        Iterable<Batch> batches = DataLoader.builder(data).batchSize(evalMode ? 250 : 64).transform(TRANSFORM).build();
        return Evaluation.evaluate(model, batches, data.classNames(), evalMode);
    }
}
