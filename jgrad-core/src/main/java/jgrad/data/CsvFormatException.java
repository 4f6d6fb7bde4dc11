package jgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A CSV table that exists but cannot be read as one: a value that is missing or not a finite
 * number, a row with more or fewer values than the others, an unknown target column, broken
 * quoting or gzip data. The message starts with the file, then the line where there is one, then
 * the column (counted from 0, as {@link CsvTable.Options#target(int)} counts them, with its header
 * name when there is a header), then what is wrong:
 * <pre>
 *   data/iris.csv:7: column 2 'petal_length': "abc" is not a number
 *   data/iris.csv:9: 4 values, but the header has 5 columns
 *   data/iris.csv: no column 'specie'; the columns are sepal_length, sepal_width, petal_length, petal_width, species
 * </pre>
 */
public class CsvFormatException extends IOException {
    private final transient Path file;
    private final long line;
    private final int column;

    /** A problem with the whole file (no line). */
    public CsvFormatException(Path file, String problem) {
        this(file, 0, -1, null, problem, null);
    }

    /**
     * @param line   1-based line of the file where the row starts, or 0 for none
     * @param column 0-based column, or -1 for none
     * @param name   the column's header name, or null without a header
     */
    public CsvFormatException(Path file, long line, int column, String name, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (column >= 0 ? "column " + column + (name != null ? " '" + name + "'" : "") + ": " : "")
                + problem, cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public Path file() {
        return file;
    }

    /** The 1-based line where the bad row starts, or 0 when the problem is not on one line. */
    public long line() {
        return line;
    }

    /** The 0-based column of the bad value, or -1 when the problem is not in one column. */
    public int column() {
        return column;
    }
}
