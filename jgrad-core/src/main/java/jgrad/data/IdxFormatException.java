package jgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that exists but cannot be used: bad gzip data, a wrong IDX magic number or
 * dimensions, a payload shorter or longer than the header promises, a label outside the classes,
 * or label and image files that disagree on the number of samples.
 *
 * <p>The message starts with the file's path and says what is wrong, e.g.
 * {@code /data/train-images-idx3-ubyte.gz: truncated: expected 47040000 bytes of pixels, found 1200}.
 */
public class IdxFormatException extends IOException {
    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
