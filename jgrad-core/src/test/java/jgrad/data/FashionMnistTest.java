package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Fashion-MNIST files from Debian's dataset-fashion-mnist (skipped where not installed).
 * Expected values were computed once from the same files with Python/numpy.
 */
class FashionMnistTest {
    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    @BeforeAll
    static void needDebianFiles() {
        assumeTrue(Files.isRegularFile(DEBIAN.resolve("t10k-labels-idx1-ubyte.gz")), "apt-get install dataset-fashion-mnist");
    }

    private static DataSource debianOnly() {
        return DataSource.defaults().withDirectory(DEBIAN).withDownload(false);
    }

    private static long pixelSum(ImageDataset d) {
        ByteBuffer px = d.pixels();
        long sum = 0;
        while (px.hasRemaining()) sum += px.get() & 0xFF;
        return sum;
    }

    @Test
    void trainingSplit() throws IOException {
        ImageDataset train = FashionMNIST.load(debianOnly(), true);
        assertEquals(60000, train.size());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertEquals("fashion-mnist/train", train.name());
        int[] first = new int[10];
        for (int i = 0; i < 10; i++) first[i] = train.label(i);
        assertArrayEquals(new int[]{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, first);
        assertEquals("Ankle boot", train.classNames().get(train.label(0)));
        assertEquals(217, train.pixel(0, 14, 14));
        assertEquals(3431114169L, pixelSum(train));
    }

    @Test
    void testSplit() throws IOException {
        ImageDataset test = FashionMNIST.load(debianOnly(), false);
        assertEquals(10000, test.size());
        int[] first = new int[10];
        for (int i = 0; i < 10; i++) first[i] = test.label(i);
        assertArrayEquals(new int[]{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, first);
        assertEquals(110, test.pixel(0, 14, 14));
        assertEquals(573469082L, pixelSum(test));
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) perClass[test.label(i)]++;
        assertArrayEquals(new int[]{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
    }

    @Test
    void classNames() {
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
                FashionMNIST.SPEC.classNames());
    }

    /**
     * Debian's files are the published ones with the gzip header normalised (file name dropped,
     * time stamp replaced). Restoring the published header — name and upstream time stamp, the
     * latter found by search against the upstream MD5 — gives the published bytes: their MD5 is
     * upstream's, so their SHA-256 must be the one the spec checks downloads against.
     */
    @Test
    void specHashesAreThoseOfThePublishedFiles() throws Exception {
        record Published(DatasetSpec.FileSpec file, int mtime, String md5) {}
        var split = FashionMNIST.SPEC;
        for (Published p : List.of(
                new Published(split.train().images(), 1504176606, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                new Published(split.train().labels(), 1504176606, "25c81989df183df01b3e8a0aad5dffbe"),
                new Published(split.test().images(), 1504176627, "bef4ecab320f06d8554ea6380940ec79"),
                new Published(split.test().labels(), 1504176627, "bb300cfdad3c16e7a12a480ee83cd310"))) {
            byte[] published = republish(p.file().name(), p.mtime());
            assertEquals(p.md5(), digest("MD5", published), p.file().name());
            assertEquals(p.file().sha256(), digest("SHA-256", published), p.file().name());
        }
    }

    /** The Debian file with the published gzip header: FNAME flag, original name, original mtime. */
    static byte[] republish(String name, int mtime) throws IOException {
        byte[] debian = Files.readAllBytes(DEBIAN.resolve(name));
        byte[] fname = (name.replaceFirst("\\.gz$", "") + "\0").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(debian.length + fname.length);
        b.put(debian, 0, 3).put((byte) 0x08);                                     // ID1 ID2 CM, FLG = FNAME
        b.put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(mtime).array());
        b.put(debian, 8, 2).put(fname).put(debian, 10, debian.length - 10);       // XFL OS, name, deflate data + trailer
        return b.array();
    }

    static String digest(String algorithm, byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    /** The real spec end to end: the published test files served locally pass the SHA-256 check. */
    @Test
    void downloadsAndVerifiesThePublishedFiles(@TempDir Path tmp) throws Exception {
        Map<String, byte[]> files = new ConcurrentHashMap<>(Map.of(
                "t10k-images-idx3-ubyte.gz", republish("t10k-images-idx3-ubyte.gz", 1504176627),
                "t10k-labels-idx1-ubyte.gz", republish("t10k-labels-idx1-ubyte.gz", 1504176627)));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = files.get(ex.getRequestURI().getPath().substring(1));
            try (ex) {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        try {
            DataSource source = DataSource.defaults().withProgress(null)
                    .withBaseUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
            ImageDataset test = FashionMNIST.load(source.withDirectory(tmp.resolve("a")), false);
            assertEquals(573469082L, pixelSum(test));

            // Debian's bytes are not the published ones, so a server handing them out is refused
            files.put("t10k-labels-idx1-ubyte.gz", Files.readAllBytes(DEBIAN.resolve("t10k-labels-idx1-ubyte.gz")));
            var e = assertThrows(DatasetUnavailableException.class, () -> FashionMNIST.load(source.withDirectory(tmp.resolve("b")), false));
            assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz: SHA-256 mismatch: expected 67da17c7"), e.getMessage());
            try (var left = Files.list(tmp.resolve("b"))) {
                assertEquals(List.of(tmp.resolve("b/t10k-images-idx3-ubyte.gz")), left.toList());
            }
        } finally {
            server.stop(0);
        }
    }
}
