package jgrad.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Krizhevsky's CIFAR-10: 32×32 colour images in 10 classes, 50,000 for training and 10,000 for
 * testing; torchvision's {@code datasets.CIFAR10}, read from the binary version of the dataset
 * ({@code cifar-10-binary.tar.gz}, 170,052,171 bytes) rather than the Python pickles.
 *
 * <p>The archive holds {@code cifar-10-batches-bin/data_batch_1.bin} … {@code data_batch_5.bin}
 * (the training split, in that order), {@code test_batch.bin} and {@code batches.meta.txt} (the
 * class names, one a line). Each {@code .bin} is a run of 3,073-byte records: one label byte
 * 0..9, then the 1,024 red, 1,024 green and 1,024 blue values of a 32×32 image, each plane
 * row-major, which is the {@code [3, 32, 32]} layout of an {@link ImageDataset} as it is.
 *
 * <p>The archive is found or downloaded as {@link DataSource} describes (in {@code cifar-10} under
 * {@code $JGRAD_DATA} or the user cache), and read without extracting it; an extracted
 * {@code cifar-10-batches-bin} folder in one of those places is read too. A download is checked
 * against the archive's SHA-256 before it is used. A truncated record, a label of 10 or more, a
 * missing batch or a damaged archive is an {@link IOException} naming the file.
 *
 * <pre>{@code
 * ImageDataset train = CIFAR10.load(true);                  // 50000 images of 3×32×32
 * ImageDataset test = CIFAR10.read(Path.of("cifar-10-binary.tar.gz"), false);
 * }</pre>
 */
public final class CIFAR10 {
    public static final int CHANNELS = 3, SIDE = 32;
    static final int IMAGE = CHANNELS * SIDE * SIDE, RECORD = 1 + IMAGE;
    /** The folder the archive's files are in, and which extracting it creates. */
    public static final String FOLDER = "cifar-10-batches-bin";
    static final List<String> TRAIN_BATCHES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin");
    static final List<String> TEST_BATCHES = List.of("test_batch.bin");
    static final String META = "batches.meta.txt";
    /** A batch of the published archive is 30,730,000 bytes; one that claims more than this is refused before it is read. */
    private static final long MAX_BATCH = 1L << 30;

    /** The archive as published; its MD5, c32a1d4ab5d03f1284b67883e8d87530, is the one the dataset's page and torchvision list. */
    public static final DatasetSpec.FileSpec ARCHIVE = new DatasetSpec.FileSpec("cifar-10-binary.tar.gz",
            "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd");

    public static final DatasetSpec SPEC = new DatasetSpec(
            "cifar-10", "CIFAR-10",
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
            DatasetSpec.Split.archive(ARCHIVE), DatasetSpec.Split.archive(ARCHIVE),
            URI.create("https://www.cs.toronto.edu/~kriz/"), List.of(), null);

    private CIFAR10() {}

    /** The training ({@code true}) or test split, from the usual places, downloading if missing. */
    public static ImageDataset load(boolean train) throws IOException {
        return load(DataSource.defaults(), train);
    }

    /**
     * The training or test split: in each of {@code source}'s places in turn, the archive (or it
     * gunzipped, {@code cifar-10-binary.tar}), an extracted {@value #FOLDER} folder, or the
     * extracted files themselves; if none has any, the archive is downloaded when {@code source} allows.
     *
     * @throws DatasetUnavailableException if the data is nowhere and could not be downloaded
     */
    public static ImageDataset load(DataSource source, boolean train) throws IOException {
        return load(SPEC, source, train);
    }

    /** {@link #load(DataSource, boolean)} of a spec naming the archive differently (a mirror's copy, or a test's). */
    static ImageDataset load(DatasetSpec spec, DataSource source, boolean train) throws IOException {
        DatasetSpec.FileSpec archiveFile = spec.split(train).images();
        for (DataSource.Place place : source.places(spec)) {
            Path archive = DataSource.existing(place.dir(), archiveFile.name());
            if (archive != null) return read(archive, train);
            for (Path folder : List.of(place.dir().resolve(FOLDER), place.dir()))
                if (batches(train).stream().allMatch(b -> Files.isRegularFile(folder.resolve(b)))) return read(folder, train);
        }
        Path archive;
        try {
            archive = source.locate(spec, train).images();
        } catch (DatasetUnavailableException e) {
            throw new DatasetUnavailableException(e.getMessage() + "\n  - or put the extracted " + FOLDER
                    + " folder in one of the directories above", e.getCause());
        }
        return read(archive, train);
    }

    /**
     * The training or test split from {@code path}: the archive (gzipped or not), or a folder
     * holding the extracted {@code .bin} files (and, optionally, {@code batches.meta.txt}).
     */
    public static ImageDataset read(Path path, boolean train) throws IOException {
        boolean folder = Files.isDirectory(path);
        Map<String, byte[]> files = folder ? readFolder(path, train) : readArchive(path, train);
        List<String> classNames = files.containsKey(META) ? classNames(files.get(META), where(path, folder, META)) : SPEC.classNames();
        List<byte[]> batches = new ArrayList<>();
        for (String b : batches(train)) batches.add(files.get(b));
        return records(batches, batches(train), path, folder, classNames, SPEC.name() + (train ? "/train" : "/test"));
    }

    /** How a message names one of the dataset's files: its path, or the archive's path and its name. */
    private static String where(Path path, boolean folder, String name) {
        return folder ? path.resolve(name).toString() : path + ": " + name;
    }

    private static List<String> batches(boolean train) {
        return train ? TRAIN_BATCHES : TEST_BATCHES;
    }

    private static Map<String, byte[]> readFolder(Path dir, boolean train) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        for (String b : batches(train)) {
            Path f = dir.resolve(b);
            if (!Files.isRegularFile(f)) throw new IOException(dir + ": has no " + b + " (" + expected() + ")");
            files.put(b, Files.readAllBytes(f)); // sized by the file system, so the bytes exist
        }
        Path meta = dir.resolve(META);
        if (Files.isRegularFile(meta)) {
            if (Files.size(meta) > 1 << 16) throw new IOException(meta + ": " + Files.size(meta) + " bytes is too large for a list of class names");
            files.put(META, Files.readAllBytes(meta));
        }
        return files;
    }

    /** The wanted files of the archive, streamed through once. */
    private static Map<String, byte[]> readArchive(Path file, boolean train) throws IOException {
        List<String> wanted = new ArrayList<>(batches(train));
        wanted.add(META);
        Map<String, byte[]> files = new HashMap<>();
        Map<String, String> paths = new HashMap<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            Tar tar = new Tar(in, file);
            for (Tar.Entry e; (e = tar.next()) != null; ) {
                String base = e.name().substring(e.name().lastIndexOf('/') + 1);
                if (!wanted.contains(base)) continue;
                if (paths.containsKey(base))
                    throw new IOException(file + ": holds " + base + " twice, as " + paths.get(base) + " and " + e.name());
                paths.put(base, e.name());
                if (base.equals(META) && e.size() > 1 << 16)
                    throw new IOException(file + ": " + e.name() + ": " + e.size() + " bytes is too large for a list of class names");
                if (e.size() > MAX_BATCH)
                    throw new IOException(file + ": " + e.name() + ": " + e.size() + " bytes is more than a batch jgrad reads (" + MAX_BATCH + ")");
                // streamed into a growing buffer: the header's size is not trusted to allocate
                var buf = new ByteArrayOutputStream();
                tar.content().transferTo(buf);
                files.put(base, buf.toByteArray());
            }
        } catch (IOException | RuntimeException e) {
            // GZIPInputStream and the like say "Unexpected end of ZLIB input stream", naming no file
            if (e.getMessage() != null && e.getMessage().startsWith(file + ": ")) throw e;
            throw new IOException(file + ": not a readable " + (file.toString().endsWith(".gz") ? "gzipped " : "") + "tar archive (" + e + ")", e);
        }
        for (String b : batches(train))
            if (!files.containsKey(b)) throw new IOException(file + ": holds no " + b + " (" + expected() + ")");
        return files;
    }

    private static String expected() {
        return "CIFAR-10's binary version holds " + FOLDER + "/data_batch_1.bin … data_batch_5.bin, test_batch.bin and " + META;
    }

    /** One class name a line; blank lines (the file ends with some) are not names. */
    private static List<String> classNames(byte[] meta, String where) throws IOException {
        List<String> names = new String(meta, StandardCharsets.UTF_8).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (names.size() != SPEC.classNames().size())
            throw new IOException(where + ": lists " + names.size() + " class names " + names + "; CIFAR-10 has " + SPEC.classNames().size());
        return names;
    }

    /** The batches' records, in order, as one dataset; each batch named by {@code names} within {@code path} in errors. */
    private static ImageDataset records(List<byte[]> batches, List<String> names, Path path, boolean folder, List<String> classNames,
                                       String name) throws IOException {
        long total = 0;
        for (int k = 0; k < batches.size(); k++) {
            byte[] b = batches.get(k);
            String where = where(path, folder, names.get(k));
            if (b.length % RECORD != 0)
                throw new IOException(where + ": truncated record: " + b.length + " bytes are " + b.length / RECORD + " whole records of "
                        + RECORD + " (a label and 3×32×32 pixels) and " + b.length % RECORD + " bytes more");
            for (int r = 0; r < b.length / RECORD; r++) {
                int label = b[r * RECORD] & 0xFF;
                if (label >= classNames.size())
                    throw new IOException(where + ": label " + label + " of record " + r + " is not a class index 0.." + (classNames.size() - 1));
            }
            total += b.length / RECORD;
        }
        if (total * IMAGE > Integer.MAX_VALUE) throw new IOException(path + ": " + total + " images are more than one array holds");
        int n = (int) total;
        byte[] pixels = new byte[n * IMAGE], labels = new byte[n];
        int i = 0;
        for (byte[] b : batches)
            for (int r = 0; r < b.length / RECORD; r++, i++) {
                labels[i] = b[r * RECORD];
                System.arraycopy(b, r * RECORD + 1, pixels, i * IMAGE, IMAGE);
            }
        return ImageDataset.of(name, classNames, CHANNELS, SIDE, SIDE, pixels, labels);
    }
}
