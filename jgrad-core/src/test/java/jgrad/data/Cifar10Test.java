package jgrad.data;

import static jgrad.data.IdxFiles.gzip;
import static jgrad.data.IdxFiles.sha256;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10's binary format, on small archives written here in that format, found, downloaded from 127.0.0.1, or broken. */
class Cifar10Test {
    static final String META = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";

    @TempDir
    Path tmp;

    /** {@code n} records whose label is {@code (first + i) % 10} and whose pixel p is {@code first + i + p}. */
    static byte[] batch(int first, int n) {
        byte[] b = new byte[n * CIFAR10.RECORD];
        for (int i = 0; i < n; i++) {
            b[i * CIFAR10.RECORD] = (byte) ((first + i) % 10);
            for (int p = 0; p < CIFAR10.IMAGE; p++) b[i * CIFAR10.RECORD + 1 + p] = (byte) (first + i + p);
        }
        return b;
    }

    /** The files of the binary version, batch k holding {@code k + 1} records, the test batch 4. */
    static Map<String, byte[]> files() {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("batches.meta.txt", META.getBytes(StandardCharsets.US_ASCII));
        // in another order than the training split's, which is by batch number
        for (int k : new int[]{3, 1, 5, 2, 4}) f.put("data_batch_" + k + ".bin", batch(100 * k, k));
        f.put("test_batch.bin", batch(7, 4));
        return f;
    }

    /** A ustar archive of {@code files} under {@code cifar-10-batches-bin/}, with a directory entry first as tar writes. */
    static byte[] tar(Map<String, byte[]> files) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(header(CIFAR10.FOLDER + "/", 0, '5'));
        files.forEach((name, bytes) -> {
            out.writeBytes(header(CIFAR10.FOLDER + "/" + name, bytes.length, '0'));
            out.writeBytes(bytes);
            out.writeBytes(new byte[(512 - bytes.length % 512) % 512]);
        });
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0001750");
        put(h, 116, "0001750");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 1234567890L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) sum += b & 0xFF;
        put(h, 148, String.format("%06o", sum));
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private Path archive(Map<String, byte[]> files) throws IOException {
        return Files.write(tmp.resolve("cifar-10-binary.tar.gz"), gzip(tar(files)));
    }

    private static void assertRecords(ImageDataset d, List<byte[]> batches, String what) {
        assertEquals(batches.stream().mapToInt(b -> b.length / CIFAR10.RECORD).sum(), d.size(), what);
        assertRecords(d, batches);
    }

    private static void assertRecords(ImageDataset d, List<byte[]> batches) {
        int i = 0;
        for (byte[] b : batches)
            for (int r = 0; r < b.length / CIFAR10.RECORD; r++, i++) {
                assertEquals(b[r * CIFAR10.RECORD] & 0xFF, d.label(i), "label " + i);
                byte[] px = new byte[CIFAR10.IMAGE];
                d.pixels().get(i * CIFAR10.IMAGE, px);
                assertArrayEquals(Arrays.copyOfRange(b, r * CIFAR10.RECORD + 1, (r + 1) * CIFAR10.RECORD), px, "image " + i);
            }
        assertEquals(i, d.size());
    }

    private static List<byte[]> trainBatches(Map<String, byte[]> f) {
        return CIFAR10.TRAIN_BATCHES.stream().map(f::get).toList();
    }

    @Test
    void readsBothSplitsOfAnArchiveInBatchOrder() throws IOException {
        Map<String, byte[]> f = files();
        Path a = archive(f);
        ImageDataset train = CIFAR10.read(a, true), test = CIFAR10.read(a, false);
        assertArrayEquals(new int[]{3, 32, 32}, train.sampleShape());
        assertEquals(15, train.size());
        assertRecords(train, trainBatches(f));
        assertRecords(test, List.of(f.get("test_batch.bin")));
        assertEquals("cifar-10/train", train.name());
        assertEquals("cifar-10/test", test.name());
        assertEquals(CIFAR10.SPEC.classNames(), train.classNames());
        // record 0 of batch 1: label 100 % 10 = 0, red (100 + p), green from p = 1024, blue from p = 2048
        assertEquals(100, train.pixel(0, 0, 0, 0));
        assertEquals((byte) (100 + 1024 + 32 + 2), (byte) train.pixel(0, 1, 1, 2));
    }

    @Test
    void readsAGunzippedArchiveAnExtractedFolderAndOwnClassNames() throws IOException {
        Map<String, byte[]> f = files();
        f.put("batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n".getBytes(StandardCharsets.US_ASCII));
        Path tar = Files.write(tmp.resolve("cifar-10-binary.tar"), tar(f));
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), CIFAR10.read(tar, false).classNames());
        Path dir = Files.createDirectories(tmp.resolve("x").resolve(CIFAR10.FOLDER));
        for (var e : f.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
        assertRecords(CIFAR10.read(dir, true), trainBatches(f));
        Files.delete(dir.resolve("batches.meta.txt"));
        assertEquals(CIFAR10.SPEC.classNames(), CIFAR10.read(dir, false).classNames(), "without the meta file, the published names");
    }

    @Test
    void readsWhatGnuTarWrites() throws IOException, InterruptedException {
        // GNU tar's own formats: long names as ././@LongLink entries (gnu) and as extended headers (pax)
        Map<String, byte[]> f = files();
        Path deep = tmp.resolve("src").resolve("a-folder-name-long-enough-to-need-more-than-the-hundred-bytes-of-a-tar-name-field")
                .resolve(CIFAR10.FOLDER);
        Files.createDirectories(deep);
        for (var e : f.entrySet()) Files.write(deep.resolve(e.getKey()), e.getValue());
        for (String format : List.of("gnu", "pax", "ustar")) {
            Path a = tmp.resolve(format + ".tar.gz");
            Process p;
            try {
                p = new ProcessBuilder("tar", "--format=" + format, "-czf", a.toString(), "-C", tmp.resolve("src").toString(), ".")
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                assumeTrue(false, "no tar command: " + e);
                return;
            }
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                assertEquals("ustar", format, "only ustar may refuse a long name: " + log);
                continue;
            }
            assertRecords(CIFAR10.read(a, true), trainBatches(f));
            assertRecords(CIFAR10.read(a, false), List.of(f.get("test_batch.bin")));
        }
    }

    @Test
    void truncatedRecordsBadLabelsAndMissingBatchesNameTheFile() throws IOException {
        Map<String, byte[]> f = files();
        f.put("data_batch_2.bin", Arrays.copyOf(f.get("data_batch_2.bin"), CIFAR10.RECORD + 100));
        Path a = archive(f);
        assertEquals(a + ": data_batch_2.bin: truncated record: 3173 bytes are 1 whole records of 3073 (a label and 3×32×32 pixels) and 100 bytes more",
                assertThrows(IOException.class, () -> CIFAR10.read(a, true)).getMessage());
        assertEquals(4, CIFAR10.read(a, false).size(), "the test split does not read the training batches");

        f = files();
        f.get("test_batch.bin")[2 * CIFAR10.RECORD] = 10;
        Path b = archive(f);
        assertEquals(b + ": test_batch.bin: label 10 of record 2 is not a class index 0..9",
                assertThrows(IOException.class, () -> CIFAR10.read(b, false)).getMessage());

        f = files();
        f.remove("data_batch_4.bin");
        Path c = archive(f);
        assertEquals(c + ": holds no data_batch_4.bin (CIFAR-10's binary version holds cifar-10-batches-bin/data_batch_1.bin … data_batch_5.bin,"
                + " test_batch.bin and batches.meta.txt)", assertThrows(IOException.class, () -> CIFAR10.read(c, true)).getMessage());

        f = files();
        f.put("batches.meta.txt", "cat\ndog\n".getBytes(StandardCharsets.US_ASCII));
        Path d = archive(f);
        assertEquals(d + ": batches.meta.txt: lists 2 class names [cat, dog]; CIFAR-10 has 10",
                assertThrows(IOException.class, () -> CIFAR10.read(d, false)).getMessage());

        Path dir = Files.createDirectories(tmp.resolve("extracted"));
        Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(batch(0, 2), CIFAR10.RECORD * 2 - 1));
        assertEquals(dir.resolve("test_batch.bin") + ": truncated record: 6145 bytes are 1 whole records of 3073 (a label and 3×32×32 pixels)"
                + " and 3072 bytes more", assertThrows(IOException.class, () -> CIFAR10.read(dir, false)).getMessage());
    }

    @Test
    void aDamagedArchiveIsAnErrorNamingIt() throws IOException {
        byte[] whole = gzip(tar(files()));
        Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(whole, whole.length / 2));
        var e = assertThrows(IOException.class, () -> CIFAR10.read(cut, true));
        assertTrue(e.getMessage().startsWith(cut + ": not a readable gzipped tar archive (java.io.EOFException"), e.getMessage());

        // a tar cut inside an entry: its header promises more than there is
        byte[] tar = tar(files());
        Path short_ = Files.write(tmp.resolve("short.tar"), Arrays.copyOf(tar, 512 * 4 + 1000));
        e = assertThrows(IOException.class, () -> CIFAR10.read(short_, true));
        assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(short_.toString())
                + ": truncated: cifar-10-batches-bin/data_batch_\\d\\.bin should hold \\d+ bytes but the archive ends after \\d+"), e.getMessage());

        // a header claiming a 2 GiB batch is refused before anything is read into memory
        var liar = new ByteArrayOutputStream();
        liar.writeBytes(header(CIFAR10.FOLDER + "/test_batch.bin", 1L << 31, '0'));
        liar.writeBytes(batch(0, 1));
        Path big = Files.write(tmp.resolve("big.tar"), liar.toByteArray());
        assertEquals(big + ": cifar-10-batches-bin/test_batch.bin: 2147483648 bytes is more than a batch jgrad reads (1073741824)",
                assertThrows(IOException.class, () -> CIFAR10.read(big, false)).getMessage());

        Path html = Files.writeString(tmp.resolve("page.tar.gz"), "<html>" + "x".repeat(600) + "</html>");
        e = assertThrows(IOException.class, () -> CIFAR10.read(html, true));
        assertTrue(e.getMessage().startsWith(html + ": not a tar archive (a header's checksum"), e.getMessage());
    }

    @Test
    void loadFindsTheArchiveOrTheFolderInTheUsualPlaces() throws IOException {
        Map<String, byte[]> f = files();
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("cifar-10"));
        Files.write(data.resolve("cifar-10/cifar-10-binary.tar.gz"), gzip(tar(f)));
        DataSource source = DataSource.fromEnvironment(Map.of("JGRAD_DATA", data.toString()), tmp.resolve("home")).withDownload(false);
        assertRecords(CIFAR10.load(source, true), trainBatches(f));

        Path given = tmp.resolve("given").resolve(CIFAR10.FOLDER);
        Files.createDirectories(given);
        Files.write(given.resolve("test_batch.bin"), batch(50, 3));
        assertRecords(CIFAR10.load(source.withDirectory(given.getParent()), false), List.of(batch(50, 3)));
        assertRecords(CIFAR10.load(source.withDirectory(given), false), List.of(batch(50, 3)), "the extracted folder itself");

        var e = assertThrows(DatasetUnavailableException.class, () -> CIFAR10.load(source.withDirectory(tmp.resolve("empty")), false));
        assertTrue(e.getMessage().startsWith("CIFAR-10 (test split) not found: need cifar-10-binary.tar.gz. Looked in:\n  " + tmp.resolve("empty")
                + "  (given directory)\nDownloading is switched off."), e.getMessage());
        assertTrue(e.getMessage().endsWith("\n  - or put the extracted cifar-10-batches-bin folder in one of the directories above"), e.getMessage());
    }

    @Test
    void downloadsFromAServerCheckingTheSha256() throws IOException {
        byte[] good = gzip(tar(files()));
        byte[][] body = {good};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> asked = new ArrayList<>();
        server.createContext("/kriz/", ex -> {
            asked.add(ex.getRequestURI().getPath());
            try (ex; OutputStream out = ex.getResponseBody()) {
                ex.sendResponseHeaders(200, body[0].length);
                out.write(body[0]);
            }
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/kriz/");
            var progress = new ByteArrayOutputStream();
            DataSource source = DataSource.fromEnvironment(Map.of(), tmp.resolve("home")).withBaseUrl(base).withTimeout(Duration.ofSeconds(5))
                    .withProgress(new PrintStream(progress, true, StandardCharsets.UTF_8));
            // the real archive's hash: the test archive is refused, and nothing is left under the final name
            var e = assertThrows(DatasetUnavailableException.class, () -> CIFAR10.load(source, true));
            assertTrue(e.getMessage().contains("cifar-10-binary.tar.gz: SHA-256 mismatch: expected " + CIFAR10.ARCHIVE.sha256()
                    + ", got " + sha256(good)), e.getMessage());
            Path cache = tmp.resolve("home/.cache/jgrad/cifar-10");
            assertEquals(List.of(), listing(cache));

            // the same dataset with the test archive's hash: downloaded once, then both splits read from the cache
            DatasetSpec spec = new DatasetSpec(CIFAR10.SPEC.name(), CIFAR10.SPEC.title(), CIFAR10.SPEC.classNames(),
                    DatasetSpec.Split.archive(new DatasetSpec.FileSpec(CIFAR10.ARCHIVE.name(), sha256(good))),
                    DatasetSpec.Split.archive(new DatasetSpec.FileSpec(CIFAR10.ARCHIVE.name(), sha256(good))),
                    CIFAR10.SPEC.baseUrl(), List.of(), null);
            assertRecords(CIFAR10.load(spec, source, true), trainBatches(files()));
            assertRecords(CIFAR10.load(spec, source.withDownload(false), false), List.of(files().get("test_batch.bin")));
            assertEquals(List.of("/kriz/cifar-10-binary.tar.gz", "/kriz/cifar-10-binary.tar.gz"), asked, "refused once, then downloaded once");
            assertEquals(List.of("cifar-10-binary.tar.gz"), listing(cache));
            assertTrue(progress.toString(StandardCharsets.UTF_8).contains("cifar-10-binary.tar.gz: 0.0 MB, SHA-256 verified"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theSpecIsThePublishedArchive() {
        assertEquals("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", CIFAR10.SPEC.baseUrl().resolve(CIFAR10.ARCHIVE.name()).toString());
        assertEquals(List.of(CIFAR10.ARCHIVE), CIFAR10.SPEC.train().files());
        assertEquals(List.of(CIFAR10.ARCHIVE), CIFAR10.SPEC.test().files());
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
