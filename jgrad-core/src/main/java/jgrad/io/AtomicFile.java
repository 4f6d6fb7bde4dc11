package jgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a file, or a directory of files, so that a crash leaves the old one or the new one, never
 * half of one: everything goes to a fresh temporary sibling (same directory, so the rename is
 * atomic, and the usual permissions), is forced to disk, and only then renamed over the target; the
 * parent directory is forced too, so the rename itself survives a crash. A failure leaves the
 * target as it was and no temporary file behind. This is the one place jgrad writes atomically:
 * model files, checkpoints, ONNX exports, downloads, reports, caches and Parquet tables.
 * <pre>{@code
 * AtomicFile.write(path, out -> out.write(bytes));
 * AtomicFile.stage(path, tmp -> download(url, tmp));          // verified before it is renamed
 * AtomicFile.stageDirectory(dir, tmp -> writeReport(tmp));    // replaces a whole directory
 * }</pre>
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** What writes the file's contents. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(OutputStream out) throws IOException;
    }

    /** What writes the new file (or directory) at the temporary path; the target is replaced only if it returns normally. */
    @FunctionalInterface
    public interface Stage {
        void writeTo(Path tmp) throws IOException;
    }

    /** Writes {@code file} atomically with {@code contents}, creating its directory if needed. */
    public static void write(Path file, Contents contents) throws IOException {
        stage(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                contents.writeTo(out);
                out.flush();
            }
        });
    }

    /** Writes {@code file} atomically: {@code stage} writes the new file at a temporary path, which then replaces it. */
    public static void stage(Path file, Stage stage) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        stage(file, temporary(dir, file, "part"), stage);
    }

    /**
     * {@link #stage(Path, Stage)} through the temporary file {@code tmp}, in the target's directory,
     * for a writer that alone writes there (under a lock) and wants a crash to leave one known
     * temporary file, overwritten by the next write, rather than a new one each time.
     */
    public static void stage(Path file, Path tmp, Stage stage) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try {
            stage.writeTo(tmp);
            force(tmp); // on disk before the rename makes it visible
            move(tmp, file);
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Replaces directory {@code dir} (or makes it) atomically: {@code stage} fills a new directory,
     * whose files are forced to disk; the old directory is renamed aside, the new one into its
     * place, and the old one deleted. A reader sees the old directory, or the new one.
     */
    public static void stageDirectory(Path dir, Stage stage) throws IOException {
        Path target = dir.toAbsolutePath().normalize(), parent = target.getParent();
        if (parent == null) throw new IOException("cannot replace the root directory " + target);
        Files.createDirectories(parent);
        Path tmp = temporary(parent, target, "new");
        try {
            Files.createDirectory(tmp);
            stage.writeTo(tmp);
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) force(f);
            }
            forceDirectory(tmp);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        Path old = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            old = temporary(parent, target, "old");
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(tmp);
            throw e;
        }
        forceDirectory(parent);
        if (old != null) deleteTree(old);
    }

    /** A fresh hidden sibling name for {@code target}: {@code .NAME.UUID.KIND}. */
    private static Path temporary(Path dir, Path target, String kind) {
        return dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + "." + kind);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Deletes a directory and everything in it, if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** Forces a directory's entries (a rename) to disk, where the platform allows opening a directory. */
    public static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory for reading; the rename is then as durable as the OS makes it
        }
    }
}
