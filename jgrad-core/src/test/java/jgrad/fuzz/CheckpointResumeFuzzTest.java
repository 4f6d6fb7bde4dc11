package jgrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.app.Run;
import jgrad.app.RunCheckpoint;
import jgrad.app.Settings;
import jgrad.autograd.Tensor;
import jgrad.data.ImageDataset;
import jgrad.fuzz.Fuzz.Expect;
import jgrad.fuzz.Fuzz.Input;
import jgrad.tensor.Rng;
import jgrad.train.Checkpoint;
import jgrad.train.CheckpointTest;
import jgrad.train.Trainer;

/**
 * The fuzz campaign of {@code --resume}'s logic: a directory of a good checkpoint (step 10) and a
 * newer one (step 11) edited semantically and saved with a valid checksum, loaded with
 * {@link RunCheckpoint#resumable} as the check. Each edit is known to break the run (then the newer one must
 * be skipped, naming its file, and the good one taken: counted as a refusal) or to keep it
 * consistent (then the newer one must be taken, and the run must resume from it to its end).
 */
class CheckpointResumeFuzzTest {
    @TempDir
    Path dir;

    static final ImageDataset TRAIN = CheckpointTest.data(200, 1), TEST = CheckpointTest.data(40, 2);
    static final String GOOD = "checkpoint-000000000010.safetensors", EDITED = "checkpoint-000000000011.safetensors";

    /** One semantic edit: what it does, whether the run stays consistent, and the edit. */
    record Edit(String how, boolean breaks, Checkpoint checkpoint) {}

    @Test
    void resume() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        try {
            Run.run(CheckpointTest.settings(), TRAIN, TEST, CheckpointTest.stopAfter(12), new Run.Checkpoints(run, 1, null));
        } catch (IllegalStateException stopped) {
            // as a crash after step 11
        }
        byte[] good = Files.readAllBytes(run.resolve(GOOD));
        Checkpoint base = Checkpoint.read(run.resolve(EDITED));
        // saving forces each file to disk: where memory backs a file system (tmpfs), that costs nothing
        Path shm = Path.of("/dev/shm");
        Path scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "jgrad-fuzz") : Files.createDirectories(dir.resolve("scratch"));
        try {
            campaign(base, good, scratch);
        } finally {
            try (var files = Files.walk(scratch)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
            }
        }
    }

    private void campaign(Checkpoint base, byte[] good, Path scratch) throws IOException {
        Fuzz.campaign("checkpoint-resume", target(dir), Fuzz.INPUTS, r -> {
            List<Edit> edits = new ArrayList<>();
            Checkpoint c = base;
            int n = 1 + r.nextInt(3);
            // edits of different parts, so that none undoes another (the position's fields are one part)
            var parts = new java.util.HashSet<Integer>();
            while (parts.size() < n) {
                int kind = r.nextInt(14);
                if (!parts.add(kind <= 6 ? 0 : kind)) continue;
                Edit e = edit(r, c, kind);
                edits.add(e);
                c = e.checkpoint();
            }
            // a position of other steps in all also breaks: the file is named for step 11
            boolean breaks = edits.stream().anyMatch(Edit::breaks) || c.position().steps() != 11;
            try {
                Path f = c.save(scratch);
                byte[] bytes = Files.readAllBytes(f);
                Files.delete(f);
                return new Input(String.join("; ", edits.stream().map(Edit::how).toList()), breaks ? Expect.REFUSE : Expect.LOAD, good, bytes);
            } catch (IOException | IllegalArgumentException e) {
                throw new AssertionError("the edited checkpoint saves", e);
            }
        }, dir);
    }

    private static Checkpoint with(Checkpoint c, Map<String, String> run, Map<String, Tensor> model, Map<String, float[]> opt,
                                   Map<String, Float> scheduler, Map<String, Rng.State> generators, Trainer.Position p) {
        return new Checkpoint(run != null ? run : c.run(), model != null ? model : c.model(), opt != null ? opt : c.optimizer(),
                scheduler != null ? scheduler : c.scheduler(), generators != null ? generators : c.generators(), p != null ? p : c.position());
    }

    private static Trainer.Position pos(Trainer.Position p, int epoch, int step, double lossSum, long samples, double seconds,
                                        List<Trainer.Epoch> history, long steps) {
        return new Trainer.Position(epoch, step, lossSum, samples, seconds, history, steps);
    }

    /** A random semantic edit of kind {@code kind} of {@code c} (whose position is epoch 2, step 4 of 7, batch 32, 11 steps in all). */
    static Edit edit(SplittableRandom r, Checkpoint c, int kind) {
        Trainer.Position p = c.position();
        Map<String, String> run = new LinkedHashMap<>(c.run());
        switch (kind) {
            case 0 -> { // the recorded time: anything ≥ 0 is a time
                double s = r.nextDouble() * 100;
                return new Edit("seconds " + s, false, with(c, null, null, null, null, null,
                        pos(p, p.epoch(), p.step(), p.lossSum(), p.samples(), s, p.history(), p.steps())));
            }
            case 1 -> { // the running loss sum of this epoch: any finite value ≥ 0 for a step > 0
                double l = p.step() > 0 ? r.nextDouble() * 50 : 0;
                return new Edit("lossSum " + l, false, with(c, null, null, null, null, null,
                        pos(p, p.epoch(), p.step(), l, p.samples(), p.seconds(), p.history(), p.steps())));
            }
            case 2 -> { // a negative cross-entropy
                double l = -1 - r.nextDouble() * 10;
                return new Edit("lossSum " + l, true, with(c, null, null, null, null, null,
                        pos(p, p.epoch(), p.step(), l, p.samples(), p.seconds(), p.history(), p.steps())));
            }
            case 3 -> { // samples other than step · batch
                long s = p.samples() + 1 + r.nextInt(100) * (r.nextBoolean() ? 1 : -1);
                if (s == p.samples() || s < p.step()) s = p.samples() + 1;
                return new Edit("samples " + s, true, with(c, null, null, null, null, null,
                        pos(p, p.epoch(), p.step(), p.lossSum(), s, p.seconds(), p.history(), p.steps())));
            }
            case 4 -> { // steps in all that disagree with epoch and step
                long s = p.steps() + 1 + r.nextInt(1000);
                return new Edit("steps " + s, true, with(c, null, null, null, null, null,
                        pos(p, p.epoch(), p.step(), p.lossSum(), p.samples(), p.seconds(), p.history(), s)));
            }
            case 5 -> { // a position beyond the epoch or the run, counts kept consistent with each other
                int epoch = 1 + r.nextInt(8), step = r.nextInt(3) == 0 ? 0 : 7 + r.nextInt(50);
                List<Trainer.Epoch> h = new ArrayList<>();
                for (int e = 1; e < epoch; e++) h.add(new Trainer.Epoch(e, 1.5, 1, 200));
                boolean fine = step < 7 && (epoch <= 3 || epoch == 4 && step == 0);
                return new Edit("position epoch " + epoch + " step " + step, !fine, with(c, null, null, null, null, null,
                        pos(p, epoch, step, step, 32L * step, 1, h, (epoch - 1) * 7L + step)));
            }
            case 6 -> { // a finished epoch of other samples
                var h = new ArrayList<>(p.history());
                h.set(0, new Trainer.Epoch(1, h.getFirst().meanLoss(), h.getFirst().seconds(), 1 + r.nextInt(199)));
                return new Edit("history samples " + h.getFirst().samples(), true, with(c, null, null, null, null, null,
                        pos(p, p.epoch(), p.step(), p.lossSum(), p.samples(), p.seconds(), h, p.steps())));
            }
            case 7 -> { // settings: epochs
                int epochs = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(6);
                run.put("epochs", Integer.toString(epochs));
                return new Edit("epochs " + epochs, epochs < 2, with(c, run, null, null, null, null, null));
            }
            case 8 -> { // the optimizer's learning rate
                var opt = new LinkedHashMap<>(c.optimizer());
                float lr = r.nextBoolean() ? 0.001f : (float) r.nextDouble();
                opt.put("lr", new float[]{lr});
                return new Edit("optimizer lr " + lr, lr != 0.001f, with(c, null, null, opt, null, null, null));
            }
            case 9 -> { // a weight: a finite value resumes, a non-finite one does not
                var model = new LinkedHashMap<>(c.model());
                // not batch norm's counter, which the file holds as an integer
                var keys = new ArrayList<>(model.keySet().stream().filter(k -> !k.endsWith("num_batches_tracked")).toList());
                String k = keys.get(r.nextInt(keys.size()));
                float[] w = model.get(k).data().clone();
                float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, -3f};
                int i = r.nextInt(w.length);
                w[i] = values[r.nextInt(values.length)];
                model.put(k, Tensor.of(w, model.get(k).shape()));
                return new Edit(k + "[" + i + "] = " + w[i], !Float.isFinite(w[i]), with(c, null, model, null, null, null, null));
            }
            case 10 -> { // a shape other than the network's, same values
                var model = new LinkedHashMap<>(c.model());
                var keys = new ArrayList<>(model.keySet());
                String k = keys.get(r.nextInt(keys.size()));
                Tensor t = model.get(k);
                int[] shape = t.shape().length == 2 ? new int[]{t.shape()[1], t.shape()[0]} : new int[]{1, t.numel()};
                if (t.shape().length == 2 && t.shape()[0] == t.shape()[1]) shape = new int[]{t.numel()};
                model.put(k, Tensor.of(t.data(), shape));
                return new Edit(k + " reshaped to " + java.util.Arrays.toString(shape), true, with(c, null, model, null, null, null, null));
            }
            case 11 -> { // a tensor dropped or added
                var model = new LinkedHashMap<>(c.model());
                if (r.nextBoolean()) {
                    String k = new ArrayList<>(model.keySet()).get(r.nextInt(model.size()));
                    model.remove(k);
                    return new Edit("without " + k, true, with(c, null, model, null, null, null, null));
                }
                model.put("extra.weight", Tensor.of(1f, 2f));
                return new Edit("with extra.weight", true, with(c, null, model, null, null, null, null));
            }
            case 12 -> { // settings that name another run
                String[][] others = {{"batchSize", "33"}, {"arch", "flatten, linear 10"}, {"optimizer", "sgd"}, {"threads", "x"},
                        {"preset", "NONE"}, {"spec", "relu"}, {"lr", "1e-3x"}};
                String[] o = others[r.nextInt(others.length)];
                run.put(o[0], o[1]);
                return new Edit("run." + o[0] + " = " + o[1], true, with(c, run, null, null, null, null, null));
            }
            default -> { // generators: another state resumes (to other numbers); a missing one or a scheduler does not
                var g = new LinkedHashMap<>(c.generators());
                return switch (r.nextInt(3)) {
                    case 0 -> {
                        g.put("global", new Rng.State(r.nextLong(), Double.NaN));
                        yield new Edit("global generator state", false, with(c, null, null, null, null, g, null));
                    }
                    case 1 -> {
                        g.remove(new ArrayList<>(g.keySet()).get(r.nextInt(g.size())));
                        yield new Edit("a generator dropped", true, with(c, null, null, null, null, g, null));
                    }
                    default -> new Edit("a scheduler's state", true, with(c, null, null, null, Map.of("last_epoch", 1f), null, null));
                };
            }
        }
    }

    static Fuzz.Target<Checkpoint.Loaded> target(Path dir) {
        return new Fuzz.Target<>() {
            public List<String> names() {
                return List.of(GOOD, EDITED);
            }

            public Class<? extends IOException> refusal() {
                return IOException.class;
            }

            /** The loaded checkpoint; falling back to the good one is this target's refusal, reported with the edited file's problem. */
            public Checkpoint.Loaded read(List<Path> files) throws IOException {
                Checkpoint.Loaded l = Checkpoint.load(files.getFirst().getParent(), c -> RunCheckpoint.resumable(c, TRAIN.size()));
                if (l.file().equals(files.get(1))) return l;
                if (!l.file().equals(files.getFirst()) || l.skipped().size() != 1)
                    throw new AssertionError("loaded " + l.file() + " after skipping " + l.skipped());
                throw new IOException(l.skipped().getFirst());
            }

            /** The edited checkpoint was taken: the run resumes from it to its end. */
            public void check(Input in, Checkpoint.Loaded l) {
                Settings s = RunCheckpoint.resumable(l.checkpoint(), TRAIN.size());
                Run.Result r = Run.run(s, TRAIN, TEST, Trainer.Listener.NONE, new Run.Checkpoints(null, 0, l.checkpoint()));
                assertEquals(s.epochs(), r.epochs().size());
            }
        };
    }
}
