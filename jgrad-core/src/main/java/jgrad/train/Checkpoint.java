package jgrad.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import jgrad.autograd.Tensor;
import jgrad.nn.Dropout;
import jgrad.nn.Module;
import jgrad.io.AtomicFile;
import jgrad.nn.SafeTensors;
import jgrad.optim.LRScheduler;
import jgrad.optim.Optimizer;
import jgrad.tensor.Rng;

/**
 * Everything a training run needs to continue exactly where it stopped: what the run is
 * ({@code run}: its settings and network spec by name, for the caller to rebuild and compare), the
 * model's state dict, the optimizer's state, the scheduler's (empty when there is none), the state
 * of the global generator and of every module's own ({@code "global"}, {@code "module.<index in
 * modules()>"}), and the trainer's {@link Trainer.Position} with the finished epochs' losses.
 * Restored into a model and optimizer built the same way and trained with the same settings and
 * thread count, the run ends with bit-identical weights, as PyTorch's recipe of saving
 * {@code model}, {@code optimizer}, {@code scheduler} and RNG states promises.
 *
 * <p><b>Files:</b> one safetensors file per checkpoint, {@code DIR/checkpoint-<steps>.safetensors}
 * (steps done in all, 12 digits), tensors named {@code model/<key>} and {@code optimizer/<key>},
 * everything else as metadata strings, with a CRC-32 ({@code crc32}) over the other metadata
 * entries ({@code key=value\n} in key order) and the tensors (name, space, shape as
 * {@code [a, b]}, {@code \n}, float bits little-endian, in name order). The checksum so covers the
 * whole header: names and shapes directly, dtypes and data offsets through the values they give.
 * A checkpoint is written as {@code <name>.tmp}, forced to disk, renamed to its name and the
 * directory forced, so a name only ever holds a complete checkpoint; only then are other
 * checkpoints deleted, keeping the new one and the newest one before it.
 *
 * <p><b>Reading</b> refuses, naming the file: a damaged file, a checksum that does not hold, a
 * position whose counts disagree with one another, and weights or optimizer state that are not
 * finite. {@link #load} goes through the directory's checkpoints newest first, skips (and says why)
 * each that is not a regular file, does not read, holds another step than its name says (a renamed
 * or copied file: names and contents agree for every checkpoint it takes, so the newest by name is
 * the newest by the step recorded inside), or fails the caller's check against its run; it takes
 * the first that passes.
 *
 * <p><b>One run a directory:</b> {@link #lock} takes an exclusive lock on {@code DIR/}{@value #LOCK}
 * (holding the holder's PID) for a run's duration; a second run on the directory, in this JVM or
 * another process, is refused naming that PID.
 *
 * <pre>{@code
 * Path dir = Path.of("runs/a");
 * Checkpoint.capture(Map.of("spec", spec), net, opt, null, trainer.position()).save(dir);
 * Checkpoint.Loaded l = Checkpoint.load(dir);         // l.skipped(): damaged newer ones
 * l.checkpoint().restore(net, opt, null);
 * trainer.fit(loader, 10, l.checkpoint().position(), listener);
 * }</pre>
 *
 * <p>For tests of crash safety, {@code -Djgrad.checkpoint.crash=N} halts the JVM (exit 137, as a
 * kill -9) during the N-th write, after its temporary file is complete and before the rename.
 */
public record Checkpoint(Map<String, String> run, Map<String, Tensor> model, Map<String, float[]> optimizer,
                         Map<String, Float> scheduler, Map<String, Rng.State> generators, Trainer.Position position) {
    private static final String FORMAT = "jgrad-checkpoint 2", MODEL = "model/", OPTIMIZER = "optimizer/";
    /** The lock file of a checkpoint directory. */
    public static final String LOCK = "checkpoint.lock";
    private static final Pattern NAME = Pattern.compile("checkpoint-\\d{12}\\.safetensors");
    private static final int KEEP = 2;
    private static final AtomicInteger WRITES = new AtomicInteger();

    /** A checkpoint read by {@link #load}: from {@code file}, after skipping the newer ones of {@code skipped} (their errors). */
    public record Loaded(Checkpoint checkpoint, Path file, List<String> skipped) {}

    /** What a caller checks of a checkpoint before using it, against its run; a problem is an IllegalArgumentException saying what. */
    @FunctionalInterface
    public interface Check {
        Check NONE = c -> {};

        void check(Checkpoint c);
    }

    public Checkpoint {
        run = Map.copyOf(run);
        model = new LinkedHashMap<>(model);
        optimizer = new LinkedHashMap<>(optimizer);
        scheduler = Map.copyOf(scheduler);
        generators = new LinkedHashMap<>(generators);
    }

    /** A copy of the state of a run at {@code position}; {@code scheduler} may be null. */
    public static Checkpoint capture(Map<String, String> run, Module model, Optimizer optimizer, LRScheduler scheduler,
                                     Trainer.Position position) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> weights.put(k, Tensor.of(t.data().clone(), t.shape())));
        Map<String, Rng.State> generators = new LinkedHashMap<>();
        generators.put("global", Rng.global().state());
        ownGenerators(model).forEach((k, g) -> generators.put(k, g.state()));
        return new Checkpoint(run, weights, optimizer.stateDict(), scheduler == null ? Map.of() : scheduler.stateDict(),
                generators, position);
    }

    /** Loads this state into {@code model}, {@code optimizer}, {@code scheduler} (may be null) and the generators. */
    public void restore(Module model, Optimizer optimizer, LRScheduler scheduler) {
        Map<String, Rng> own = ownGenerators(model);
        var expected = new java.util.HashSet<>(own.keySet());
        expected.add("global");
        if (!expected.equals(generators.keySet()))
            throw new IllegalArgumentException("the checkpoint's generators " + generators.keySet() + " do not fit the model's "
                    + own.keySet() + " and the global one");
        if ((scheduler == null) != scheduler().isEmpty())
            throw new IllegalArgumentException(scheduler == null ? "the checkpoint has a scheduler's state but no scheduler was given"
                    : "the checkpoint has no scheduler state");
        model.loadStateDict(this.model);
        optimizer.loadStateDict(this.optimizer);
        if (scheduler != null) scheduler.loadStateDict(this.scheduler);
        Rng.global().setState(generators.get("global"));
        own.forEach((k, g) -> g.setState(generators.get(k)));
    }

    /** The modules' own generators (Dropout's), keyed {@code module.<index in modules()>}. */
    private static Map<String, Rng> ownGenerators(Module model) {
        Map<String, Rng> out = new LinkedHashMap<>();
        List<Module> modules = model.modules();
        for (int i = 0; i < modules.size(); i++)
            if (modules.get(i) instanceof Dropout d && d.generator() != null) out.put("module." + i, d.generator());
        return out;
    }

    /** Writes this checkpoint into {@code dir} (created if missing) as described above and returns its file. */
    public Path save(Path dir) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.forEach((k, t) -> tensors.put(MODEL + k, t));
        optimizer.forEach((k, v) -> tensors.put(OPTIMIZER + k, Tensor.of(v)));
        Map<String, String> meta = new TreeMap<>();
        meta.put("format", FORMAT);
        run.forEach((k, v) -> meta.put("run." + k, v));
        scheduler.forEach((k, v) -> meta.put("scheduler." + k, Float.toString(v)));
        generators.forEach((k, g) -> meta.put("rng." + k, g.seed() + " " + Double.doubleToRawLongBits(g.spare())));
        Trainer.Position p = position;
        meta.put("position.epoch", Integer.toString(p.epoch()));
        meta.put("position.step", Integer.toString(p.step()));
        meta.put("position.lossSum", Double.toString(p.lossSum()));
        meta.put("position.samples", Long.toString(p.samples()));
        meta.put("position.seconds", Double.toString(p.seconds()));
        meta.put("position.steps", Long.toString(p.steps()));
        for (Trainer.Epoch e : p.history())
            meta.put("history." + e.epoch(), e.meanLoss() + " " + e.seconds() + " " + e.samples());
        meta.put("crc32", checksum(meta, tensors));

        Path file = dir.resolve(name(p.steps()));
        try {
            AtomicFile.stage(file, dir.resolve(file.getFileName() + ".tmp"), tmp -> {
                SafeTensors.save(tensors, meta, tmp);
                if (WRITES.incrementAndGet() == Integer.getInteger("jgrad.checkpoint.crash", 0)) Runtime.getRuntime().halt(137);
            });
        } catch (IOException e) {
            throw new IOException("cannot write checkpoint " + file + ": " + reason(e) + " (the checkpoints before it are kept)", e);
        }
        // the new one is on disk under its name: only now may the others go. The one before it stays; any named
        // later is a stray or of a future this run abandoned when it resumed from an earlier one, and would be
        // taken for the newest by a later --resume
        Path before = null;
        for (Path f : checkpoints(dir))
            if (f.getFileName().toString().compareTo(file.getFileName().toString()) < 0 && Files.isRegularFile(f)) {
                before = f;
                break;
            }
        for (Path old : checkpoints(dir))
            if (!old.equals(file) && !old.equals(before) && Files.isRegularFile(old, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                Files.deleteIfExists(old);
        return file;
    }

    /** The file name of the checkpoint after {@code steps} steps. */
    static String name(long steps) {
        return String.format("checkpoint-%012d.safetensors", steps);
    }

    /** An I/O error's reason in words (java.nio's exceptions carry it in their class; their message is only the path). */
    private static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.NoSuchFileException n -> "no such file or directory";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage() != null ? e.getMessage() : e.toString();
        };
    }

    /** The directories this JVM holds the lock of (a second FileChannel on the lock file could release it: POSIX locks are per process). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /** The exclusive lock of a checkpoint directory, held by one run until it is closed (or its process ends). */
    public static final class Lock implements AutoCloseable {
        private final Path key;
        private final FileChannel channel;

        private Lock(Path key, FileChannel channel) {
            this.key = key;
            this.channel = channel;
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close(); // releases the lock
            } finally {
                HELD.remove(key);
            }
        }
    }

    /**
     * Takes the exclusive lock of checkpoint directory {@code dir} (created if missing) for one run,
     * writing this process's PID into {@code dir/}{@value #LOCK}.
     *
     * @throws IOException naming the directory and the holder's PID when another run holds it
     */
    public static Lock lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path key = dir.toRealPath(), file = dir.resolve(LOCK);
        if (!HELD.add(key)) throw busy(dir, ProcessHandle.current().pid());
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l = tryLock(ch);
            if (l == null) throw busy(dir, holder(ch));
            try { // over the old PID, then cut to length: on a full disk the file's block is reused
                byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
                ch.write(ByteBuffer.wrap(pid), 0);
                ch.truncate(pid.length);
            } catch (IOException e) {
                // the lock holds all the same; another run is refused without the PID
            }
            return new Lock(key, ch);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            if (ch != null) ch.close();
            throw e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith(dir + ": ") ? io
                    : new IOException(dir + ": cannot lock the checkpoint directory (" + file + "): " + (e instanceof IOException io ? reason(io) : e), e);
        }
    }

    /** Fails as {@link #lock} does when another run holds {@code dir}'s lock; takes no lock. */
    public static void checkFree(Path dir) throws IOException {
        Path file = dir.resolve(LOCK);
        if (!Files.isRegularFile(file)) return;
        if (HELD.contains(dir.toRealPath())) throw busy(dir, ProcessHandle.current().pid());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = tryLock(ch);
            if (l == null) throw busy(dir, holder(ch));
            l.release();
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) { // held in this JVM through a channel HELD does not know of
            return null;
        }
    }

    /** The PID the holder wrote into the lock file, or -1 when it has not yet. */
    private static long holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        try {
            return Long.parseLong(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static IOException busy(Path dir, long pid) {
        return new IOException(dir + ": another jgrad run is writing checkpoints here (" + (pid > 0 ? "PID " + pid : "PID not yet known")
                + ", holding " + dir.resolve(LOCK) + "): wait for it to end, or choose another directory");
    }

    /** The checkpoint files in {@code dir}, newest first; stray temporary files of an interrupted write are ignored. */
    public static List<Path> checkpoints(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .sorted(java.util.Comparator.comparing(Path::getFileName).reversed()).toList();
        }
    }

    /** {@link #load(Path, Check)} with no check against a run. */
    public static Loaded load(Path dir) throws IOException {
        return load(dir, Check.NONE);
    }

    /**
     * The newest checkpoint of {@code dir} that is a regular file, reads, holds the step its name
     * says and passes {@code check}; each newer one that does not is in {@link Loaded#skipped} with
     * its file and problem.
     *
     * @throws IOException naming {@code dir} when it has none, or none that passes (with every problem)
     */
    public static Loaded load(Path dir, Check check) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such directory");
        List<String> skipped = new ArrayList<>();
        for (Path f : checkpoints(dir)) {
            try {
                return new Loaded(readChecked(f, check), f, skipped);
            } catch (IOException e) {
                skipped.add(e.getMessage());
            }
        }
        throw new IOException(dir + (skipped.isEmpty() ? ": holds no checkpoint (checkpoint-*.safetensors)"
                : ": no checkpoint can be resumed: " + String.join("; ", skipped)));
    }

    /** {@code f} read and checked as {@link #load} checks each candidate. */
    private static Checkpoint readChecked(Path f, Check check) throws IOException {
        Checkpoint c = read(f);
        String expected = name(c.position().steps());
        if (!f.getFileName().toString().equals(expected))
            throw bad(f, "holds the checkpoint of step " + c.position().steps() + ", whose name is " + expected
                    + ": a renamed or copied file, not used");
        try {
            check.check(c);
        } catch (IllegalArgumentException e) {
            throw bad(f, e.getMessage());
        }
        return c;
    }

    /** One checkpoint file; anything damaged or inconsistent is an IOException naming {@code file} and the problem. */
    public static Checkpoint read(Path file) throws IOException {
        if (Files.isDirectory(file)) throw bad(file, "is a directory, not a checkpoint file");
        if (Files.exists(file) && !Files.isRegularFile(file))
            throw bad(file, "is not a regular file (a FIFO, socket or device), not a checkpoint file; not opened");
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = new TreeMap<>(c.metadata());
        if ("jgrad-checkpoint 1".equals(meta.get("format")))
            throw bad(file, "a checkpoint of an older jgrad (format 'jgrad-checkpoint 1', whose checksum leaves out the shapes); "
                    + "this one resumes format '" + FORMAT + "'");
        if (!FORMAT.equals(meta.get("format")))
            throw bad(file, "not a jgrad checkpoint (metadata format " + (meta.containsKey("format") ? "'" + meta.get("format") + "'" : "missing") + ")");
        String crc = meta.remove("crc32");
        if (!checksum(meta, c.tensors()).equals(crc)) throw bad(file, "checksum mismatch, the file is damaged");
        Map<String, String> run = new LinkedHashMap<>();
        Map<String, Float> scheduler = new LinkedHashMap<>();
        Map<String, Rng.State> generators = new LinkedHashMap<>();
        for (var e : meta.entrySet()) {
            String k = e.getKey(), v = e.getValue();
            if (k.startsWith("run.")) run.put(k.substring(4), v);
            else if (k.startsWith("scheduler.")) {
                number(file, k, v, false);
                scheduler.put(k.substring(10), Float.parseFloat(v)); // as written by Float.toString, exactly
            } else if (k.startsWith("rng.")) {
                String[] parts = fields(file, k, v, 2);
                generators.put(k.substring(4), new Rng.State(whole(file, k, parts[0], Long.MIN_VALUE),
                        Double.longBitsToDouble(whole(file, k, parts[1], Long.MIN_VALUE))));
            }
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<String, float[]> optimizer = new LinkedHashMap<>();
        for (var e : c.tensors().entrySet()) {
            if (e.getKey().startsWith(MODEL)) model.put(e.getKey().substring(MODEL.length()), e.getValue());
            else if (e.getKey().startsWith(OPTIMIZER)) optimizer.put(e.getKey().substring(OPTIMIZER.length()), e.getValue().data());
            else throw bad(file, "tensor '" + e.getKey() + "' is neither model/… nor optimizer/…");
            float[] v = e.getValue().data();
            for (int i = 0; i < v.length; i++)
                if (!Float.isFinite(v[i])) throw bad(file, "tensor " + e.getKey() + " holds " + v[i] + " at index " + i + ": a checkpoint's state is finite");
        }
        return new Checkpoint(run, model, optimizer, scheduler, generators, position(file, meta));
    }

    private static Trainer.Position position(Path file, Map<String, String> meta) throws IOException {
        int epoch = (int) whole(file, "position.epoch", need(file, meta, "position.epoch"), 1);
        List<Trainer.Epoch> history = new ArrayList<>();
        for (int e = 1; e < epoch; e++) {
            String k = "history." + e;
            String[] f = fields(file, k, need(file, meta, k), 3);
            history.add(new Trainer.Epoch(e, number(file, k, f[0], true), number(file, k, f[1], false), whole(file, k, f[2], 0)));
        }
        long extra = meta.keySet().stream().filter(k -> k.startsWith("history.")).count() - history.size();
        if (extra != 0) throw bad(file, "has " + extra + " history entries beyond epoch " + (epoch - 1));
        long step = whole(file, "position.step", need(file, meta, "position.step"), 0);
        long steps = whole(file, "position.steps", need(file, meta, "position.steps"), step);
        if (epoch > Integer.MAX_VALUE - 1 || step > Integer.MAX_VALUE) throw bad(file, "position beyond the range of a run");
        double lossSum = number(file, "position.lossSum", need(file, meta, "position.lossSum"), false);
        long samples = whole(file, "position.samples", need(file, meta, "position.samples"), 0);
        double seconds = number(file, "position.seconds", need(file, meta, "position.seconds"), false);
        // what a trainer's position always satisfies, whatever the run
        if ((step == 0) != (samples == 0) || step == 0 && lossSum != 0)
            throw bad(file, "position step " + step + " disagrees with its " + samples + " samples and loss sum " + lossSum);
        if (samples < step) throw bad(file, "position step " + step + " has only " + samples + " samples: every step has at least one");
        if (seconds < 0) throw bad(file, "position.seconds is " + seconds + ", a negative time");
        for (Trainer.Epoch h : history) {
            if (h.samples() != history.getFirst().samples() || h.samples() < 1)
                throw bad(file, "its finished epochs saw different numbers of samples (epoch 1 " + history.getFirst().samples() + ", epoch "
                        + h.epoch() + " " + h.samples() + "), but every epoch is one pass over the same data");
            if (!Double.isFinite(h.meanLoss()) || h.seconds() < 0)
                throw bad(file, "history." + h.epoch() + " has a mean loss of " + h.meanLoss() + " and " + h.seconds() + " s");
        }
        return new Trainer.Position(epoch, (int) step, lossSum, samples, seconds, history, steps);
    }

    private static String need(Path file, Map<String, String> meta, String key) throws IOException {
        String v = meta.get(key);
        if (v == null) throw bad(file, "metadata " + key + " is missing");
        return v;
    }

    private static String[] fields(Path file, String key, String v, int n) throws IOException {
        String[] f = v.split(" ", -1);
        if (f.length != n) throw bad(file, "metadata " + key + " is '" + v + "', expected " + n + " values separated by spaces");
        return f;
    }

    /** A whole number ≥ {@code min}. */
    private static long whole(Path file, String key, String v, long min) throws IOException {
        try {
            long x = Long.parseLong(v);
            if (x >= min) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(file, "metadata " + key + " is '" + v + "', expected a whole number" + (min > Long.MIN_VALUE ? " ≥ " + min : ""));
    }

    /** A finite number (or NaN, where an epoch without steps has a NaN mean loss). */
    private static double number(Path file, String key, String v, boolean nanAllowed) throws IOException {
        try {
            double x = Double.parseDouble(v);
            if (Double.isFinite(x) || nanAllowed && Double.isNaN(x)) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(file, "metadata " + key + " is '" + v + "', expected a finite number");
    }

    private static String checksum(Map<String, String> meta, Map<String, Tensor> tensors) {
        CRC32 crc = new CRC32();
        meta.forEach((k, v) -> {
            if (!k.equals("crc32")) crc.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
        });
        new TreeMap<>(tensors).forEach((k, t) -> {
            crc.update((k + " " + Arrays.toString(t.shape()) + "\n").getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(4 * t.numel()).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.data(), 0, t.numel());
            crc.update(b);
        });
        return Long.toHexString(crc.getValue());
    }

    private static IOException bad(Path file, String problem) {
        return new IOException(file + ": " + problem);
    }
}
