package jgrad.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.Settings;
import jgrad.autograd.Tensor;
import jgrad.data.Batch;
import jgrad.data.DataLoader;
import jgrad.data.ImageDataset;
import jgrad.data.Task;
import jgrad.loss.CrossEntropyLoss;
import jgrad.nn.Module;
import jgrad.optim.Optimizer;
import jgrad.optim.Optimizers;
import jgrad.optim.SGD;
import jgrad.tensor.Parallel;
import jgrad.tensor.Rng;
import jgrad.train.Evaluation;
import jgrad.train.Trainer;

class ParameterAveragingTest {
    private static SparkSession spark;
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        spark = TestData.local();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static TrainingSpec spec(Preset p, String optimizer, float lr, int batch, int epochs, long seed, int k) {
        return new TrainingSpec(p::model, optimizer, lr, 0f, 0f, batch, epochs, seed, 1, k);
    }

    @Test
    void averagingEveryStepEqualsSingleMachineSgdOnTheGlobalBatch() {
        // 2 workers × 300 samples, batch 16: 19 steps an epoch, the last of 12 samples on each worker
        int workers = 2, batch = 16, epochs = 2;
        long seed = 7;
        JavaRDD<Shard> shards = Shards.fromDataset(sc, TestData.images(601, 3), workers);
        TrainingSpec spec = spec(Preset.SIMPLE, "sgd", 0.05f, batch, epochs, seed, 1);
        ParameterAveraging.Result dist = ParameterAveraging.fit(shards, spec, Trainer.Listener.NONE);

        // one machine: the same initial weights, each step on the union of the workers' batches of that step
        Parallel.setThreads(1);
        Rng.manualSeed(seed);
        Module single = Preset.SIMPLE.model();
        Map<String, float[]> init = ModelState.capture(single, null);
        Trainer trainer = new Trainer(single, new CrossEntropyLoss(), new SGD(single.parameters(), 0.05f));
        List<Shard> local = shards.collect();
        List<Trainer.Epoch> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            List<List<Batch>> perWorker = new ArrayList<>();
            for (Shard s : local) {
                DataLoader l = Shard.loader(s.dataset(), batch, seed, s.worker);
                l.setEpoch(e - 1);
                List<Batch> bs = new ArrayList<>();
                l.forEach(bs::add);
                perWorker.add(bs);
            }
            List<Batch> global = new ArrayList<>();
            for (int i = 0; i < perWorker.get(0).size(); i++) {
                int step = i;
                global.add(concat(perWorker.stream().map(bs -> bs.get(step)).toList()));
            }
            assertEquals(19, global.size());
            history.add(trainer.trainEpoch(global, e, Trainer.Listener.NONE));
        }

        Map<String, float[]> a = ModelState.capture(dist.model(), null), b = ModelState.capture(single, null);
        float moved = 0;
        for (var key : a.keySet()) {
            float[] x = a.get(key), y = b.get(key), x0 = init.get(key);
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i], x[i], 2e-6f, key + "[" + i + "]");
                moved = Math.max(moved, Math.abs(x[i] - x0[i]));
            }
        }
        assertTrue(moved > 1e-2f, "training moved the weights by at most " + moved);
        for (int e = 0; e < epochs; e++) assertEquals(history.get(e).meanLoss(), dist.epochs().get(e).meanLoss(), 1e-5);
        assertEquals(600, dist.epochs().get(1).samples());
        assertEquals(epochs * 19, dist.cost().rounds());
        shards.unpersist();
    }

    private static Batch concat(List<Batch> parts) {
        int n = parts.stream().mapToInt(p -> p.labels().numel()).sum(), px = parts.get(0).inputs().numel() / parts.get(0).labels().numel();
        float[] x = new float[n * px], y = new float[n];
        int at = 0;
        for (Batch p : parts) {
            int m = p.labels().numel();
            System.arraycopy(p.inputs().data(), 0, x, at * px, m * px);
            System.arraycopy(p.labels().data(), 0, y, at, m);
            at += m;
        }
        return new Batch(Tensor.of(x, n, 1, 28, 28), Tensor.of(y, n));
    }

    @Test
    void sameSeedAndShardsGiveBitIdenticalResults() {
        // BatchNorm and Adam: running statistics, moments and step counts are averaged too
        JavaRDD<Shard> shards = Shards.fromDataset(sc, TestData.images(300, 5), 3);
        TrainingSpec spec = spec(Preset.COMPLEX, "adam", 1e-3f, 16, 1, 11, 3);
        Map<String, float[]> first = ModelState.capture(ParameterAveraging.fit(shards, spec, Trainer.Listener.NONE).model(), null);
        Map<String, float[]> again = ModelState.capture(ParameterAveraging.fit(shards, spec, Trainer.Listener.NONE).model(), null);
        for (var key : first.keySet()) assertArrayEquals(first.get(key), again.get(key), key);
        // 100 samples a worker, batch 16: 7 steps, each counted once by every worker's BatchNorm, averaged
        assertArrayEquals(new float[]{7}, first.get("model.batch_norm1.num_batches_tracked"));
        assertTrue(first.get("model.batch_norm1.running_mean")[0] != 0f);

        Map<String, float[]> other = ModelState.capture(ParameterAveraging.fit(shards, spec(Preset.COMPLEX, "adam", 1e-3f, 16, 1, 12, 3),
                Trainer.Listener.NONE).model(), null);
        assertFalse(Arrays.equals(first.get("model.fc1.weight"), other.get("model.fc1.weight")), "another seed, other weights");
        shards.unpersist();
    }

    @Test
    void stateCarriesOptimizerMomentsAndReloadsExactly() {
        Rng.manualSeed(1);
        Module m = Preset.COMPLEX.model();
        Optimizer adam = Optimizers.create("adam", m.parameters(), 1e-3f, 0f, 0f);
        Batch b = DataLoader.builder(TestData.images(32, 1)).batchSize(32).build().fullBatch();
        Trainer t = new Trainer(m, new CrossEntropyLoss(), adam);
        t.trainEpoch(List.of(b), 1, Trainer.Listener.NONE);
        Map<String, float[]> s = ModelState.capture(m, adam);
        assertTrue(s.keySet().containsAll(List.of("optim.0.step", "optim.0.exp_avg", "optim.0.exp_avg_sq",
                "model.batch_norm1.running_var", "model.fc1.weight")), s.keySet().toString());
        assertArrayEquals(new float[]{1}, s.get("optim.0.step"));

        // a fresh model and optimizer loaded from the state take the same next step
        Module copy = Preset.COMPLEX.model();
        Optimizer adam2 = Optimizers.create("adam", copy.parameters(), 1e-3f, 0f, 0f);
        ModelState.load(s, copy, adam2);
        t.trainEpoch(List.of(b), 2, Trainer.Listener.NONE);
        new Trainer(copy, new CrossEntropyLoss(), adam2).trainEpoch(List.of(b), 2, Trainer.Listener.NONE);
        Map<String, float[]> x = ModelState.capture(m, adam), y = ModelState.capture(copy, adam2);
        for (var key : x.keySet()) assertArrayEquals(x.get(key), y.get(key), key);
    }

    @Test
    void aBinaryTaskTrainsOneLogitAndTheWorkersScoreItAsTheDriverWould() {
        ImageDataset d = TestData.colours(200, 6, 6, 9, 2);
        Settings s = Settings.builder(Preset.SIMPLE).task(Task.BINARY).optimizer("adam").lr(0.01f).batchSize(20).epochs(2).threads(1).build();
        Run.Data data = Run.prepare(s, d, d);
        TrainingSpec spec = TrainingSpec.of(s, data, 2);
        JavaRDD<Shard> shards = Shards.fromDataset(sc, d, 2);
        Module model = ParameterAveraging.fit(shards, spec, Trainer.Listener.NONE).model();
        assertArrayEquals(new int[]{1, 128}, model.stateDict().get("fc3.weight").shape(), "one logit");
        Evaluation workers = ParameterAveraging.evaluate(shards, spec, model), driver = data.evaluate(model, d, true);
        assertEquals(Task.BINARY, workers.task());
        assertEquals(200, workers.samples());
        assertEquals(200, workers.scores().length);
        assertEquals(driver.correct(), workers.correct());
        assertEquals(driver.meanLoss(), workers.meanLoss(), 1e-6);
        assertEquals(driver.auc(), workers.auc(), 1e-6);
        // which of two channels is brighter is easy to learn
        assertTrue(workers.auc() > 0.9 && workers.accuracy() > 80, "AUC " + workers.auc() + ", accuracy " + workers.accuracy());
        shards.unpersist();
    }

    @Test
    void unequalShardsAreRejected() {
        JavaRDD<Shard> a = Shards.fromDataset(sc, TestData.images(40, 1), 2), b = Shards.fromDataset(sc, TestData.images(30, 2), 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> ParameterAveraging.fit(a.union(b), spec(Preset.SIMPLE, "sgd", 0.01f, 8, 1, 0, 1), Trainer.Listener.NONE));
        assertTrue(e.getMessage().contains("[20, 20, 30]"), e.getMessage());
    }

    @Test
    void aRunWithAnArchTrainsTheNetworkItsSpecDescribes() {
        String arch = "conv 2 3 stride 2, relu, flatten, fc=linear 10";
        jgrad.app.Settings s = jgrad.app.Settings.builder(Preset.SIMPLE).arch(arch).epochs(1).batchSize(16).threads(1).build();
        var images = TestData.images(64, 4);
        ParameterAveraging.Result r = ParameterAveraging.fit(Shards.fromDataset(sc, images, 2),
                TrainingSpec.of(s, jgrad.app.Run.prepare(s, images, images), 2), Trainer.Listener.NONE);
        Map<String, String> shapes = new java.util.TreeMap<>(), expected = new java.util.TreeMap<>();
        r.model().stateDict().forEach((k, t) -> shapes.put(k, Arrays.toString(t.shape())));
        jgrad.app.Run.model(s).stateDict().forEach((k, t) -> expected.put(k, Arrays.toString(t.shape())));
        assertEquals(Map.of("0.weight", "[2, 1, 3, 3]", "0.bias", "[2]", "fc.weight", "[10, 338]", "fc.bias", "[10]"), expected);
        assertEquals(expected, shapes, "the spec's network, not the preset's");
    }
}
