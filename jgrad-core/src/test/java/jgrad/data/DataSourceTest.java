package jgrad.data;

import static jgrad.data.IdxFiles.gzip;
import static jgrad.data.IdxFiles.images;
import static jgrad.data.IdxFiles.labels;
import static jgrad.data.IdxFiles.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File search, downloads against a server on 127.0.0.1, and the errors when both fail. */
class DataSourceTest {
    static final byte[] TEST_IMAGES = gzip(images(6, 3, 4)), TEST_LABELS = gzip(labels(6, 3));
    static final byte[] TRAIN_IMAGES = gzip(images(9, 3, 4)), TRAIN_LABELS = gzip(labels(9, 3));

    @TempDir
    Path tmp;
    Path system;
    DatasetSpec spec;
    HttpServer server;
    /** What the server answers for each file name: a body, or a special behaviour. */
    final Map<String, Response> responses = new ConcurrentHashMap<>();
    final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    sealed interface Response {}
    record Body(byte[] bytes) implements Response {}
    record Status(int code) implements Response {}
    record Stall(long millis) implements Response {}

    @BeforeEach
    void start() throws IOException {
        system = Files.createDirectories(tmp.resolve("system"));
        spec = new DatasetSpec("tiny", "Tiny", List.of("a", "b", "c"),
                new DatasetSpec.Split(new DatasetSpec.FileSpec("train-images-idx3-ubyte.gz", sha256(TRAIN_IMAGES)),
                        new DatasetSpec.FileSpec("train-labels-idx1-ubyte.gz", sha256(TRAIN_LABELS))),
                new DatasetSpec.Split(new DatasetSpec.FileSpec("t10k-images-idx3-ubyte.gz", sha256(TEST_IMAGES)),
                        new DatasetSpec.FileSpec("t10k-labels-idx1-ubyte.gz", sha256(TEST_LABELS))),
                URI.create("http://192.0.2.1/never-contacted/"), List.of(system), "dataset-tiny");
        responses.put("train-images-idx3-ubyte.gz", new Body(TRAIN_IMAGES));
        responses.put("train-labels-idx1-ubyte.gz", new Body(TRAIN_LABELS));
        responses.put("t10k-images-idx3-ubyte.gz", new Body(TEST_IMAGES));
        responses.put("t10k-labels-idx1-ubyte.gz", new Body(TEST_LABELS));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/files/", this::serve);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/files/".length());
        try (ex; OutputStream out = ex.getResponseBody()) {
            switch (responses.getOrDefault(name, new Status(404))) {
                case Body(byte[] b) -> {
                    ex.sendResponseHeaders(200, b.length);
                    out.write(b);
                }
                case Status(int code) -> ex.sendResponseHeaders(code, -1);
                case Stall(long millis) -> {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/");
    }

    /** A source seeing only this test's directories, downloading from the local server. */
    private DataSource source(Map<String, String> env) {
        return DataSource.fromEnvironment(env, tmp.resolve("home")).withBaseUrl(base())
                .withProgress(new PrintStream(progress, true, StandardCharsets.UTF_8)).withTimeout(Duration.ofSeconds(5));
    }

    private DataSource source() {
        return source(Map.of());
    }

    private Path cache() {
        return tmp.resolve("home/.cache/jgrad/tiny");
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsIntoTheCacheVerifiesAndLoads() throws IOException {
        ImageDataset test = ImageDataset.load(spec, source(), false);
        assertEquals(6, test.size());
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"), listing(cache()));
        String log = progress.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("t10k-images-idx3-ubyte.gz: downloading " + base() + "t10k-images-idx3-ubyte.gz"), log);
        assertTrue(log.contains("t10k-labels-idx1-ubyte.gz: 0.0 MB, SHA-256 verified"), log);

        server.stop(0);
        assertEquals(6, ImageDataset.load(spec, source().withDownload(false), false).size(), "second time from the cache");
    }

    @Test
    void downloadsIntoAnExplicitDirectoryOnlyWhatIsMissing() throws IOException {
        Path dir = tmp.resolve("given");
        Files.createDirectories(dir);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxFiles.labels(6, 3));   // gunzipped copy
        responses.remove("t10k-labels-idx1-ubyte.gz");
        ImageDataset test = ImageDataset.load(spec, source().withDirectory(dir), false);
        assertEquals(6, test.size());
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte"), listing(dir));
        assertFalse(Files.exists(cache()));
    }

    @Test
    void sha256MismatchLeavesNothingBehind() {
        byte[] evil = TEST_IMAGES.clone();
        evil[evil.length / 2] ^= 1;
        responses.put("t10k-images-idx3-ubyte.gz", new Body(evil));
        var e = assertThrows(DatasetUnavailableException.class, () -> ImageDataset.load(spec, source(), false));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz: SHA-256 mismatch: expected " + sha256(TEST_IMAGES)
                + ", got " + sha256(evil)), e.getMessage());
        assertNoFinalFiles();
    }

    @Test
    void truncatedBodyLeavesNothingBehind() throws IOException {
        // HttpServer cannot hang up mid-body, so a raw socket announces the full length, sends half and closes
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = socket.accept()) {
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    while (!in.readLine().isEmpty()) {
                        // skip the request headers
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + TEST_IMAGES.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(TEST_IMAGES, 0, TEST_IMAGES.length / 2);
                } catch (IOException e) {
                    // the test fails on its own if the answer never comes
                }
            });
            URI base = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
            var e = assertThrows(DatasetUnavailableException.class, () -> ImageDataset.load(spec, source().withBaseUrl(base), false));
            assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz: truncated download: received "
                    + TEST_IMAGES.length / 2 + " of " + TEST_IMAGES.length + " bytes"), e.getMessage());
            assertNoFinalFiles();
        }
    }

    @Test
    void httpErrorNamesFileAndStatus() {
        responses.put("t10k-images-idx3-ubyte.gz", new Status(404));
        var e = assertThrows(DatasetUnavailableException.class, () -> ImageDataset.load(spec, source(), false));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz: HTTP 404"), e.getMessage());
        assertNoFinalFiles();
    }

    @Test
    void stalledServerTimesOut() {
        responses.put("t10k-images-idx3-ubyte.gz", new Stall(1000));
        var e = assertThrows(DatasetUnavailableException.class,
                () -> ImageDataset.load(spec, source().withTimeout(Duration.ofMillis(200)), false));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz: no answer from " + base() + "t10k-images-idx3-ubyte.gz within 200 ms"),
                e.getMessage());
        assertNoFinalFiles();
    }

    private void assertNoFinalFiles() {
        try {
            // the labels may have arrived; the failed images file must not exist, not even as a .part
            assertEquals(List.of(), listing(cache()).stream().filter(n -> n.contains("images")).toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void offlineErrorListsPlacesAndHowToGetTheFiles() {
        Map<String, String> env = Map.of("JGRAD_DATA", tmp.resolve("data").toString());
        var e = assertThrows(DatasetUnavailableException.class,
                () -> ImageDataset.load(spec, source(env).withDownload(false), true));
        assertEquals("""
                Tiny (training split) not found: need train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz. Looked in:
                  %1$s/data/tiny  ($JGRAD_DATA/tiny)
                  %1$s/data  ($JGRAD_DATA)
                  %1$s/home/.cache/jgrad/tiny  (user cache)
                  %1$s/system  (system, Debian package dataset-tiny)
                Downloading is switched off.
                To get the files, do one of:
                  - apt-get install dataset-tiny
                  - set JGRAD_DATA to a directory holding the files, or pass --data-dir DIR
                  - allow downloading; the files are then saved in %1$s/home/.cache/jgrad/tiny
                  - download them by hand from %2$s into one of the directories above""".formatted(tmp, base()),
                e.getMessage());
        assertFalse(Files.exists(cache()));
    }

    @Test
    void unreachableServerIsReportedWithTheUnsetVariable() throws IOException {
        server.stop(0);
        var e = assertThrows(DatasetUnavailableException.class, () -> ImageDataset.load(spec, source(), false));
        assertTrue(e.getMessage().contains("($JGRAD_DATA is not set)"), e.getMessage());
        assertTrue(e.getMessage().contains("Downloading into " + cache() + " failed: t10k-images-idx3-ubyte.gz: download from "
                + base() + "t10k-images-idx3-ubyte.gz failed: java.net.ConnectException"), e.getMessage());
        assertTrue(listing(cache()).isEmpty());
    }

    @Test
    void searchOrderIsEnvThenCacheThenSystem() throws IOException {
        Path data = tmp.resolve("data");
        Map<String, String> env = Map.of("JGRAD_DATA", data.toString(), "XDG_CACHE_HOME", tmp.resolve("xdg").toString());
        assertEquals(List.of(data.resolve("tiny"), data, tmp.resolve("xdg/jgrad/tiny"), system),
                source(env).places(spec).stream().map(DataSource.Place::dir).toList());

        putTestFiles(system, 6);
        putTestFiles(tmp.resolve("xdg/jgrad/tiny"), 5);
        putTestFiles(data, 4);
        assertEquals(4, ImageDataset.load(spec, source(env).withDownload(false), false).size());
        putTestFiles(data.resolve("tiny"), 3);
        assertEquals(3, ImageDataset.load(spec, source(env).withDownload(false), false).size());
        assertEquals(5, ImageDataset.load(spec, source(Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString())).withDownload(false), false).size());
        assertEquals(6, ImageDataset.load(spec, source().withDownload(false), false).size());
    }

    @Test
    void relativeXdgCacheHomeIsIgnored() {
        assertEquals(tmp.resolve("home/.cache/jgrad/tiny"),
                source(Map.of("XDG_CACHE_HOME", "relative/dir")).downloadDirectory(spec));
    }

    @Test
    void explicitDirectoryIsTheOnlyPlace() {
        Path dir = tmp.resolve("given");
        putTestFiles(system, 6);
        var e = assertThrows(DatasetUnavailableException.class,
                () -> ImageDataset.load(spec, source().withDirectory(dir).withDownload(false), false));
        assertTrue(e.getMessage().contains("Looked in:\n  " + dir + "  (given directory)\nDownloading is switched off."), e.getMessage());
    }

    @Test
    void labelAndImageCountsMustAgree() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("given"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(6, 3, 4)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(5, 3)));
        var e = assertThrows(IdxFormatException.class, () -> ImageDataset.load(spec, source().withDirectory(dir), false));
        assertEquals(dir.resolve("t10k-labels-idx1-ubyte.gz") + ": has 5 labels but " + dir.resolve("t10k-images-idx3-ubyte.gz")
                + " has 6 images", e.getMessage());
    }

    @Test
    void labelsMustBeClassIndices() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("given"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(6, 3, 4)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(6, 4)));
        var e = assertThrows(IdxFormatException.class, () -> ImageDataset.load(spec, source().withDirectory(dir), false));
        assertEquals(dir.resolve("t10k-labels-idx1-ubyte.gz") + ": label 3 at index 3 is not a class index 0..2", e.getMessage());
    }

    private static void putTestFiles(Path dir, int count) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(count, 3, 4)));
            Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(count, 3)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
