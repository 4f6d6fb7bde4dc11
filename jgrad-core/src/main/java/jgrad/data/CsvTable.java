package jgrad.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/**
 * Reads a CSV table ({@code .csv}, or gzip-compressed {@code .csv.gz}) into a {@link TensorDataset}
 * with pandas' {@code read_csv} options: one row a sample, the target column its target, every
 * other column a numeric feature, so a sample is {@code [F]} for F features.
 * <pre>{@code
 * TensorDataset iris = CsvTable.read(Path.of("iris.csv"));                         // header, target = last column
 * TensorDataset t = CsvTable.read(file, CsvTable.Options.DEFAULT.noHeader().skipRows(1).target("species"));
 * Split<TensorDataset> s = Split.random(iris, 0.2, 0);                              // 120 / 30 rows
 * Transform scale = Transforms.fitNormalize(s.train());                             // StandardScaler, fitted on train
 * }</pre>
 *
 * <p><b>Parsing</b> is Jackson's {@code jackson-dataformat-csv}: RFC 4180 quoting ({@code "a, b"},
 * doubled quotes inside), LF, CRLF or CR line endings, a UTF-8 byte-order mark, UTF-16/32 with a
 * byte-order mark; blank lines are skipped, spaces around values trimmed. A file starting with the
 * gzip magic bytes is decompressed, whatever its name.
 *
 * <p><b>Options</b> ({@link Options}, pandas' names in brackets):
 * <ul>
 *   <li>{@code header} [{@code header=0} / {@code None}]: the first row names the columns (default), or there are no names;</li>
 *   <li>{@code skipRows} [{@code skiprows=N}]: rows before the header (or the data) to ignore, e.g. sklearn's
 *       {@code 150,4,setosa,versicolor,virginica};</li>
 *   <li>{@code delimiter} [{@code sep}]: one character, {@code "tab"}, {@code "whitespace"} (runs of spaces and tabs,
 *       pandas' {@code sep='\s+'}), or detected (default): the comma if the first row has one, else a tab if it has
 *       one, else whitespace if it has spaces between values;</li>
 *   <li>{@code target}: the target column by header name or 0-based index (default: the last column);</li>
 *   <li>{@code task}: {@link Task#CLASSIFY}, {@link Task#BINARY} or {@link Task#REGRESS} instead of the inferred one.</li>
 * </ul>
 *
 * <p><b>The task</b> follows from the target column, as sklearn's {@code type_of_target} reads it:
 * <ul>
 *   <li>text in any row (e.g. {@code setosa}): classes, named by the distinct values sorted as text;</li>
 *   <li>whole numbers with at most {@value #MAX_INFERRED_CLASSES} distinct values: classes, named by the values
 *       sorted as numbers ({@code 2} before {@code 10});</li>
 *   <li>two classes are {@link Task#BINARY} (one logit, class 1 the positive one: the later value), as sklearn's
 *       {@code MLPClassifier} gives two classes one logistic output; more are {@link Task#CLASSIFY};</li>
 *   <li>any other numbers, e.g. {@code 151.0} and {@code 75.5}, or whole numbers with more distinct values:
 *       {@link Task#REGRESS}.</li>
 * </ul>
 * An explicit {@code task} overrides this: {@code CLASSIFY} on a two-valued target gives two logits,
 * {@code CLASSIFY} on numbers makes each distinct value a class, {@code REGRESS} needs numbers,
 * {@code BINARY} needs exactly two values.
 *
 * <p><b>Errors</b> are {@link CsvFormatException}s naming the file, the line and the column, never a
 * silent zero: a missing feature or target (empty, or one of pandas' missing-value markers such as
 * {@code NA}, {@code NaN}, {@code null}), a feature that is text, infinite or beyond float32, a row
 * whose number of values differs from the header's (or the first row's), a target column that does
 * not exist, a target with a single value, broken quoting or gzip data.
 */
public final class CsvTable {
    /** Whole-number targets with at most this many distinct values are classes; with more, real values. */
    public static final int MAX_INFERRED_CLASSES = 20;

    /** pandas' default {@code na_values}: a feature or target spelled so is missing. */
    private static final Set<String> MISSING = Set.of("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
            "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null");

    private CsvTable() {}

    /**
     * How to read a table; start from {@link #DEFAULT} and change what differs:
     * {@code Options.DEFAULT.noHeader().skipRows(1).target(4).task(Task.CLASSIFY)}.
     *
     * @param header      whether the first row (after {@code skipRows}) names the columns
     * @param skipRows    rows to ignore at the start of the file, before the header
     * @param delimiter   null to detect it, one character, or {@link #WHITESPACE}
     * @param targetName  the target column's header name, or a 0-based index written as digits when no column has that
     *                    name; null when {@code targetIndex} or the last column is meant
     * @param targetIndex the target column's 0-based index, or -1 when {@code targetName} or the last column is meant
     * @param task        the task, or null to infer it from the target column
     */
    public record Options(boolean header, int skipRows, String delimiter, String targetName, int targetIndex, Task task) {
        /** pandas' {@code sep='\s+'}: values separated by runs of spaces and tabs; leading and trailing ones ignored. */
        public static final String WHITESPACE = "\\s+";
        /** Header, nothing skipped, delimiter detected, last column the target, task inferred. */
        public static final Options DEFAULT = new Options(true, 0, null, null, -1, null);

        public Options {
            if (skipRows < 0) throw new IllegalArgumentException("rows to skip must be non-negative, got " + skipRows);
            delimiter = normalizeDelimiter(delimiter);
            if (targetName != null && targetName.isBlank()) throw new IllegalArgumentException("the target column's name is blank");
            if (targetIndex < -1) throw new IllegalArgumentException("a column index is 0 or more, got " + targetIndex);
            if (targetName != null && targetIndex >= 0)
                throw new IllegalArgumentException("the target column is named '" + targetName + "' and numbered " + targetIndex + "; give one");
        }

        /** {@code null} or "auto" (detect), one character, "tab" or "\t", "whitespace" or "\s+"; anything else is an error. */
        private static String normalizeDelimiter(String d) {
            if (d == null || d.equals("auto")) return null;
            if (d.equals("tab") || d.equals("\\t")) return "\t";
            if (d.equals("whitespace") || d.equals(WHITESPACE)) return WHITESPACE;
            if (d.length() == 1 && d.charAt(0) != '"' && d.charAt(0) != '\n' && d.charAt(0) != '\r') return d;
            throw new IllegalArgumentException("a delimiter is one character (not a quote or line break), 'tab', 'whitespace' or 'auto', got '"
                    + d + "'");
        }

        public Options header(boolean h) {
            return new Options(h, skipRows, delimiter, targetName, targetIndex, task);
        }

        /** No header row: the first row (after {@code skipRows}) is data, and columns are known by index only. */
        public Options noHeader() {
            return header(false);
        }

        public Options skipRows(int n) {
            return new Options(header, n, delimiter, targetName, targetIndex, task);
        }

        /** The delimiter: {@code ","}, {@code ";"}, {@code "tab"}, {@code "whitespace"}, {@code "auto"}. */
        public Options delimiter(String d) {
            return new Options(header, skipRows, d, targetName, targetIndex, task);
        }

        /**
         * The target column by header name or, when no column has that name and it is a whole number,
         * by 0-based index: how the command line's {@code --target COLUMN} reads.
         */
        public Options target(String nameOrIndex) {
            return new Options(header, skipRows, delimiter, nameOrIndex, -1, task);
        }

        /** The target column by 0-based index. */
        public Options target(int index) {
            return new Options(header, skipRows, delimiter, null, index, task);
        }

        /** The task instead of the inferred one; null infers it. */
        public Options task(Task t) {
            return new Options(header, skipRows, delimiter, targetName, targetIndex, t);
        }
    }

    /** {@link #read(Path, Options)} with {@link Options#DEFAULT}: a header, the last column the target. */
    public static TensorDataset read(Path file) throws IOException {
        return read(file, Options.DEFAULT);
    }

    /**
     * The table in {@code file} as a dataset named by the file's name, with samples {@code [F]}
     * (the columns other than the target, in file order) and one target value each.
     *
     * @throws CsvFormatException if the file is not such a table (see the class notes)
     * @throws IOException        if it cannot be read at all (e.g. {@link java.nio.file.NoSuchFileException})
     */
    public static TensorDataset read(Path file, Options o) throws IOException {
        String sep = o.delimiter() != null ? o.delimiter() : detect(file, o.skipRows());
        try (Rows rows = new Rows(file, sep)) {
            rows.skip(o.skipRows());
            String[] header = null;
            Row h = null;
            if (o.header()) {
                h = rows.next();
                if (h == null) throw new CsvFormatException(file, "no header row" + skipped(o));
                header = h.values();
            }
            Row first = rows.next();
            if (first == null) throw new CsvFormatException(file, "no data rows" + skipped(o) + (header != null ? " and the header" : ""));
            int width = header != null ? header.length : first.values().length;
            long widthLine = header != null ? 0 : first.line();
            if (width < 2) {
                Row r = h != null ? h : first;
                throw new CsvFormatException(file, r.line(), -1, null, "one column only, \"" + r.values()[0]
                        + "\", but a table needs a feature and a target column (read with delimiter "
                        + describe(sep) + "; is it another?)", null);
            }
            int t = targetColumn(file, o, header, width);
            int features = width - 1;

            float[] x = new float[features * 256];
            String[] text = new String[256];
            double[] value = new double[256];
            long[] line = new long[256];
            int n = 0;
            for (Row r = first; r != null; r = rows.next()) {
                String[] v = r.values();
                if (v.length != width)
                    throw new CsvFormatException(file, r.line(), -1, null, v.length + (v.length == 1 ? " value" : " values") + ", but "
                            + (header != null ? "the header has " + width + " columns" : "line " + widthLine + " has " + width), null);
                if (n == text.length) {
                    int cap = n * 2;
                    x = Arrays.copyOf(x, cap * features);
                    text = Arrays.copyOf(text, cap);
                    value = Arrays.copyOf(value, cap);
                    line = Arrays.copyOf(line, cap);
                }
                for (int j = 0, k = n * features; j < width; j++) {
                    if (j == t) continue;
                    double d = number(v[j]);
                    if (!Double.isFinite((float) d)) throw badNumber(file, r.line(), j, header, v[j], "features must be numbers");
                    x[k++] = (float) d;
                }
                String s = v[t].strip();
                double d = number(s);
                if (MISSING.contains(s) || isInfinity(s) || !Double.isNaN(d) && !Float.isFinite((float) d))
                    throw badNumber(file, r.line(), t, header, s, null);
                text[n] = s;
                value[n] = d == 0 ? 0 : d; // -0 and 0 are one class
                line[n] = r.line();
                n++;
            }
            String targetName = header != null ? header[t] : null;
            Target target = target(file, t, targetName, Arrays.copyOf(text, n), Arrays.copyOf(value, n), line, o.task());
            return TensorDataset.of(file.getFileName().toString(), Arrays.copyOf(x, n * features), new int[]{features}, target.y(), 1,
                    target.classes(), target.task());
        }
    }

    /**
     * The names of the feature columns {@link #read} takes from {@code file} (the header without the
     * target column, in file order), or null when {@code o} says it has no header.
     */
    public static List<String> featureNames(Path file, Options o) throws IOException {
        if (!o.header()) return null;
        String sep = o.delimiter() != null ? o.delimiter() : detect(file, o.skipRows());
        try (Rows rows = new Rows(file, sep)) {
            rows.skip(o.skipRows());
            Row h = rows.next();
            if (h == null) throw new CsvFormatException(file, "no header row" + skipped(o));
            int t = targetColumn(file, o, h.values(), h.values().length);
            List<String> names = new ArrayList<>(Arrays.asList(h.values()));
            names.remove(t);
            return List.copyOf(names);
        }
    }

    /**
     * Rows of numbers to predict from, every column a feature: the header (null without one), the
     * values and each row's line. The same errors as {@link #read}: a missing or non-numeric value
     * names the file, the line and the column.
     */
    public record Numbers(List<String> header, float[][] values, long[] lines) {}

    /** {@code file}'s rows as {@link Numbers}, read with {@code o}'s header, skipped rows and delimiter (its target is ignored). */
    public static Numbers readRows(Path file, Options o) throws IOException {
        String sep = o.delimiter() != null ? o.delimiter() : detect(file, o.skipRows());
        try (Rows rows = new Rows(file, sep)) {
            rows.skip(o.skipRows());
            String[] header = null;
            if (o.header()) {
                Row h = rows.next();
                if (h == null) throw new CsvFormatException(file, "no header row" + skipped(o));
                header = h.values();
            }
            List<float[]> out = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            int width = header != null ? header.length : -1;
            for (Row r = rows.next(); r != null; r = rows.next()) {
                String[] v = r.values();
                if (width < 0) width = v.length;
                if (v.length != width)
                    throw new CsvFormatException(file, r.line(), -1, null, v.length + (v.length == 1 ? " value" : " values") + ", but "
                            + (header != null ? "the header has " : "the first row has ") + width, null);
                float[] x = new float[width];
                for (int j = 0; j < width; j++) {
                    double d = number(v[j]);
                    if (!Double.isFinite((float) d)) throw badNumber(file, r.line(), j, header, v[j], "features must be numbers");
                    x[j] = (float) d;
                }
                out.add(x);
                lines.add(r.line());
            }
            if (out.isEmpty()) throw new CsvFormatException(file, "no data rows" + skipped(o));
            return new Numbers(header == null ? null : List.of(header), out.toArray(float[][]::new), lines.stream().mapToLong(Long::longValue).toArray());
        }
    }

    private static String skipped(Options o) {
        return o.skipRows() > 0 ? " after skipping " + o.skipRows() + (o.skipRows() == 1 ? " row" : " rows") : "";
    }

    private static String describe(String sep) {
        return switch (sep) {
            case "\t" -> "tab";
            case Options.WHITESPACE -> "whitespace";
            default -> "'" + sep + "'";
        };
    }

    /** The column {@code o} names as the target, checked against the header (if any) and the width. */
    private static int targetColumn(Path file, Options o, String[] header, int width) throws CsvFormatException {
        if (o.targetIndex() >= 0) {
            if (o.targetIndex() < width) return o.targetIndex();
            throw new CsvFormatException(file, "no column " + o.targetIndex() + "; the rows have " + width + " columns, 0.." + (width - 1));
        }
        String name = o.targetName();
        if (name == null) return width - 1;
        if (header != null) {
            List<Integer> found = new ArrayList<>();
            for (int j = 0; j < width; j++) if (header[j].equals(name)) found.add(j);
            if (found.size() > 1)
                throw new CsvFormatException(file, "columns " + found + " are all named '" + name + "'; give the target column's index");
            if (found.size() == 1) return found.getFirst();
        }
        if (name.matches("[0-9]{1,9}")) {
            int j = Integer.parseInt(name);
            if (j < width) return j;
            throw new CsvFormatException(file, "no column " + j + "; the rows have " + width + " columns, 0.." + (width - 1));
        }
        if (header == null)
            throw new CsvFormatException(file, "no column '" + name + "': without a header, give the target column's index, 0.." + (width - 1));
        List<String> shown = Arrays.asList(header).subList(0, Math.min(width, 30));
        throw new CsvFormatException(file, "no column '" + name + "'; the columns are " + String.join(", ", shown) + (width > 30 ? ", …" : ""));
    }

    private record Target(float[] y, List<String> classes, Task task) {}

    /** Infers (or checks) the task from the target column's values and encodes them as {@link TensorDataset} targets. */
    private static Target target(Path file, int column, String name, String[] text, double[] value, long[] line, Task forced)
            throws CsvFormatException {
        int n = text.length;
        int firstText = -1;
        for (int i = 0; i < n && firstText < 0; i++) if (Double.isNaN(value[i])) firstText = i;
        boolean numeric = firstText < 0, whole = numeric;
        for (int i = 0; i < n && whole; i++) whole = value[i] == Math.rint(value[i]) && Math.abs(value[i]) < 0x1p53;
        // class names in class order: numbers sorted as numbers (named by their first spelling unless whole), else text sorted as text
        List<String> classes = new ArrayList<>();
        Map<Object, Integer> index = new HashMap<>();
        if (numeric) {
            TreeMap<Double, String> distinct = new TreeMap<>();
            for (int i = 0; i < n; i++) distinct.putIfAbsent(value[i], whole ? Long.toString((long) value[i]) : text[i]);
            for (var e : distinct.entrySet()) {
                index.put(e.getKey(), classes.size());
                classes.add(e.getValue());
            }
        } else {
            for (String s : new TreeSet<>(Arrays.asList(text))) {
                index.put(s, classes.size());
                classes.add(s);
            }
        }
        String col = "column " + column + (name != null ? " '" + name + "'" : "");
        if (classes.size() == 1)
            throw new CsvFormatException(file, "the target, " + col + ", is " + classes.getFirst() + " in all " + n
                    + (n == 1 ? " row" : " rows") + ": nothing to learn");
        Task task = forced != null ? forced
                : !numeric || whole && classes.size() <= MAX_INFERRED_CLASSES ? (classes.size() == 2 ? Task.BINARY : Task.CLASSIFY)
                : Task.REGRESS;
        float[] y = new float[n];
        switch (task) {
            case REGRESS -> {
                if (!numeric)
                    throw new CsvFormatException(file, line[firstText], column, name, "\"" + text[firstText]
                            + "\" is not a number, and a real-valued target must be one", null);
                for (int i = 0; i < n; i++) y[i] = (float) value[i];
                classes = List.of();
            }
            case CLASSIFY, BINARY -> {
                if (task == Task.BINARY && classes.size() != 2)
                    throw new CsvFormatException(file, "a binary target has two values, but the target, " + col + ", has " + classes.size()
                            + ": " + String.join(", ", classes.subList(0, Math.min(10, classes.size())))
                            + (classes.size() > 10 ? ", …" : ""));
                for (int i = 0; i < n; i++) y[i] = index.get(numeric ? (Object) value[i] : text[i]);
            }
        }
        return new Target(y, classes, task);
    }

    /** {@code s} (surrounding spaces aside) as a decimal number, or NaN when it is not one (text, empty, a NaN or infinity spelling). */
    static double number(String s) {
        s = s.strip();
        int i = 0, n = s.length(), digits = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) return Double.NaN;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) return Double.NaN;
        }
        // Double.parseDouble alone would also take "NaN", "0x1p3" and "1f"; pandas reads none of them as a number
        return i == n ? Double.parseDouble(s) : Double.NaN;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isInfinity(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("+") || t.startsWith("-")) t = t.substring(1);
        return t.equals("inf") || t.equals("infinity");
    }

    /** Why {@code raw}, in column {@code j}, is not a usable number. */
    private static CsvFormatException badNumber(Path file, long line, int j, String[] header, String raw, String hint) {
        String s = raw.strip();
        double d = number(s);
        String problem = s.isEmpty() ? "missing value"
                : MISSING.contains(s) ? "missing value \"" + s + "\""
                : isInfinity(s) ? "\"" + s + "\" is not a finite number"
                : !Double.isNaN(d) ? "\"" + s + "\" is beyond float32's range"
                : "\"" + s + "\" is not a number" + (hint != null ? ", and " + hint : "");
        return new CsvFormatException(file, line, j, header != null ? header[j] : null, problem, null);
    }

    /** The delimiter the first row (after {@code skipRows}) uses: the comma, else a tab, else whitespace, else the comma. */
    private static String detect(Path file, int skipRows) throws IOException {
        try (Rows rows = new Rows(file, ",")) {
            rows.skip(skipRows);
            Row r = rows.next();
            if (r == null || r.values().length > 1) return ",";
            String only = r.values()[0];
            if (only.indexOf('\t') >= 0) return "\t";
            return only.strip().matches(".*\\s.*") ? Options.WHITESPACE : ",";
        }
    }

    /** One record of the file: its values and the line it starts on. */
    private record Row(String[] values, long line) {}

    /** The file's records, one at a time, through Jackson's CSV parser. */
    private static final class Rows implements AutoCloseable {
        private static final CsvFactory TRIMMING = CsvFactory.builder()
                .enable(CsvParser.Feature.SKIP_EMPTY_LINES).enable(CsvParser.Feature.TRIM_SPACES).build();
        private static final CsvFactory KEEPING = CsvFactory.builder()
                .enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

        private final Path file;
        private final boolean whitespace;
        private final CsvParser parser;
        private final List<String> values = new ArrayList<>();
        private long line;

        Rows(Path file, String sep) throws IOException {
            this.file = file;
            this.whitespace = sep.equals(Options.WHITESPACE);
            InputStream in = new BufferedInputStream(Files.newInputStream(file));
            try {
                in.mark(2);
                boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
                in.reset();
                if (gzip) in = new GZIPInputStream(in, 1 << 16);
                // in whitespace mode a space separates and runs of them give empty values, dropped in next()
                parser = (whitespace ? KEEPING : TRIMMING).createParser(in);
                parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(whitespace ? ' ' : sep.charAt(0)));
            } catch (IOException e) {
                in.close();
                throw new CsvFormatException(file, 0, -1, null, "cannot be read: " + e.getMessage(), e);
            }
        }

        void skip(int n) throws IOException {
            for (int i = 0; i < n; i++)
                if (next() == null)
                    throw new CsvFormatException(file, "has " + i + (i == 1 ? " row" : " rows") + ", fewer than the " + n + " to skip");
        }

        /** The next record, or null at the end of the file; lines of nothing but spaces and tabs are skipped, as blank ones. */
        Row next() throws IOException {
            try {
                while (true) {
                    JsonToken t = parser.nextToken();
                    if (t == null) return null;
                    if (t != JsonToken.START_ARRAY) throw new IllegalStateException("expected a row, got " + t);
                    values.clear();
                    line = parser.currentLocation().getLineNr(); // where the row starts, until its first value says exactly
                    long start = -1;
                    while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                        // the row's first value carries the line the row starts on (START_ARRAY's location is the previous row's)
                        if (start < 0) line = start = parser.currentTokenLocation().getLineNr();
                        String v = parser.getText();
                        if (!whitespace) values.add(v);
                        else for (String part : v.split("\t")) if (!part.isEmpty()) values.add(part);
                    }
                    boolean blank = values.isEmpty() || values.size() == 1 && values.getFirst().isBlank();
                    if (!blank) return new Row(values.toArray(String[]::new), line);
                }
            } catch (JsonProcessingException e) {
                long at = e.getLocation() != null ? e.getLocation().getLineNr() : -1;
                throw new CsvFormatException(file, line, -1, null, e.getOriginalMessage() + (at > line ? " (noticed on line " + at + ")" : ""), e);
            } catch (CsvFormatException e) {
                throw e;
            } catch (IOException e) {
                // e.g. truncated or corrupt gzip data, or bytes that are not text in the file's encoding
                throw new CsvFormatException(file, line, -1, null, "cannot be read after this line: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }
}
