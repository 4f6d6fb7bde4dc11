package jgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The catalogue of bad command lines and environments: each ends with its exit code (2 for a bad
 * command line, 1 for a failure at run time) and a message saying what is wrong, never a stack
 * trace and never exit 0. {@code TMP} in an argument is a fresh directory holding a file {@code f}.
 */
class BadInputTest {
    @TempDir
    static Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--lr Infinity                    | 2 | --lr must be a finite positive number, got Infinity",
            "--lr -1                          | 2 | --lr must be a finite positive number, got -1.0",
            "--lr abc                         | 2 | Invalid value for option '--lr': 'abc' is not a number",
            "--weight-decay NaN               | 2 | --weight-decay must be a finite number ≥ 0, got NaN",
            "--momentum -Infinity             | 2 | --momentum must be a finite number ≥ 0, got -Infinity",
            "--batch-size 2147483647          | 2 | --batch-size 2147483647 is larger than the training set (60000 images)",
            "--batch-size 0                   | 2 | --batch-size must be at least 1, got 0",
            "--threads 0                      | 2 | --threads must be at least 1, got 0",
            "--checkpoint-every 0 --checkpoint TMP/c | 2 | --checkpoint-every must be at least 1, got 0",
            "--checkpoint-every 5             | 2 | --checkpoint-every needs --checkpoint DIR or --resume DIR",
            "--resume TMP/none                | 1 | TMP/none: no such directory",
            "--resume TMP                     | 1 | TMP: holds no checkpoint (checkpoint-*.safetensors)",
            "--resume TMP --report TMP/r      | 2 | --report cannot be combined with --resume",
            "--save TMP/f/net.safetensors     | 1 | cannot write TMP/f/net.safetensors: TMP/f is a file",
            "--save TMP                       | 1 | cannot write TMP: it is a directory",
            "--save /proc/net.safetensors     | 1 | cannot write /proc/net.safetensors: cannot create files in /proc",
            "--checkpoint TMP/f               | 1 | cannot write TMP/f: TMP/f is a file",
            "--data-dir TMP/f                 | 1 | TMP/f",
            "--lr 1e30                        | 1 | loss",
    })
    void isRefusedClearly(String args, int code, String message) throws Exception {
        Files.writeString(tmp.resolve("f"), "not a directory");
        StringWriter o = new StringWriter(), e = new StringWriter();
        String[] a = ("train --no-download --no-progress --epochs 1 " + args.replace("TMP", tmp.toString())).split(" ");
        int exit = Main.execute(a, new PrintWriter(o, true), new PrintWriter(e, true));
        assertEquals(code, exit, e.toString());
        assertTrue(e.toString().contains(message.replace("TMP", tmp.toString())), e.toString());
        assertFalse(e.toString().contains("\tat "), "no stack trace:\n" + e);
    }

    // ---- files: every path jgrad reads or writes, as a FIFO, a directory, a missing, an unreadable file, on a full disk ----

    @TempDir
    Path dir;

    private static final String SMALL = "flatten, linear 10";

    /** Fashion-MNIST-shaped IDX files of {@code n} training and {@code n} test images in {@code d} (uncompressed names). */
    static Path smallData(Path d, int n) throws IOException {
        Files.createDirectories(d);
        var r = new java.util.SplittableRandom(n);
        for (String split : new String[]{"train", "t10k"}) {
            var images = java.nio.ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
            var labels = java.nio.ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n * 784; i++) images.put((byte) r.nextInt(256));
            for (int i = 0; i < n; i++) labels.put((byte) (i % 10));
            Files.write(d.resolve(split + "-images-idx3-ubyte"), images.array());
            Files.write(d.resolve(split + "-labels-idx1-ubyte"), labels.array());
        }
        return d;
    }

    /** {@code jgrad train} on 64 small images, 4 steps an epoch, SGD: quick, with small checkpoints. */
    private Out train(String... args) throws IOException {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--data-dir", smallData(dir.resolve("data"), 64).toString(), "--no-download",
                "--no-progress", "--arch", SMALL, "--batch-size", "16", "--threads", "1"));
        a.addAll(List.of(args));
        return Out.run(a.toArray(String[]::new));
    }

    /** Exit 1 with {@code message} and no stack trace, and before any training. */
    private static void assertRefused(Out r, String message) {
        assertFailed(r, message);
        assertFalse(r.out().contains("Epoch 1"), "refused before training:\n" + r.out());
    }

    private static void assertFailed(Out r, String message) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err() + "\n  should contain: " + message);
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
    }

    static Path fifo(Path f) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", f.toString()).start().waitFor());
        return f;
    }

    /** A model file of {@code spec} written as jgrad train --save writes it, its metadata then edited by {@code edit}. */
    static Path model(Path f, String spec, java.util.function.Consumer<java.util.Map<String, String>> edit) throws IOException {
        var meta = new java.util.LinkedHashMap<>(jgrad.app.Predictor.metadata(spec, jgrad.data.FashionMNIST.SHAPE,
                jgrad.data.FashionMNIST.SPEC.classNames(), Main.VERSION));
        edit.accept(meta);
        jgrad.nn.SafeTensors.save(jgrad.models.Spec.parse(spec, jgrad.data.FashionMNIST.SHAPE).build(new jgrad.tensor.Rng(1)).stateDict(), meta, f);
        return f;
    }

    private Path picture() throws IOException {
        Path f = dir.resolve("shirt.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", f.toFile());
        return f;
    }

    @Test
    void aModelOrPictureThatIsADirectoryAFifoOrMissingIsNamedAndNothingHangs() throws Exception {
        Path m = model(dir.resolve("m.safetensors"), SMALL, meta -> {}), png = picture();
        Path fifo = fifo(dir.resolve("fifo")), missing = dir.resolve("missing");
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            assertRefused(Out.run("predict", dir.toString(), png.toString()), dir + ": is a directory, not a safetensors file");
            assertRefused(Out.run("predict", fifo.toString(), png.toString()), fifo + ": is not a regular file (a FIFO, socket or device)");
            assertRefused(Out.run("predict", missing.toString(), png.toString()), missing + ": no such file or directory");
            assertRefused(Out.run("export", fifo.toString(), "--onnx", dir.resolve("x.onnx").toString()), fifo + ": is not a regular file");
            assertRefused(Out.run("predict", m.toString(), dir.toString()), dir + ": is a directory, not an image file");
            assertRefused(Out.run("predict", m.toString(), fifo.toString()), fifo + ": is not a regular file (a FIFO, socket or device), not an image file");
            assertRefused(Out.run("predict", m.toString(), missing.toString()), missing + ": no such file");
            assertRefused(Out.run("export", m.toString(), "--onnx", fifo.toString()), "cannot write " + fifo + ": it is not a regular file");
            assertRefused(Out.run("export", m.toString(), "--onnx", dir.toString()), "cannot write " + dir + ": it is a directory");
        });
        assertTrue(Files.isDirectory(dir) && Files.exists(fifo), "nothing replaced");
    }

    @Test
    void hostileModelFilesAreRefusedNamingTheFile() throws Exception {
        Path png = picture();
        for (String shape : new String[]{"1,65536,65536", "1,46341,46341", "1,20000,20000"}) {
            Path f = model(dir.resolve(shape + ".safetensors"), SMALL, meta -> meta.put("jgrad.input_shape", shape));
            assertRefused(Out.run("predict", f.toString(), png.toString()), f + ": metadata \"jgrad.input_shape\" is \"" + shape + "\", inputs of ");
        }
        Path nan = dir.resolve("nan.safetensors");
        var state = jgrad.models.Spec.parse(SMALL, jgrad.data.FashionMNIST.SHAPE).build(new jgrad.tensor.Rng(1)).stateDict();
        state.get("1.bias").data()[3] = Float.NaN;
        jgrad.nn.SafeTensors.save(state, jgrad.app.Predictor.metadata(SMALL, jgrad.data.FashionMNIST.SHAPE, jgrad.data.FashionMNIST.SPEC.classNames(),
                Main.VERSION), nan);
        assertRefused(Out.run("predict", nan.toString(), png.toString()), nan + ": tensor 1.bias holds NaN at index 3");
        assertRefused(Out.run("export", nan.toString(), "--onnx", dir.resolve("nan.onnx").toString()), nan + ": tensor 1.bias holds NaN");
        assertFalse(Files.exists(dir.resolve("nan.onnx")));
        // class names that would drive the terminal are printed escaped
        Path esc = model(dir.resolve("esc.safetensors"), SMALL, meta -> meta.put("jgrad.classes",
                "[\"a\\u001b[2Jb\",\"bell\\u0007\",\"cr\\r\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\\u202e\"]"));
        Out r = Out.run("predict", esc.toString(), png.toString(), "--top", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("a\\u001B[2Jb") && r.out().contains("bell\\u0007") && r.out().contains("cr\\u000D")
                && r.out().contains("j\\u202E"), r.out());
        assertTrue(r.out().chars().noneMatch(c -> c == 0x1b || c == 7 || c == '\r' || c == 0x202e), "no control character printed raw");
    }

    @Test
    void dataFilesThatAreAFifoOrADirectoryAreNotTakenForTheData() throws Exception {
        Path data = smallData(dir.resolve("fifo-data"), 64);
        Files.delete(data.resolve("train-images-idx3-ubyte"));
        fifo(data.resolve("train-images-idx3-ubyte"));
        Path other = smallData(dir.resolve("dir-data"), 64);
        Files.delete(other.resolve("train-labels-idx1-ubyte"));
        Files.createDirectory(other.resolve("train-labels-idx1-ubyte"));
        for (Path d : List.of(data, other)) {
            Out r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> Out.run("train", "--data-dir", d.toString(), "--no-download",
                    "--no-progress", "--arch", SMALL, "--epochs", "1"));
            assertRefused(r, d.toString());
            assertTrue(r.err().contains("not found") || r.err().contains("Not found") || r.err().contains("no "), r.err());
        }
    }

    @Test
    void reportAndSaveTargetsAreCheckedBeforeTraining() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "mine"), foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        Path fifo = fifo(dir.resolve("fifo"));
        assertRefused(train("--report", file.toString()), file + " exists and is not a directory: not replacing it with a report");
        assertRefused(train("--report", foreign.toString()), foreign + " is not empty and is not a jgrad report");
        assertRefused(train("--report", fifo.toString()), fifo + " exists and is not a directory");
        assertRefused(train("--save", fifo.toString()), "cannot write " + fifo + ": it is not a regular file (a FIFO, socket or device)");
        assertRefused(train("--checkpoint", fifo.toString()), "cannot write " + fifo);
        assertEquals("mine", Files.readString(file));
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
        assertTrue(Files.exists(fifo));
        assertRefused(Out.run("export", model(dir.resolve("m.safetensors"), SMALL, m -> {}).toString(), "--onnx", "/proc/m.onnx"),
                "cannot write /proc/m.onnx: cannot create files in /proc");
        assertFalse(Out.run("export", dir.resolve("m.safetensors").toString(), "--onnx", "/proc/m.onnx").err().contains(".part"),
                "names the target, not its temporary file");
    }

    @Test
    void checkpointsThatAreNotWhatTheirNameSaysAreSkippedByNameAndTheRunResumes() throws Exception {
        Path ck = dir.resolve("ck");
        Out first = train("--epochs", "2", "--checkpoint", ck.toString(), "--checkpoint-every", "3");
        assertEquals(0, first.code(), first.err());
        List<Path> kept = jgrad.train.Checkpoint.checkpoints(ck); // steps 8 (end of epoch 2) and 6
        Path stray = ck.resolve("checkpoint-999999999999.safetensors"), sub = Files.createDirectory(ck.resolve("checkpoint-999999999998.safetensors"));
        Files.copy(kept.get(1), stray);
        Path fifo = fifo(ck.resolve("checkpoint-999999999997.safetensors"));
        // the newest, edited under a valid checksum: a learning rate other than the run's
        var c = jgrad.train.Checkpoint.read(kept.get(0));
        var opt = new java.util.LinkedHashMap<>(c.optimizer());
        opt.put("lr", new float[]{0.5f});
        Files.delete(kept.get(0));
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.move(new jgrad.train.Checkpoint(c.run(), c.model(), opt, c.scheduler(), c.generators(), c.position()).save(other), kept.get(0));
        Out r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> train("--resume", ck.toString(), "--epochs", "2"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("jgrad: skipping a checkpoint: " + stray + ": holds the checkpoint of step 6"), r.err());
        assertTrue(r.err().contains("jgrad: skipping a checkpoint: " + sub + ": is a directory"), r.err());
        assertTrue(r.err().contains("jgrad: skipping a checkpoint: " + fifo + ": is not a regular file"), r.err());
        assertTrue(r.err().contains("jgrad: skipping a checkpoint: " + kept.get(0) + ": its optimizer's learning rate [0.5], not the run's lr 0.01"), r.err());
        assertTrue(r.err().contains("jgrad: resuming from the last good checkpoint, " + kept.get(1)), r.err());
        assertTrue(r.out().contains("Resuming from " + kept.get(1) + ": epoch 2, step 2"), r.out());
        assertFalse(Files.exists(stray), "pruned");
        // nothing to resume: every problem named, exit 1
        for (Path f : jgrad.train.Checkpoint.checkpoints(ck)) if (Files.isRegularFile(f)) Files.write(f, new byte[9]);
        assertRefused(train("--resume", ck.toString(), "--epochs", "2"), ck + ": no checkpoint can be resumed: ");
    }

    @Test
    void aSecondRunOnACheckpointDirectoryIsRefusedNamingTheHoldersPid() throws Exception {
        Path ck = Files.createDirectories(dir.resolve("ck"));
        try (var held = jgrad.train.Checkpoint.lock(ck)) {
            // another process: the lock is the operating system's
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), "jgrad.cli.Main", "train", "--data-dir", smallData(dir.resolve("data"), 64).toString(),
                    "--no-download", "--no-progress", "--arch", SMALL, "--epochs", "1", "--checkpoint", ck.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.contains(ck + ": another jgrad run is writing checkpoints here (PID " + ProcessHandle.current().pid() + ", holding "), out);
            assertRefused(train("--epochs", "1", "--checkpoint", ck.toString()), "(PID " + ProcessHandle.current().pid());
        }
        assertEquals(List.of(), jgrad.train.Checkpoint.checkpoints(ck), "the refused runs wrote nothing");
    }

    /** Runs the CLI in a fresh JVM that permission bits stop: as root, without the capabilities that override them. */
    private static Out unprivileged(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        if ("root".equals(System.getProperty("user.name")))
            cmd.addAll(List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "jgrad.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes()), err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        return new Out(p.exitValue(), out, err);
    }

    @Test
    void unreadableFilesAndUnwritableDirectoriesAreNamed() throws Exception {
        var none = java.util.Set.<java.nio.file.attribute.PosixFilePermission>of();
        var readOnly = java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x");
        Path m = model(dir.resolve("m.safetensors"), SMALL, meta -> {}), png = picture();
        Path lockedModel = Files.copy(m, dir.resolve("locked.safetensors")), lockedPng = Files.copy(png, dir.resolve("locked.png"));
        Files.setPosixFilePermissions(lockedModel, none);
        Files.setPosixFilePermissions(lockedPng, none);
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, readOnly);
        try {
            assertRefused(unprivileged("predict", lockedModel.toString(), png.toString()), lockedModel + ": permission denied");
            assertRefused(unprivileged("predict", m.toString(), lockedPng.toString()), lockedPng + ": cannot be read: permission denied");
            assertRefused(unprivileged("export", m.toString(), "--onnx", ro.resolve("m.onnx").toString()),
                    "cannot write " + ro.resolve("m.onnx") + ": cannot create files in " + ro + ": permission denied");
            String data = smallData(dir.resolve("data"), 64).toString();
            Path lockedData = smallData(dir.resolve("locked-data"), 64);
            Files.setPosixFilePermissions(lockedData.resolve("train-images-idx3-ubyte"), none);
            assertRefused(unprivileged("train", "--data-dir", lockedData.toString(), "--no-download", "--no-progress", "--arch", SMALL, "--epochs", "1"),
                    lockedData.resolve("train-images-idx3-ubyte") + ": permission denied");
            for (String[] out : new String[][]{{"--save", ro.resolve("m.safetensors").toString()}, {"--checkpoint", ro.resolve("ck").toString()},
                    {"--report", ro.resolve("report").toString()}}) {
                Out r = unprivileged("train", "--data-dir", data, "--no-download", "--no-progress", "--arch", SMALL, "--epochs", "1", out[0], out[1]);
                assertRefused(r, ro.toString());
                assertTrue(r.err().contains("permission denied") || r.err().contains("Permission denied"), r.err());
            }
        } finally {
            Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A tmpfs of {@code kb} KB mounted on {@code at}, filled by the test; skipped where the test cannot mount (not root, no CAP_SYS_ADMIN). */
    private static AutoCloseable tmpfs(Path at, int kb) throws Exception {
        Files.createDirectories(at);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kb + "k", "tmpfs", at.toString()).redirectErrorStream(true).start();
        String why = new String(p.getInputStream().readAllBytes()).strip();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here to fill a disk (" + why + "); the full-disk cases are skipped");
        return () -> new ProcessBuilder("umount", at.toString()).start().waitFor();
    }

    /** Fills the file system of {@code dir} to its last byte. */
    private static void fill(Path dir) throws IOException {
        try (var out = Files.newOutputStream(dir.resolve("filler"))) {
            byte[] b = new byte[4096];
            while (true) out.write(b);
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) throw full;
        }
    }

    @Test
    void onAFullDiskEveryWriteNamesItsTargetAndWhatWasOnDiskStaysWhole() throws Exception {
        Path disk = dir.resolve("disk");
        try (AutoCloseable mounted = tmpfs(disk, 256)) {
            // a checkpoint: two fit, the third does not
            Path ck = disk.resolve("ck");
            Out r = train("--epochs", "3", "--checkpoint", ck.toString());
            byte[] model = Files.readAllBytes(model(disk.resolve("m.safetensors"), SMALL, m -> {}));
            Files.write(disk.resolve("old.onnx"), new byte[]{1, 2, 3});
            jgrad.train.Checkpoint.lock(disk.resolve("ck2")).close(); // its lock file, as a run that was stopped before its first checkpoint leaves it
            fill(disk);
            r = train("--epochs", "3", "--checkpoint", disk.resolve("ck2").toString());
            assertFailed(r, "cannot write checkpoint " + disk.resolve("ck2") + "/checkpoint-000000000004.safetensors: No space left on device");
            r = train("--epochs", "1", "--save", disk.resolve("m.safetensors").toString());
            assertFailed(r, "cannot write the model " + disk.resolve("m.safetensors") + ": No space left on device");
            r = train("--epochs", "1", "--report", disk.resolve("report").toString());
            assertFailed(r, "cannot write the report " + disk.resolve("report") + ": ");
            r = Out.run("export", disk.resolve("m.safetensors").toString(), "--onnx", disk.resolve("old.onnx").toString());
            assertRefused(r, "cannot write the ONNX export " + disk.resolve("old.onnx") + ": No space left on device");
            // nothing already on disk is lost, and no temporary file is left behind
            assertArrayEquals(model, Files.readAllBytes(disk.resolve("m.safetensors")));
            assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(disk.resolve("old.onnx")));
            assertEquals(2, jgrad.train.Checkpoint.checkpoints(ck).size());
            for (Path f : jgrad.train.Checkpoint.checkpoints(ck)) jgrad.train.Checkpoint.read(f);
            try (var files = Files.walk(disk)) {
                assertEquals(List.of(), files.filter(f -> f.toString().contains(".part") || f.toString().endsWith(".tmp")
                        || f.getFileName().toString().startsWith(".report")).toList());
            }
        }
    }
}
