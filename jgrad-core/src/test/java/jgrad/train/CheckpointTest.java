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
    static Trainer.Listener stopAfter(int n) {
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
        assertTrue(e.getMessage().startsWith(dir + ": no checkpoint reads: " + kept.get(0) + ": "), e.getMessage());
        Files.delete(kept.get(0));
        e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertEquals(dir + ": holds no checkpoint (checkpoint-*.safetensors)", e.getMessage());
    }

    @Test
    void resumingRefusesOtherSettingsAndBadRunsAreRefusedUpFront() throws IOException {
        ImageDataset train = data(200, 1), test = data(40, 2);
        Run.run(settings(), train, test, Trainer.Listener.NONE, new Run.Checkpoints(dir, 0, null));
        Checkpoint c = Checkpoint.load(dir).checkpoint();
        assertEquals(settings(), Run.settings(c));
        var e = assertThrows(IllegalArgumentException.class, () -> Run.run(settings().toBuilder().lr(0.02f).build(), train, test,
                Trainer.Listener.NONE, new Run.Checkpoints(null, 0, c)));
        assertTrue(e.getMessage().startsWith("the checkpoint is of other settings"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Run.run(settings().toBuilder().batchSize(201).build(), train, test,
                Trainer.Listener.NONE));
        assertEquals("batch size 201 is larger than the training set (200 images)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Run.run(settings(), data(0, 1), test, Trainer.Listener.NONE));
        assertEquals("the training set synthetic has no images", e.getMessage());
        var other = new Checkpoint(Map.of(), Map.of("w", Tensor.of(1f)), Map.of(), Map.of(), Map.of(), Trainer.Position.START);
        assertThrows(IllegalArgumentException.class, () -> Run.settings(other));
    }
}
