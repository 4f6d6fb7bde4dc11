package jgrad.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.app.Preset;
import jgrad.app.Run;
import jgrad.app.RunCheckpoint;
import jgrad.app.Settings;
import jgrad.autograd.Tensor;
import jgrad.data.ImageDataset;
import jgrad.tensor.Rng;

public class CheckpointTest {
    /** Adam, batch norm buffers and dropout on the global generator: every kind of state a run has. */
    static final String ARCH = "flatten, linear 24, bn, relu, dropout 0.3, linear 10";

    @TempDir
    Path dir;

    public static ImageDataset data(int n, long seed) {
        var r = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 784], labels = new byte[n];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) r.nextInt(256);
        for (int i = 0; i < n; i++) labels[i] = (byte) r.nextInt(10);
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) classes.add("c" + c);
        return ImageDataset.of("synthetic", classes, 28, 28, pixels, labels);
    }

    public static Settings settings() {
        return Settings.builder(Preset.COMPLEX).arch(ARCH).epochs(3).batchSize(32).seed(7).threads(2).build();
    }

    @Test
    void rngIsSplittableRandomsStreamAndItsStateContinuesIt() {
        Rng a = new Rng(42);
        var ref = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) assertEquals((float) ref.nextDouble(), a.uniform(), "draw " + i);
        a.normal(); // leaves a spare value, which the state must carry
        Rng.State s = a.state();
        float[] first = {a.normal(), a.normal(), a.uniform()};
        Rng b = new Rng(0);
        b.setState(s);
        assertArrayEquals(first, new float[]{b.normal(), b.normal(), b.uniform()});
    }

    /** Stops a run after {@code n} steps, as a crash would. */
    public static Trainer.Listener stopAfter(int n) {
        return new Trainer.Listener() {
            int steps;

            @Override
            public void onStep(int epoch, int step, int stepsInEpoch, float loss) {
                if (++steps == n) throw new IllegalStateException("stopped");
            }
        };
    }

    @Test
    void aResumedRunEndsWithTheUninterruptedRunsWeightsAndLosses() throws IOException {
        ImageDataset train = data(200, 1), test = data(40, 2); // 7 steps an epoch, the last one of 8
        Run.Result whole = Run.run(settings(), train, test, Trainer.Listener.NONE);
        for (int stop : new int[]{3, 7, 10, 21}) {
            Path d = dir.resolve("stop" + stop);
            assertThrows(IllegalStateException.class,
                    () -> Run.run(settings(), train, test, stopAfter(stop), new Run.Checkpoints(d, 2, null)));
            Checkpoint.Loaded l = Checkpoint.load(d);
            assertEquals(List.of(), l.skipped());
            int last = stop - 1; // the step that stopped saved nothing; before it, every second step and every epoch's end
            while (last % 2 != 0 && last % 7 != 0) last--;
            assertEquals(last, l.checkpoint().position().steps(), "stop " + stop);
            assertTrue(Checkpoint.checkpoints(d).size() <= 2, "keeps the newest two: " + Checkpoint.checkpoints(d));
            Run.Result resumed = Run.run(settings(), train, test, Trainer.Listener.NONE, new Run.Checkpoints(d, 2, l.checkpoint()));
            for (var e : whole.model().stateDict().entrySet())
                assertArrayEquals(e.getValue().data(), resumed.model().stateDict().get(e.getKey()).data(), "stop " + stop + ": " + e.getKey());
            for (int e = 0; e < 3; e++)
                assertEquals(whole.epochs().get(e).meanLoss(), resumed.epochs().get(e).meanLoss(), "stop " + stop + ", epoch " + (e + 1));
        }
    }

    @Test
    void theNewestCheckpointThatReadsIsLoadedAndTheDamagedOneNamed() throws IOException {
        ImageDataset train = data(200, 1), test = data(40, 2);
        Run.run(settings(), train, test, Trainer.Listener.NONE, new Run.Checkpoints(dir, 5, null));
        List<Path> kept = Checkpoint.checkpoints(dir);
        assertEquals(2, kept.size(), kept.toString());
        assertEquals(21, Checkpoint.read(kept.get(0)).position().steps());
        assertEquals(4, Checkpoint.read(kept.get(0)).position().epoch());
        byte[] b = Files.readAllBytes(kept.get(0));
        Files.write(kept.get(0), java.util.Arrays.copyOf(b, b.length / 2));
        Checkpoint.Loaded l = Checkpoint.load(dir);
        assertEquals(kept.get(1), l.file());
        assertEquals(1, l.skipped().size());
        assertTrue(l.skipped().getFirst().startsWith(kept.get(0) + ": "), l.skipped().toString());

        b[b.length - 3] ^= 1; // one bit of the last tensor: a valid safetensors file, but not the checkpoint written
        Files.write(kept.get(0), b);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(kept.get(0)));
        assertEquals(kept.get(0) + ": checksum mismatch, the file is damaged", e.getMessage());
        Files.delete(kept.get(1));
        Files.write(kept.get(0), new byte[3]);
        e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(e.getMessage().startsWith(dir + ": no checkpoint can be resumed: " + kept.get(0) + ": "), e.getMessage());
        Files.delete(kept.get(0));
        e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertEquals(dir + ": holds no checkpoint (checkpoint-*.safetensors)", e.getMessage());
    }

    @Test
    void resumingRefusesOtherSettingsAndBadRunsAreRefusedUpFront() throws IOException {
        ImageDataset train = data(200, 1), test = data(40, 2);
        Run.run(settings(), train, test, Trainer.Listener.NONE, new Run.Checkpoints(dir, 0, null));
        Checkpoint c = Checkpoint.load(dir).checkpoint();
        assertEquals(settings(), RunCheckpoint.settings(c));
        var e = assertThrows(IllegalArgumentException.class, () -> Run.run(settings().toBuilder().lr(0.02f).build(), train, test,
                Trainer.Listener.NONE, new Run.Checkpoints(null, 0, c)));
        assertTrue(e.getMessage().startsWith("the checkpoint is of other settings"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Run.run(settings().toBuilder().batchSize(201).build(), train, test,
                Trainer.Listener.NONE));
        assertEquals("batch size 201 is larger than the training set (200 images)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Run.run(settings(), data(0, 1), test, Trainer.Listener.NONE));
        assertEquals("the training set synthetic has no images", e.getMessage());
        var other = new Checkpoint(Map.of(), Map.of("w", Tensor.of(1f)), Map.of(), Map.of(), Map.of(), Trainer.Position.START);
        assertThrows(IllegalArgumentException.class, () -> RunCheckpoint.settings(other));
    }

    /** {@code c} with its position (and so its file name) replaced. */
    static Checkpoint at(Checkpoint c, Trainer.Position p) {
        return new Checkpoint(c.run(), c.model(), c.optimizer(), c.scheduler(), c.generators(), p);
    }

    /**
     * A run stopped after step 10 (epoch 2, step 3 of 7: a good checkpoint), then a checkpoint one
     * step later made by {@code edit} from it under a valid checksum; resumed for a training set of {@code trainSize}.
     */
    private Checkpoint.Loaded resumeAfter(java.util.function.UnaryOperator<Checkpoint> edit, int trainSize) throws IOException {
        Path d = Files.createTempDirectory(dir, "run");
        assertThrows(IllegalStateException.class, () -> Run.run(settings(), data(200, 1), data(40, 2), stopAfter(11), new Run.Checkpoints(d, 10, null)));
        Checkpoint good = Checkpoint.read(Checkpoint.checkpoints(d).getFirst());
        assertEquals(10, good.position().steps());
        edit.apply(at(good, new Trainer.Position(2, 4, 4, 128, 1, history(1), 11))).save(d);
        return Checkpoint.load(d, c -> RunCheckpoint.resumable(c, trainSize));
    }

    @Test
    void aCheckpointWhoseContentIsImpossibleIsSkippedNamedAndThePreviousOneTaken() throws IOException {
        Map<String, java.util.function.UnaryOperator<Checkpoint>> edits = new java.util.LinkedHashMap<>();
        edits.put("is beyond the run's 3 epochs", c -> at(c, new Trainer.Position(6, 0, 0, 0, 0, history(5), 35)));
        edits.put("is not one a run of batch 32 and 7 steps an epoch stops at", c -> at(c, new Trainer.Position(3, 9, 9, 288, 1, history(2), 23)));
        edits.put("counts 25 steps in all, but epoch 3 step 4 at 7 steps an epoch make 18",
                c -> at(c, new Trainer.Position(3, 4, 4, 128, 1, history(2), 25)));
        edits.put("with 100 samples, is not one", c -> at(c, new Trainer.Position(3, 4, 4, 100, 1, history(2), 18)));
        edits.put("its run has 0 epochs", c -> withRun(c, "epochs", "0"));
        edits.put("its optimizer's learning rate [0.002], not the run's lr 0.001", c -> {
            var opt = new java.util.LinkedHashMap<>(c.optimizer());
            opt.put("lr", new float[]{0.002f});
            return new Checkpoint(c.run(), c.model(), opt, c.scheduler(), c.generators(), c.position());
        });
        edits.put("holds NaN at index 5", c -> {
            var model = new java.util.LinkedHashMap<>(c.model());
            float[] w = model.get("1.weight").data().clone();
            w[5] = Float.NaN;
            model.put("1.weight", Tensor.of(w, model.get("1.weight").shape()));
            return new Checkpoint(c.run(), model, c.optimizer(), c.scheduler(), c.generators(), c.position());
        });
        edits.put("is not the state of the run's network", c -> {
            var model = new java.util.LinkedHashMap<>(c.model());
            Tensor w = model.get("1.weight");
            model.put("1.weight", Tensor.of(w.data(), w.shape()[1], w.shape()[0])); // transposed
            return new Checkpoint(c.run(), model, c.optimizer(), c.scheduler(), c.generators(), c.position());
        });
        for (var e : edits.entrySet()) {
            Checkpoint.Loaded l = resumeAfter(e.getValue(), 200);
            assertEquals(10, l.checkpoint().position().steps(), e.getKey());
            assertEquals(1, l.skipped().size(), e.getKey());
            assertTrue(l.skipped().getFirst().startsWith(l.file().getParent() + "/checkpoint-0000000000"), l.skipped().toString());
            assertTrue(l.skipped().getFirst().contains(e.getKey()), l.skipped() + " should say: " + e.getKey());
        }
        // the data a checkpoint was trained on is checked when the run knows it
        IOException x = assertThrows(IOException.class, () -> resumeAfter(c -> c, 199));
        assertTrue(x.getMessage().contains("its finished epochs saw 200 samples each, but the training set has 199"), x.getMessage());
        // an edit that leaves the run consistent resumes: a shorter recorded time
        Checkpoint.Loaded l = resumeAfter(c -> at(c, new Trainer.Position(2, 4, 4, 128, 0.5, history(1), 11)), 200);
        assertEquals(List.of(), l.skipped());
        assertEquals(0.5, l.checkpoint().position().seconds());
    }

    private static List<Trainer.Epoch> history(int epochs) {
        List<Trainer.Epoch> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) h.add(new Trainer.Epoch(e, 1.0, 1.0, 200));
        return h;
    }

    private static Checkpoint withRun(Checkpoint c, String key, String value) {
        var run = new java.util.LinkedHashMap<>(c.run());
        run.put(key, value);
        return new Checkpoint(run, c.model(), c.optimizer(), c.scheduler(), c.generators(), c.position());
    }

    @Test
    void aTransposedShapeBreaksTheChecksum() throws IOException {
        Run.run(settings(), data(200, 1), data(40, 2), Trainer.Listener.NONE, new Run.Checkpoints(dir, 0, null));
        Path newest = Checkpoint.checkpoints(dir).getFirst();
        byte[] b = Files.readAllBytes(newest);
        String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        String from = "\"model/1.weight\":{\"dtype\":\"F32\",\"shape\":[24,784]", to = "\"model/1.weight\":{\"dtype\":\"F32\",\"shape\":[784,24]";
        assertTrue(text.contains(from), "the header as written");
        Files.write(newest, text.replace(from, to).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Checkpoint.Loaded l = Checkpoint.load(dir);
        assertEquals(newest + ": checksum mismatch, the file is damaged", l.skipped().getFirst());
        assertEquals(14, l.checkpoint().position().steps());
    }

    @Test
    void aDirectoryAFifoAndAStrayCopyAreSkippedByName() throws Exception {
        Run.run(settings(), data(200, 1), data(40, 2), Trainer.Listener.NONE, new Run.Checkpoints(dir, 0, null));
        Path newest = Checkpoint.checkpoints(dir).getFirst(), older = Checkpoint.checkpoints(dir).get(1);
        Path stray = dir.resolve("checkpoint-999999999999.safetensors"), sub = Files.createDirectory(dir.resolve("checkpoint-999999999998.safetensors"));
        Files.copy(older, stray);
        Path fifo = dir.resolve("checkpoint-999999999997.safetensors");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Checkpoint.Loaded l = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> Checkpoint.load(dir));
        assertEquals(newest, l.file());
        assertEquals(List.of(stray + ": holds the checkpoint of step 14, whose name is checkpoint-000000000014.safetensors: a renamed or copied file, not used",
                sub + ": is a directory, not a checkpoint file",
                fifo + ": is not a regular file (a FIFO, socket or device), not a checkpoint file; not opened"), l.skipped());
        // the next checkpoint written prunes the stray file, keeping the one before it
        Settings more = settings().toBuilder().epochs(4).build();
        at(l.checkpoint(), l.checkpoint().position()).save(dir); // unchanged
        Checkpoint c4 = new Checkpoint(RunCheckpoint.describe(more, Run.prepare(more, data(200, 1), data(40, 2))), l.checkpoint().model(), l.checkpoint().optimizer(), Map.of(), l.checkpoint().generators(),
                new Trainer.Position(4, 2, 2, 64, 1, l.checkpoint().position().history(), 23));
        c4.save(dir);
        assertFalse(Files.exists(stray), "the stray copy is pruned");
        assertEquals(List.of(dir.resolve("checkpoint-000000000023.safetensors"), sub, fifo, newest), Checkpoint.checkpoints(dir).stream()
                .sorted(java.util.Comparator.comparing((Path p) -> !p.getFileName().toString().endsWith("23.safetensors"))).toList());
    }

    @Test
    void aSecondRunOnTheDirectoryIsRefusedNamingTheHoldersPid() throws IOException {
        try (Checkpoint.Lock held = Checkpoint.lock(dir)) {
            String pid = "PID " + ProcessHandle.current().pid();
            IOException e = assertThrows(IOException.class, () -> Checkpoint.lock(dir));
            assertTrue(e.getMessage().startsWith(dir + ": another jgrad run is writing checkpoints here (" + pid), e.getMessage());
            e = assertThrows(IOException.class, () -> Checkpoint.checkFree(dir));
            assertTrue(e.getMessage().contains(pid), e.getMessage());
            var u = assertThrows(java.io.UncheckedIOException.class, () -> Run.run(settings(), data(200, 1), data(40, 2), Trainer.Listener.NONE,
                    new Run.Checkpoints(dir, 0, null)));
            assertTrue(u.getCause().getMessage().contains(pid), u.getMessage());
            assertEquals(List.of(), Checkpoint.checkpoints(dir), "nothing written");
        }
        Checkpoint.checkFree(dir);
        Checkpoint.lock(dir).close();
    }
}
