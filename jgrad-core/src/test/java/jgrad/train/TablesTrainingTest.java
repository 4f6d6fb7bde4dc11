package jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

import jgrad.autograd.GradMode;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.SklearnData;
import jgrad.data.Split;
import jgrad.data.Task;
import jgrad.data.TensorDataset;
import jgrad.data.Transform;
import jgrad.data.Transforms;
import jgrad.loss.BCEWithLogitsLoss;
import jgrad.loss.CrossEntropyLoss;
import jgrad.loss.Loss;
import jgrad.loss.MSELoss;
import jgrad.nn.Conv2d;
import jgrad.nn.Flatten;
import jgrad.nn.Linear;
import jgrad.nn.MaxPool2d;
import jgrad.nn.Module;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.optim.Adam;
import jgrad.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jgrad trains sklearn's real tables as PyTorch 1.13 does: the same seeded 80/20 split, features
 * standardised on the training part, the {@code simple} MLP's layers
 * Linear(F,256)-ReLU-Linear(256,128)-ReLU-Linear(128,outputs), Adam lr 1e-3, batch 64, the same epochs.
 * PyTorch's numbers are {@code /usr/bin/python3 tools/table_reference.py} over training seeds 0..4:
 * jgrad's score (its mean over the seeds run) must be within a point of PyTorch's mean (0.01 of R²) or
 * inside PyTorch's range.
 */
class TablesTrainingTest {
    @TempDir
    Path tmp;

    /** Test accuracy in % (R² for REGRESS) after {@code epochs} epochs from {@code seed}. */
    static double train(TensorDataset data, int epochs, long seed) {
        int features = data.sampleShape()[0], outputs = data.task() == Task.CLASSIFY ? data.classNames().size() : 1;
        return train(data, () -> new Sequential(new Linear(features, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, outputs)),
                epochs, seed);
    }

    /** As {@link #train(TensorDataset, int, long)}, with the network {@code net} builds after seeding. */
    static double train(TensorDataset data, Supplier<Module> network, int epochs, long seed) {
        Split<TensorDataset> split = Split.random(data, 0.2, 0);
        Transform standardise = Transforms.fitNormalize(split.train());
        Task task = data.task();
        int outputs = task == Task.CLASSIFY ? data.classNames().size() : 1;
        Rng.manualSeed(seed);
        Module net = network.get();
        Loss loss = switch (task) {
            case CLASSIFY -> new CrossEntropyLoss();
            case BINARY -> new BCEWithLogitsLoss();
            case REGRESS -> new MSELoss();
        };
        Adam adam = new Adam(net.parameters(), 1e-3f);
        DataLoader loader = DataLoader.builder(split.train()).batchSize(64).shuffle(seed).transform(standardise).build();
        for (int e = 0; e < epochs; e++)
            for (Batch b : loader) {
                adam.zeroGrad();
                Tensor out = net.forward(b.inputs());
                Tensor l = loss.forward(task == Task.CLASSIFY ? out : out.view(-1), b.labels());
                l.backward();
                adam.step();
            }
        net.eval();
        Batch test = DataLoader.builder(split.test()).transform(standardise).build().fullBatch();
        float[] y = test.labels().data();
        float[] out;
        try (var noGrad = GradMode.noGrad()) {
            out = net.forward(test.inputs()).data();
        }
        int n = y.length;
        switch (task) {
            case CLASSIFY -> {
                int correct = 0, k = outputs;
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
                    if (best == y[i]) correct++;
                }
                return 100.0 * correct / n;
            }
            case BINARY -> {
                int correct = 0;
                for (int i = 0; i < n; i++) if ((out[i] > 0) == (y[i] == 1)) correct++;
                return 100.0 * correct / n;
            }
            default -> {
                double mean = 0, res = 0, tot = 0;
                for (float v : y) mean += v;
                mean /= n;
                for (int i = 0; i < n; i++) {
                    res += (y[i] - (double) out[i]) * (y[i] - (double) out[i]);
                    tot += (y[i] - mean) * (y[i] - mean);
                }
                return 1 - res / tot;
            }
        }
    }

    /** Training seeds to run (the system property jgrad.tables.seeds, default 1); their mean must land where PyTorch's do. */
    private static final int SEEDS = Integer.getInteger("jgrad.tables.seeds", 1);

    /**
     * Trains from seeds 0..SEEDS-1 and checks the mean score against PyTorch's over seeds 0..4: within
     * {@code tolerance} of their mean, or inside their range.
     */
    private static void compare(String name, TensorDataset data, Task task, int epochs, double tolerance, double... torch) {
        compare(name, data, null, task, epochs, tolerance, torch);
    }

    /** As above, with the network {@code net} builds instead of the MLP (null: the MLP). */
    private static void compare(String name, TensorDataset data, Supplier<Module> net, Task task, int epochs, double tolerance, double... torch) {
        assertEquals(task, data.task());
        double mean = Arrays.stream(torch).average().orElseThrow(), min = Arrays.stream(torch).min().orElseThrow(),
                max = Arrays.stream(torch).max().orElseThrow();
        double sum = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            double score = net == null ? train(data, epochs, seed) : train(data, net, epochs, seed);
            System.out.printf(Locale.ROOT, "%s %s %d epochs, seed %d: jgrad %.4f, PyTorch mean %.4f (%.4f..%.4f)%n", name, task.id(), epochs, seed,
                    score, mean, min, max);
            sum += score;
        }
        double score = sum / SEEDS;
        assertTrue(Math.abs(score - mean) <= tolerance || score >= min && score <= max,
                name + ": jgrad " + score + " over " + SEEDS + " seeds, PyTorch " + Arrays.toString(torch));
    }

    // PyTorch's scores below: /usr/bin/python3 tools/table_reference.py (seeds 0..4, torch 1.13, one thread)

    @Test
    void iris() throws IOException {
        compare("iris", SklearnData.iris(), Task.CLASSIFY, 100, 1, 100, 100, 100, 100, 100);
    }

    @Test
    void breastCancer() throws IOException {
        compare("breast_cancer", SklearnData.breastCancer(), Task.BINARY, 30, 1, 99.1228, 99.1228, 99.1228, 99.1228, 99.1228);
    }

    @Test
    void digits() throws IOException {
        compare("digits", SklearnData.digits(), Task.CLASSIFY, 20, 1, 97.7778, 98.0556, 97.7778, 97.7778, 98.0556);
    }

    @Test
    void diabetes() throws IOException {
        compare("diabetes", SklearnData.diabetes(tmp), Task.REGRESS, 300, 0.01, 0.5888, 0.5746, 0.5678, 0.5788, 0.5713);
    }

    /** The digits as 1×8×8 grey images train a small CNN: the reshape keeps each pixel where the convolution expects it. */
    @Test
    void digitsAsImagesTrainACnn() throws IOException {
        compare("digits_cnn", SklearnData.digits().reshape(1, 8, 8), () -> new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(16 * 4 * 4, 10)), Task.CLASSIFY, 10, 1, 95.0000, 96.1111, 95.5556, 94.1667, 94.4444);
    }
}
