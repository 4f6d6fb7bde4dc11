package jgrad.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import jgrad.autograd.Tensor;
import jgrad.nn.Dropout;
import jgrad.nn.Module;
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
 * entries ({@code key=value\n} in key order) and the tensors (name, {@code \n}, float bits
 * little-endian, in name order). A checkpoint is written as {@code <name>.tmp}, forced to disk,
 * renamed to its name and the directory forced, so a name only ever holds a complete checkpoint;
 * only then are older checkpoints deleted, keeping the newest two. {@link #load} takes the newest
 * one that reads, and says which it skipped and why.
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
    private static final String FORMAT = "jgrad-checkpoint 1", MODEL = "model/", OPTIMIZER = "optimizer/";
    private static final Pattern NAME = Pattern.compile("checkpoint-\\d{12}\\.safetensors");
    private static final int KEEP = 2;
    private static final AtomicInteger WRITES = new AtomicInteger();

    /** A checkpoint read by {@link #load}: from {@code file}, after skipping the newer ones of {@code skipped} (their errors). */
    public record Loaded(Checkpoint checkpoint, Path file, List<String> skipped) {}

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

        Files.createDirectories(dir);
        Path file = dir.resolve(String.format("checkpoint-%012d.safetensors", p.steps()));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        SafeTensors.save(tensors, meta, tmp); // complete and forced to disk when it returns
        if (WRITES.incrementAndGet() == Integer.getInteger("jgrad.checkpoint.crash", 0)) Runtime.getRuntime().halt(137);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
        // the new one is on disk under its name: only now may the older ones go
        List<Path> all = checkpoints(dir);
        for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) Files.deleteIfExists(old);
        return file;
    }

    /** Makes the rename durable; a platform that cannot open a directory (Windows) still has an atomic rename. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // nothing more can be done there; see above
        }
    }

    /** The checkpoint files in {@code dir}, newest first; stray temporary files of an interrupted write are ignored. */
    public static List<Path> checkpoints(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .sorted(java.util.Comparator.comparing(Path::getFileName).reversed()).toList();
        }
    }

    /**
     * The newest checkpoint of {@code dir} that reads; each newer one that does not is in
     * {@link Loaded#skipped} with its error.
     *
     * @throws IOException naming {@code dir} when it has none, or none that reads (with every error)
     */
    public static Loaded load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such directory");
        List<String> skipped = new ArrayList<>();
        for (Path f : checkpoints(dir)) {
            try {
                return new Loaded(read(f), f, skipped);
            } catch (IOException e) {
                skipped.add(e.getMessage());
            }
        }
        throw new IOException(dir + (skipped.isEmpty() ? ": holds no checkpoint (checkpoint-*.safetensors)"
                : ": no checkpoint reads: " + String.join("; ", skipped)));
    }

    /** One checkpoint file; anything damaged or inconsistent is an IOException naming {@code file} and the problem. */
    public static Checkpoint read(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = new TreeMap<>(c.metadata());
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
        return new Trainer.Position(epoch, (int) step, number(file, "position.lossSum", need(file, meta, "position.lossSum"), false),
                whole(file, "position.samples", need(file, meta, "position.samples"), 0),
                number(file, "position.seconds", need(file, meta, "position.seconds"), false), history, steps);
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
            crc.update((k + "\n").getBytes(StandardCharsets.UTF_8));
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
