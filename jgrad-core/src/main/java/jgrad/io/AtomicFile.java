package jgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file so that a crash leaves the old file or the new one, never half of one: the bytes
 * go to a fresh temporary file in the same directory (so the rename is atomic, and it gets the
 * usual permissions), are forced to disk, and only then renamed over the target; the directory is
 * forced too, so the rename itself survives a crash. A failure leaves the target as it was and no
 * temporary file behind.
 * <pre>{@code AtomicFile.write(path, out -> out.write(bytes));}</pre>
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** What writes the file's contents. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code file} atomically with {@code contents}, creating its directory if needed. */
    public static void write(Path file, Contents contents) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                contents.writeTo(out);
                out.flush();
                ch.force(true); // on disk before the rename makes it visible
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
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
