package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CsvTable's options, task inference and every error, on small files written here. */
class CsvTableTest {
    static final CsvTable.Options DEFAULT = CsvTable.Options.DEFAULT;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    private static float[] features(TensorDataset d) {
        int f = d.sampleShape()[0];
        float[] x = new float[d.size() * f];
        for (int i = 0; i < d.size(); i++) d.sample(i, x, i * f);
        return x;
    }

    private static float[] targets(TensorDataset d) {
        float[] y = new float[d.size()];
        for (int i = 0; i < d.size(); i++) d.target(i, y, i);
        return y;
    }

    /** The message of the CsvFormatException reading {@code file} with {@code o} throws, after the path. */
    private static String error(Path file, CsvTable.Options o) {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvTable.read(file, o));
        assertEquals(file.toString(), e.getMessage().substring(0, file.toString().length()));
        assertEquals(file, e.file());
        return e.getMessage().substring(file.toString().length());
    }

    private String error(String text, CsvTable.Options o) throws IOException {
        return error(write("t.csv", text), o);
    }

    private String error(String text) throws IOException {
        return error(text, DEFAULT);
    }

    @Test
    void headerAndTextTargetInTheLastColumn() throws IOException {
        TensorDataset d = CsvTable.read(write("flowers.csv", "length,width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n"));
        assertEquals("flowers.csv", d.name());
        assertEquals(4, d.size());
        assertArrayEquals(new int[]{2}, d.sampleShape());
        assertEquals(Task.CLASSIFY, d.task());
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
        assertArrayEquals(new float[]{5.1f, 3.5f, 7.0f, 3.2f, 6.3f, 3.3f, 4.9f, 3.0f}, features(d));
        assertArrayEquals(new float[]{0, 1, 2, 0}, targets(d));
    }

    @Test
    void targetByNameOrIndexAnywhere() throws IOException {
        Path f = write("t.csv", "y,a,b\n1.5,2,3\n2.5,4,5\n");
        for (CsvTable.Options o : List.of(DEFAULT.target("y"), DEFAULT.target(0), DEFAULT.target("0"))) {
            TensorDataset d = CsvTable.read(f, o);
            assertEquals(Task.REGRESS, d.task());
            assertArrayEquals(new float[]{2, 3, 4, 5}, features(d));
            assertArrayEquals(new float[]{1.5f, 2.5f}, targets(d));
        }
        // a header name that is a number is the name first, then an index
        Path g = write("g.csv", "2,0,x\n1,7,0.5\n2,8,1.5\n");
        assertArrayEquals(new float[]{0.5f, 1.5f}, targets(CsvTable.read(g, DEFAULT.target("x"))));
        assertArrayEquals(new float[]{7, 8}, targets(CsvTable.read(g, DEFAULT.target("0").task(Task.REGRESS))));
        assertArrayEquals(new float[]{0, 1}, targets(CsvTable.read(g, DEFAULT.target("2")))); // column 0: 1 and 2, two classes
        assertArrayEquals(new float[]{1, 2}, targets(CsvTable.read(g, DEFAULT.target(0).task(Task.REGRESS))));
    }

    @Test
    void skipRowsAndNoHeader() throws IOException {
        // sklearn's own first line, then rows without names
        Path f = write("s.csv", "3,2,no,yes\n1,2,0\n3,4,1\n5,6,1\n");
        TensorDataset d = CsvTable.read(f, DEFAULT.noHeader().skipRows(1));
        assertEquals(Task.BINARY, d.task());
        assertEquals(List.of("0", "1"), d.classNames());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, features(d));
        assertArrayEquals(new float[]{0, 1, 1}, targets(d));
        // the skipped line still counts for the line numbers in messages
        assertEquals(":3: column 1: \"x\" is not a number, and features must be numbers",
                error(write("s2.csv", "junk\n1,2,0\n3,x,1\n"), DEFAULT.noHeader().skipRows(1)));
    }

    @Test
    void delimiterDetected() throws IOException {
        float[] expected = {1, 2, 3, 4};
        assertArrayEquals(expected, features(CsvTable.read(write("c.csv", "1,2,0\n3,4,1\n"), DEFAULT.noHeader())));
        assertArrayEquals(expected, features(CsvTable.read(write("t.tsv", "a b\tc d\ty\n1\t2\t0\n3\t4\t1\n"))));
        assertArrayEquals(expected, features(CsvTable.read(write("w.txt", "  1   2 0\n  \t \n3\t 4  1  \n"), DEFAULT.noHeader())));
        assertArrayEquals(expected, features(CsvTable.read(write("b.csv", "a,b,y\n1,2,0\n   \n3,4,1\n"))));
        assertArrayEquals(expected, features(CsvTable.read(write("s.csv", "a;b;y\n1;2;0\n3;4;1\n"), DEFAULT.delimiter(";"))));
        assertArrayEquals(expected, features(CsvTable.read(write("s2.csv", "a\tb\ty\n1\t2\t0\n3\t4\t1\n"), DEFAULT.delimiter("tab"))));
        assertArrayEquals(expected, features(CsvTable.read(write("s3.csv", "1 2 0\n3 4 1\n"), DEFAULT.noHeader().delimiter("whitespace"))));
        assertEquals(":1: one column only, \"a;b;y\", but a table needs a feature and a target column (read with delimiter ','; is it another?)",
                error("a;b;y\n1;2;0\n"));
    }

    @Test
    void quotingBomLineEndingsBlankLinesAndGzipAreJacksons() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "\"a, first\",b,label\r\n1,\"2\",\"say \"\"hi\"\"\"\r\n\r\n3, 4 ,\"line\nbreak\"\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, bom.length);
        System.arraycopy(body, 0, all, bom.length, body.length);
        Path f = Files.write(dir.resolve("q.csv"), all);
        TensorDataset d = CsvTable.read(f, DEFAULT.target("label"));
        assertEquals(List.of("line\nbreak", "say \"hi\""), d.classNames());
        assertArrayEquals(new float[]{1, 2, 3, 4}, features(d));
        assertArrayEquals(new float[]{1, 0}, targets(d));
        // compressed, named .gz or not: the gzip magic decides
        for (String name : List.of("q.csv.gz", "q-gzipped.csv")) {
            Path gz = dir.resolve(name);
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
                o.write(all);
            }
            assertEquals(d.toString().replace("q.csv", name), CsvTable.read(gz, DEFAULT.target("label")).toString());
        }
        assertEquals(":3: Missing closing quote for value (noticed on line 4)", error("a,b,c\n1,2,0\n3,\"4\n"));
    }

    @Test
    void theTargetDecidesTheTask() throws IOException {
        TensorDataset ints = CsvTable.read(write("i.csv", "x,y\n1,10\n2,2\n3,1.0\n4,2\n"));
        assertEquals(Task.CLASSIFY, ints.task());
        assertEquals(List.of("1", "2", "10"), ints.classNames()); // sorted as numbers, 1.0 is 1
        assertArrayEquals(new float[]{2, 1, 0, 1}, targets(ints));
        TensorDataset yesNo = CsvTable.read(write("b.csv", "x,y\n1,yes\n2,no\n3,yes\n"));
        assertEquals(Task.BINARY, yesNo.task());
        assertEquals(List.of("no", "yes"), yesNo.classNames());
        assertArrayEquals(new float[]{1, 0, 1}, targets(yesNo));
        assertEquals(Task.REGRESS, CsvTable.read(write("r.csv", "x,y\n1,0.5\n2,1\n")).task());
        StringBuilder many = new StringBuilder("x,y\n");
        for (int i = 0; i <= CsvTable.MAX_INFERRED_CLASSES; i++) many.append(i).append(',').append(i).append('\n');
        TensorDataset wide = CsvTable.read(write("m.csv", many.toString()));
        assertEquals(Task.REGRESS, wide.task());
        assertEquals(Task.CLASSIFY, CsvTable.read(write("m2.csv", many.substring(0, many.lastIndexOf("20,")))).task());
        assertEquals(CsvTable.MAX_INFERRED_CLASSES, CsvTable.read(write("m3.csv", many.substring(0, many.lastIndexOf("20,")))).classNames().size());
    }

    @Test
    void anExplicitTaskOverridesTheInferredOne() throws IOException {
        Path yesNo = write("b.csv", "x,y\n1,yes\n2,no\n3,yes\n");
        TensorDataset two = CsvTable.read(yesNo, DEFAULT.task(Task.CLASSIFY));
        assertEquals(Task.CLASSIFY, two.task());
        assertEquals(List.of("no", "yes"), two.classNames());
        TensorDataset reals = CsvTable.read(write("r.csv", "x,y\n1,0.5\n2,.25\n3,0.50\n"), DEFAULT.task(Task.CLASSIFY));
        assertEquals(List.of(".25", "0.5"), reals.classNames()); // each value named by its first spelling
        assertArrayEquals(new float[]{1, 0, 1}, targets(reals));
        TensorDataset counts = CsvTable.read(write("c.csv", "x,y\n1,3\n2,5\n3,3\n"), DEFAULT.task(Task.REGRESS));
        assertEquals(Task.REGRESS, counts.task());
        assertEquals(List.of(), counts.classNames());
        assertArrayEquals(new float[]{3, 5, 3}, targets(counts));
        assertEquals(":2: column 1 'y': \"yes\" is not a number, and a real-valued target must be one", error(yesNo, DEFAULT.task(Task.REGRESS)));
        assertEquals(": a binary target has two values, but the target, column 2 'kind', has 3: a, b, c",
                error("x,z,kind\n1,2,a\n2,3,b\n3,4,c\n", DEFAULT.task(Task.BINARY)));
    }

    @Test
    void badFeatureValuesNameFileLineAndColumn() throws IOException {
        assertEquals(":3: column 1 'b': missing value", error("a,b,y\n1,2,0\n3,,1\n"));
        assertEquals(":3: column 1 'b': missing value \"NA\"", error("a,b,y\n1,2,0\n3,NA,1\n"));
        assertEquals(":2: column 0 'a': missing value \"NaN\"", error("a,b,y\nNaN,2,0\n3,4,1\n"));
        assertEquals(":2: column 0 'a': \"-inf\" is not a finite number", error("a,b,y\n-inf,2,0\n3,4,1\n"));
        assertEquals(":2: column 0 'a': \"1e39\" is beyond float32's range", error("a,b,y\n1e39,2,0\n3,4,1\n"));
        assertEquals(":2: column 0 'a': \"1e400\" is beyond float32's range", error("a,b,y\n1e400,2,0\n3,4,1\n"));
        assertEquals(":3: column 1 'b': \"4 kg\" is not a number, and features must be numbers", error("a,b,y\n1,2,0\n3,4 kg,1\n"));
        assertEquals(":1: column 0: \"0x1p3\" is not a number, and features must be numbers", error("0x1p3,2,0\n3,4,1\n", DEFAULT.noHeader()));
        assertEquals(":2: column 0: \"1f\" is not a number, and features must be numbers", error("1,2,0\n1f,4,1\n", DEFAULT.noHeader()));
    }

    @Test
    void badTargetValues() throws IOException {
        assertEquals(":3: column 2 'y': missing value", error("a,b,y\n1,2,0\n3,4,\n"));
        assertEquals(":2: column 2 'y': missing value \"null\"", error("a,b,y\n1,2,null\n3,4,1\n"));
        assertEquals(":3: column 2 'y': \"inf\" is not a finite number", error("a,b,y\n1,2,0.5\n3,4,inf\n"));
        assertEquals(": the target, column 2 'y', is 7 in all 2 rows: nothing to learn", error("a,b,y\n1,2,7\n3,4,7.0\n"));
        assertEquals(": the target, column 1, is cat in all 1 row: nothing to learn", error("1,cat\n", DEFAULT.noHeader()));
    }

    @Test
    void raggedRows() throws IOException {
        assertEquals(":4: 4 values, but the header has 3 columns", error("a,b,y\n1,2,0\n3,4,1\n5,6,7,1\n"));
        assertEquals(":3: 2 values, but line 1 has 3", error("1,2,0\n\n3,4\n", DEFAULT.noHeader()));
        assertEquals(":2: 1 value, but the header has 3 columns", error("a,b,y\n1\n"));
    }

    @Test
    void unknownTargetColumns() throws IOException {
        assertEquals(": no column 'specie'; the columns are length, width, species", error("length,width,species\n1,2,a\n", DEFAULT.target("specie")));
        assertEquals(": no column 3; the rows have 3 columns, 0..2", error("length,width,species\n1,2,a\n", DEFAULT.target(3)));
        assertEquals(": no column 7; the rows have 3 columns, 0..2", error("length,width,species\n1,2,a\n", DEFAULT.target("7")));
        assertEquals(": no column 'species': without a header, give the target column's index, 0..2",
                error("1,2,a\n3,4,b\n", DEFAULT.noHeader().target("species")));
        assertEquals(": columns [0, 2] are all named 'x'; give the target column's index", error("x,y,x\n1,2,3\n", DEFAULT.target("x")));
    }

    @Test
    void emptyFiles() throws IOException {
        assertEquals(": no header row", error(""));
        assertEquals(": no data rows and the header", error("a,b,y\n\n"));
        assertEquals(": no data rows after skipping 1 row", error("150,4\n", DEFAULT.noHeader().skipRows(1)));
        assertEquals(": has 1 row, fewer than the 3 to skip", error("150,4\n", DEFAULT.skipRows(3)));
    }

    @Test
    void unreadableBytes() throws IOException {
        Path gz = Files.write(dir.resolve("bad.csv.gz"), new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        assertEquals(": cannot be read: Unexpected end of ZLIB input stream", error(gz, DEFAULT));
        // a gzip stream cut short after some rows: the rows read so far say where
        StringBuilder rows = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 20000; i++) rows.append(i).append(',').append(i * 7 % 13).append(',').append(i % 3).append('\n');
        var bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bytes)) {
            o.write(rows.toString().getBytes(StandardCharsets.UTF_8));
        }
        Path cut = Files.write(dir.resolve("cut.csv.gz"), java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2));
        String m = error(cut, DEFAULT);
        assertTrue(m.matches(":[0-9]+: cannot be read after this line: Unexpected end of ZLIB input stream"), m);
    }

    @Test
    void badOptionsAreIllegalArguments() {
        assertEquals("a delimiter is one character (not a quote or line break), 'tab', 'whitespace' or 'auto', got ';;'",
                assertThrows(IllegalArgumentException.class, () -> DEFAULT.delimiter(";;")).getMessage());
        assertEquals("rows to skip must be non-negative, got -1", assertThrows(IllegalArgumentException.class, () -> DEFAULT.skipRows(-1)).getMessage());
        assertEquals("the target column's name is blank", assertThrows(IllegalArgumentException.class, () -> DEFAULT.target(" ")).getMessage());
        assertEquals("a column index is 0 or more, got -2", assertThrows(IllegalArgumentException.class, () -> DEFAULT.target(-2)).getMessage());
        assertEquals("\t", DEFAULT.delimiter("\\t").delimiter());
        assertEquals(CsvTable.Options.WHITESPACE, DEFAULT.delimiter("\\s+").delimiter());
        assertEquals(null, DEFAULT.delimiter(";").delimiter("auto").delimiter());
    }

    @Test
    void numbersAsPandasReadsThem() {
        assertEquals(1.5, CsvTable.number(" +1.5 "));
        assertEquals(-0.25, CsvTable.number("-.25"));
        assertEquals(3.0, CsvTable.number("3."));
        assertEquals(1e-3, CsvTable.number("1E-3"));
        for (String s : List.of("", ".", "e3", "1e", "1e+", "NaN", "Infinity", "0x10", "1d", "1,5", "--1"))
            assertEquals(Double.NaN, CsvTable.number(s), s);
    }
}
