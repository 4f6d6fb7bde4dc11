package jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.app.Run;
import jgrad.fuzz.Fuzz.Expect;
import jgrad.fuzz.Fuzz.Input;
import jgrad.train.Checkpoint;
import jgrad.train.CheckpointTest;
import jgrad.train.Trainer;

/**
 * The mutation fuzz campaign of {@link Checkpoint#read} over {@link SafeTensorsMutations}' inputs
 * made from a real run's checkpoint: every input must be refused with an IOException naming the
 * file, or load a checkpoint that saves back to the same bytes it reads as.
 */
class CheckpointFuzzTest {
    @TempDir
    Path dir;

    @Test
    void read() throws IOException {
        Path runs = Files.createDirectories(dir.resolve("run"));
        Run.run(CheckpointTest.settings(), CheckpointTest.data(100, 1), CheckpointTest.data(20, 2), Trainer.Listener.NONE,
                new Run.Checkpoints(runs, 2, null));
        byte[] seed = Files.readAllBytes(Checkpoint.checkpoints(runs).getFirst());
        Fuzz.campaign("checkpoint", target(dir), Fuzz.INPUTS, r -> {
            Input in = SafeTensorsMutations.generate(r, seed);
            // a valid safetensors file is a valid checkpoint only if the checksum still holds
            return in.expect() == Expect.LOAD ? new Input(in.how(), Expect.EITHER, in.files()) : in;
        }, dir);
    }

    static Fuzz.Target<Checkpoint> target(Path dir) {
        return new Fuzz.Target<>() {
            public List<String> names() {
                return List.of("checkpoint-000000000001.safetensors");
            }

            public Class<? extends IOException> refusal() {
                return IOException.class;
            }

            public Checkpoint read(List<Path> files) throws IOException {
                return Checkpoint.read(files.getFirst());
            }

            public void check(Input in, Checkpoint c) throws IOException {
                Path again = Files.createDirectories(dir.resolve("again"));
                byte[] first = Files.readAllBytes(c.save(again));
                byte[] second = Files.readAllBytes(Checkpoint.read(Checkpoint.checkpoints(again).getFirst()).save(again));
                assertArrayEquals(first, second, "a loaded checkpoint saves back to the same bytes");
            }
        };
    }
}
