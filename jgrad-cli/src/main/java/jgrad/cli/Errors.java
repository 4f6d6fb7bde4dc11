package jgrad.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** What went wrong with a file, in words: java.nio's exceptions carry the reason in their class, their message is only the path. */
final class Errors {
    private Errors() {}

    /** {@code e} as "PATH: reason" (or its own message when it already says what is wrong). */
    static String describe(IOException e) {
        if (!(e instanceof FileSystemException f) || f.getFile() == null) return e.getMessage() != null ? e.getMessage() : e.toString();
        String file = f.getFile(), reason = switch (f) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case NotDirectoryException n -> "not a directory";
            case FileAlreadyExistsException x -> Files.isDirectory(Path.of(file)) ? "is a directory" : "is a file";
            default -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        };
        String what = f.getOtherFile() != null ? file + " -> " + f.getOtherFile() : file;
        return e instanceof FileAlreadyExistsException ? what + " " + reason : what + ": " + reason;
    }

    /** {@link #cannotWrite(Path, IOException)}, saying what was being written: "cannot write the report DIR: …". */
    static IOException cannotWrite(String what, Path target, IOException e) {
        IOException x = cannotWrite(target, e);
        return new IOException(x.getMessage().replaceFirst("^cannot write ", "cannot write " + what + " "), e);
    }

    /** An error for writing {@code target} that failed with {@code e}, naming the target and, when it differs, the path at fault. */
    static IOException cannotWrite(Path target, IOException e) {
        Path dir = target.toAbsolutePath().getParent();
        if (e instanceof FileSystemException f && f.getFile() != null && dir != null && dir.equals(Path.of(f.getFile()).toAbsolutePath().getParent())
                && !Path.of(f.getFile()).toAbsolutePath().equals(target.toAbsolutePath())) // the temporary file beside it
            return new IOException("cannot write " + target + ": cannot create files in " + dir + ": " + describe(e).replaceFirst("^.*: ", ""), e);
        String why = describe(e);
        String prefix = target + ": ";
        return new IOException("cannot write " + target + ": " + (why.startsWith(prefix) ? why.substring(prefix.length()) : why), e);
    }

    /** Fails now, before any training, if {@code target} cannot be written: its directory is made if missing and must be writable. */
    static void checkWritable(Path target, boolean directory) throws IOException {
        Path dir = directory ? target.toAbsolutePath() : target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
        if (!directory && Files.isDirectory(target)) throw new IOException("cannot write " + target + ": it is a directory");
        if (Files.exists(target) && !Files.isRegularFile(target) && !Files.isDirectory(target)) // renaming over it would remove it
            throw new IOException("cannot write " + target + ": it is not a regular file (a FIFO, socket or device)");
        try { // a file made and removed: the one test that also holds for root and for read-only or special file systems
            Files.delete(Files.createTempFile(dir, ".jgrad-", ".tmp"));
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": cannot create files in " + dir + ": " + describe(e).replaceFirst("^.*: ", ""), e);
        }
    }
}
