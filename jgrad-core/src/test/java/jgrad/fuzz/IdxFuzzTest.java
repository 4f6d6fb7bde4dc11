package jgrad.fuzz;

import static jgrad.data.IdxFiles.gzip;
import static jgrad.data.IdxFiles.idx;
import static jgrad.data.IdxFiles.images;
import static jgrad.data.IdxFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.data.DataSource;
import jgrad.data.DatasetSpec;
import jgrad.data.IdxFormatException;
import jgrad.data.IdxReader;
import jgrad.data.ImageDataset;
import jgrad.fuzz.Fuzz.Expect;
import jgrad.fuzz.Fuzz.Input;
import jgrad.fuzz.Mutate.Field;

/** The mutation fuzz campaigns of the IDX images reader, the IDX labels reader and {@link ImageDataset#load}. */
class IdxFuzzTest {
    @TempDir
    Path dir;

    static final List<byte[]> IMAGE_SEEDS = List.of(images(5, 4, 3), images(0, 28, 28), images(2, 28, 28), images(40, 28, 28));
    static final List<byte[]> LABEL_SEEDS = List.of(labels(5, 10), labels(0, 10), labels(60, 10), labels(3000, 10));
    static final List<Field> IMAGE_FIELDS = List.of(new Field(0, 4, false), new Field(4, 4, false), new Field(8, 4, false), new Field(12, 4, false));
    static final List<Field> LABEL_FIELDS = IMAGE_FIELDS.subList(0, 2);
    static final List<String> CLASSES = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    @Test
    void imagesReader() throws IOException {
        Fuzz.campaign("idx-images", IMAGES, Fuzz.INPUTS, r -> {
            Mutated m = mutate(r, IMAGE_SEEDS.get(r.nextInt(IMAGE_SEEDS.size())), 16, IMAGE_FIELDS, IMAGE_FIELDS.subList(1, 4));
            return new Input(m.how(), m.expect(), m.file());
        }, dir);
    }

    @Test
    void labelsReader() throws IOException {
        Fuzz.campaign("idx-labels", LABELS, Fuzz.INPUTS, r -> {
            Mutated m = mutate(r, LABEL_SEEDS.get(r.nextInt(LABEL_SEEDS.size())), 8, LABEL_FIELDS, List.of());
            return new Input(m.how(), m.expect(), m.file());
        }, dir);
    }

    @Test
    void imageDatasetLoad() throws IOException {
        Fuzz.campaign("image-dataset", DATASET, Fuzz.INPUTS, IdxFuzzTest::dataset, dir);
    }

    /** A mutated IDX file: its plain bytes when the mutation was made before gzip (else null), the file, and how. */
    record Mutated(byte[] plain, byte[] file, String how, Expect expect) {}

    /** Mutates the plain file, the plain file then gzips it, or gzips it then mutates the gzip bytes. */
    static Mutated mutate(SplittableRandom r, byte[] seed, int header, List<Field> fields, List<Field> product) {
        var how = new StringBuilder();
        int mode = r.nextInt(3);
        if (mode < 2) {
            byte[] plain = Mutate.bytes(r, seed, header, fields, product, how);
            Expect e = expect(how); // appended bytes make a longer payload than the header says
            return mode == 0 ? new Mutated(plain, plain, "plain: " + how, e) : new Mutated(plain, gzip(plain), "gzip of: " + how, e);
        }
        byte[] gz = gzip(seed);
        int n = gz.length;
        // the gzip header's flags and mtime, and the trailer's CRC-32 and size
        var gzFields = List.of(new Field(3, 1, true), new Field(4, 4, true), new Field(n - 8, 4, true), new Field(n - 4, 4, true));
        byte[] file = Mutate.bytes(r, gz, 10, gzFields, List.of(), how);
        return new Mutated(null, file, "gzip bytes: " + how, expect(how));
    }

    /** Junk appended to a valid file is refused by every format here; other mutations may or may not leave a valid file. */
    static Expect expect(StringBuilder how) {
        return Mutate.onlyAppended(how.toString()) ? Expect.REFUSE : Expect.EITHER;
    }

    static Input dataset(SplittableRandom r) {
        int count = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(6);
        byte[] images = images(count, 1 + r.nextInt(5), 1 + r.nextInt(5)), labels = labels(count, CLASSES.size());
        String how = "";
        Expect expect = Expect.EITHER;
        int which = r.nextInt(3); // 0: images mutated, 1: labels, 2: both
        if (which != 1) {
            Mutated m = mutate(r, images, 16, IMAGE_FIELDS, IMAGE_FIELDS.subList(1, 4));
            images = m.file();
            how += "images " + m.how();
            expect = m.expect();
            // labels that agree with the mutated image count, so that the images' header reaches ImageDataset's own checks
            long n = m.plain() == null || m.plain().length < 8 ? -1 : Mutate.get(m.plain(), new Field(4, 4, false));
            if (which == 0 && n >= 0 && n <= 4096) labels = labels((int) n, CLASSES.size());
        }
        if (which != 0) {
            Mutated m = mutate(r, labels, 8, LABEL_FIELDS, List.of());
            labels = m.file();
            how += " labels " + m.how();
            if (m.expect() == Expect.REFUSE) expect = Expect.REFUSE;
        }
        if (r.nextBoolean()) images = gzipUnlessGzip(images);
        if (r.nextBoolean()) labels = gzipUnlessGzip(labels);
        return new Input(how, expect, images, labels);
    }

    private static byte[] gzipUnlessGzip(byte[] b) {
        return isGzip(b) ? b : gzip(b);
    }

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    /** The bytes as the JDK's gzip decoder sees them (itself lenient about what follows the last member). */
    static byte[] decoded(byte[] b) {
        if (!isGzip(b)) return b;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("accepted a file that GZIPInputStream refuses: " + e);
        }
    }

    /** Bytes of decoded content that really exist, without trusting any header (0 past a gzip error). */
    static long present(byte[] b) {
        if (!isGzip(b)) return b.length;
        long n = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            n = in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // what was decoded before the error is counted by the bound below
        }
        return b.length + Math.max(n, 0);
    }

    static final Fuzz.Target<IdxReader.Images> IMAGES = new Fuzz.Target<>() {
        public List<String> names() {
            return List.of("images-idx3-ubyte");
        }

        public Class<? extends IOException> refusal() {
            return IdxFormatException.class;
        }

        public IdxReader.Images read(List<Path> files) throws IOException {
            return IdxReader.readImages(files.getFirst());
        }

        public void check(Input in, IdxReader.Images im) {
            assertEquals(BigInteger.valueOf(im.count()).multiply(BigInteger.valueOf(im.rows())).multiply(BigInteger.valueOf(im.cols())),
                    BigInteger.valueOf(im.pixels().length), "count × rows × cols = pixels");
            assertArrayEquals(decoded(in.files()[0]), idx(new int[]{im.count(), im.rows(), im.cols()}, im.pixels()), "re-serialised file");
        }

        public long present(Input in) {
            return IdxFuzzTest.present(in.files()[0]);
        }
    };

    static final Fuzz.Target<byte[]> LABELS = new Fuzz.Target<>() {
        public List<String> names() {
            return List.of("labels-idx1-ubyte");
        }

        public Class<? extends IOException> refusal() {
            return IdxFormatException.class;
        }

        public byte[] read(List<Path> files) throws IOException {
            return IdxReader.readLabels(files.getFirst());
        }

        public void check(Input in, byte[] labels) {
            assertArrayEquals(decoded(in.files()[0]), idx(new int[]{labels.length}, labels), "re-serialised file");
        }

        public long present(Input in) {
            return IdxFuzzTest.present(in.files()[0]);
        }
    };

    static final String SHA = "0".repeat(64);
    static final DatasetSpec.Split SPLIT = new DatasetSpec.Split(new DatasetSpec.FileSpec("t-images-idx3-ubyte.gz", SHA),
            new DatasetSpec.FileSpec("t-labels-idx1-ubyte.gz", SHA));
    static final DatasetSpec SPEC = new DatasetSpec("fuzz", "Fuzz", CLASSES, SPLIT, SPLIT, URI.create("http://127.0.0.1:9/"), List.of(), null);

    static final Fuzz.Target<ImageDataset> DATASET = new Fuzz.Target<>() {
        public List<String> names() {
            return List.of("t-images-idx3-ubyte.gz", "t-labels-idx1-ubyte.gz");
        }

        public Class<? extends IOException> refusal() {
            return IdxFormatException.class;
        }

        public ImageDataset read(List<Path> files) throws IOException {
            return ImageDataset.load(SPEC, DataSource.defaults().withDirectory(files.getFirst().getParent()).withDownload(false), true);
        }

        public void check(Input in, ImageDataset ds) {
            ByteBuffer im = ByteBuffer.wrap(decoded(in.files()[0])), lb = ByteBuffer.wrap(decoded(in.files()[1]));
            assertEquals(im.getInt(4), ds.size());
            assertEquals(im.getInt(8), ds.rows());
            assertEquals(im.getInt(12), ds.cols());
            assertEquals(BigInteger.valueOf(ds.size()).multiply(BigInteger.valueOf(ds.rows())).multiply(BigInteger.valueOf(ds.cols())),
                    BigInteger.valueOf(ds.pixels().capacity()), "size × rows × cols = pixels");
            byte[] px = Arrays.copyOfRange(im.array(), 16, im.capacity());
            assertEquals(ds.size(), lb.capacity() - 8, "one label per image");
            assertEquals(ByteBuffer.wrap(px), ds.pixels(), "pixels");
            for (int i = 0; i < ds.size(); i++) {
                assertEquals(lb.get(8 + i) & 0xff, ds.label(i));
                assertTrue(ds.label(i) < CLASSES.size());
                for (int y = 0; y < ds.rows(); y++)
                    for (int x = 0; x < ds.cols(); x++)
                        assertEquals(px[(i * ds.rows() + y) * ds.cols() + x] & 0xff, ds.pixel(i, y, x));
            }
        }

        public long present(Input in) {
            return IdxFuzzTest.present(in.files()[0]) + IdxFuzzTest.present(in.files()[1]);
        }
    };
}
