package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jgrad.train.Checkpoint;

/**
 * Real {@code jgrad train --checkpoint} processes killed at several points — halted during a
 * checkpoint's write (after its temporary file, before the rename), SIGKILLed at whatever point it
 * has reached when its checkpoint at step 200 appears, and resumed past a truncated newest checkpoint
 * — end with the weights of an uninterrupted run, byte for byte. An epoch of batch 256 (235 steps)
 * keeps the cost down.
 */
class CheckpointKillTest {
    @TempDir
    Path dir;

    private record Ran(int code, String out, String err) {}

    /** Runs the CLI in a fresh JVM; as soon as file {@code killAt} exists (unless null), SIGKILLs it. */
    private Ran jgrad(List<String> jvm, Path killAt, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "jgrad.cli.Main", "train", "--epochs", "1", "--batch-size", "256",
                "--threads", "2", "--no-download", "--no-progress"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (killAt != null) {
            while (p.isAlive() && !Files.exists(killAt)) Thread.sleep(5);
            p.destroyForcibly(); // SIGKILL on Unix, at whatever the run is doing then
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jgrad did not end");
        return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "complex"})
    void aKilledRunResumesToTheUninterruptedRunsWeights(String model) throws Exception {
        Path ck = dir.resolve("ck"), whole = dir.resolve("whole.safetensors"), resumed = dir.resolve("resumed.safetensors");
        Ran w = jgrad(List.of(), null, "--model", model, "--save", whole.toString());
        assertEquals(0, w.code(), w.err());

        Ran crashed = jgrad(List.of("-Djgrad.checkpoint.crash=3"), null, "--model", model, "--checkpoint", ck.toString(), "--checkpoint-every", "40");
        assertEquals(137, crashed.code(), "halted in the third checkpoint's write\n" + crashed.err());
        assertEquals(List.of("checkpoint-000000000080.safetensors", "checkpoint-000000000040.safetensors"),
                Checkpoint.checkpoints(ck).stream().map(f -> f.getFileName().toString()).toList());
        assertTrue(Files.exists(ck.resolve("checkpoint-000000000120.safetensors.tmp")), "the interrupted write's temporary file");

        Ran killed = jgrad(List.of(), ck.resolve("checkpoint-000000000200.safetensors"), "--model", model, "--resume", ck.toString(), "--checkpoint-every", "40");
        assertTrue(killed.out().startsWith("Resuming from " + ck.resolve("checkpoint-000000000080.safetensors") + ": epoch 1, step 80"), killed.out());
        assertNotEquals(0, killed.code(), "killed");

        Path newest = Checkpoint.checkpoints(ck).getFirst();
        Files.write(newest, java.util.Arrays.copyOf(Files.readAllBytes(newest), 1000));
        Ran done = jgrad(List.of(), null, "--model", model, "--resume", ck.toString(), "--checkpoint-every", "40", "--save", resumed.toString());
        assertEquals(0, done.code(), done.err());
        assertTrue(done.err().contains("jgrad: skipping a checkpoint: " + newest + ": "), done.err());
        assertTrue(done.err().contains("jgrad: resuming from the last good checkpoint, "), done.err());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed), "final weights of the resumed run");
        String lastEpoch = w.out().lines().filter(l -> l.startsWith("Epoch 1, Loss: ")).findFirst().orElseThrow().replaceAll("\\s+\\(.*", "");
        assertTrue(done.out().contains(lastEpoch), "the same epoch loss:\n" + lastEpoch + "\n" + done.out());

        Ran other = jgrad(List.of(), null, "--model", model, "--resume", ck.toString(), "--lr", "0.02");
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("--lr 0.02 differs from the checkpoint's " + (model.equals("simple") ? "0.01" : "0.001")), other.err());
    }
}
