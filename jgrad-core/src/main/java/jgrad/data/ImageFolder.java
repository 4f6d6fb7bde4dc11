package jgrad.data;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import jgrad.io.AtomicFile;
import jgrad.tensor.Parallel;

/**
 * A folder of pictures, one sub-folder per class, as torchvision's {@code datasets.ImageFolder}:
 * <pre>
 *   ROOT/cat/001.png
 *   ROOT/cat/kittens/002.jpg      (sub-folders of a class folder are part of the class)
 *   ROOT/dog/003.JPEG
 * </pre>
 * The classes are the class folders' names in sorted order (class index 0 is the first), and the
 * images are every {@code .png}, {@code .jpg}, {@code .jpeg}, {@code .bmp} and {@code .gif} file
 * (in any letter case) below a class folder, in torchvision's order: by folder path, then by file
 * name, comparing Unicode code points. Unlike torchvision, names starting with a dot are skipped
 * (a notebook's {@code .ipynb_checkpoints}, macOS's {@code ._} files); other files are ignored.
 *
 * <p>A folder with {@code train} and {@code test} sub-folders ({@link #hasTrainTest}) holds a
 * split, each half laid out as above with the same class folders ({@link #loadTrainTest}).
 *
 * <p>Each picture is read by {@link ImageFiles#readChannels}: with {@link Options#withChannels 1 or 3
 * channels} (by default 1 when every file is a grey image, else 3), stretched to
 * {@link Options#withSize an image size} by area averaging; without a size every image must have
 * the same size. Files are decoded in parallel ({@link Parallel}), and the decoded uint8 tensor is
 * cached on disk (see {@link Options#withCacheDir}) so that loading the same, unchanged folder again
 * does not decode again.
 *
 * <p>A missing folder, a folder without class folders or with only one, a class folder without
 * images, a file that is not a readable image, and images of mixed sizes without a size are each
 * an {@link IOException} that names the folder or the files.
 *
 * <pre>{@code
 * ImageDataset train = ImageFolder.load(Path.of("pets"), ImageFolder.Options.defaults().withChannels(3).withSize(64, 64));
 * train.classNames();     // [cat, dog]
 * train.sampleShape();    // [3, 64, 64]
 * }</pre>
 */
public final class ImageFolder {
    /** The file name extensions read, matched in any letter case. */
    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");
    /** What the cache's name and key are made from besides the files; a change to decoding changes it, so old caches are not used. */
    private static final String FORMAT = "jgrad image folder cache 1";
    private static final byte[] MAGIC = "JGRADIF1".getBytes(StandardCharsets.US_ASCII);
    /** magic, key, then n, channels, rows, cols as ints */
    private static final int HEADER = MAGIC.length + 32 + 4 * 4;
    /** Python's order of strings: by code point (Java's compareTo goes by UTF-16 unit, which differs above U+FFFF). */
    private static final Comparator<String> CODE_POINTS = (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    private ImageFolder() {}

    /**
     * How to read the pictures. Immutable; each {@code with…} method returns a changed copy.
     *
     * @param channels 1 (grey), 3 (RGB), or 0: 1 when every file is a grey image, else 3
     * @param rows     the height every image is resized to, or 0 (with {@code cols} 0): no resizing
     * @param cols     the width every image is resized to, or 0 (with {@code rows} 0)
     * @param cache    whether to read and write the cache of decoded images
     * @param cacheDir where the cache files go; {@code null} for {@code image-folders} in the user
     *                 cache ({@code ~/.cache/jgrad}, or {@code $XDG_CACHE_HOME/jgrad}, as {@link DataSource})
     * @param progress where a line is printed before decoding, and a failure to write the cache; {@code null} for silence
     */
    public record Options(int channels, int rows, int cols, boolean cache, Path cacheDir, PrintStream progress) {
        public Options {
            if (channels != 0 && channels != 1 && channels != 3)
                throw new IllegalArgumentException("channels must be 1 or 3 (or 0: as the files are), got " + channels);
            if (rows < 0 || cols < 0 || (rows == 0) != (cols == 0))
                throw new IllegalArgumentException("an image size must be positive (or 0×0: as the files are), got " + rows + "×" + cols);
        }

        /** Channels as the files are, no resizing, the cache in the user cache, progress on stderr. */
        public static Options defaults() {
            return new Options(0, 0, 0, true, null, System.err);
        }

        /** 1 (grey: ITU-R 601 luma of colour files) or 3 (RGB; grey files repeated); 0 as the files are. */
        public Options withChannels(int channels) {
            return new Options(channels, rows, cols, cache, cacheDir, progress);
        }

        /** Stretch every image to {@code rows × cols} (torchvision's {@code Resize((rows, cols))}, by area averaging). */
        public Options withSize(int rows, int cols) {
            return new Options(channels, rows, cols, cache, cacheDir, progress);
        }

        /**
         * The size as the command line writes it: {@code H} for H×H or {@code HxW} (height first,
         * as torchvision's {@code Resize((h, w))}).
         */
        public Options withSize(String size) {
            String[] parts = size.strip().toLowerCase(Locale.ROOT).split("[x×]", -1);
            try {
                if (parts.length == 1 || parts.length == 2) {
                    int h = Integer.parseInt(parts[0]), w = parts.length == 1 ? h : Integer.parseInt(parts[1]);
                    if (h > 0 && w > 0) return withSize(h, w);
                }
            } catch (NumberFormatException e) {
                // the message below says what is expected
            }
            throw new IllegalArgumentException("image size '" + size + "' is not H or HxW with positive whole numbers, e.g. 32 or 64x48");
        }

        public Options withCache(boolean cache) {
            return new Options(channels, rows, cols, cache, cacheDir, progress);
        }

        public Options withCacheDir(Path dir) {
            return new Options(channels, rows, cols, cache, dir, progress);
        }

        public Options withProgress(PrintStream out) {
            return new Options(channels, rows, cols, cache, cacheDir, out);
        }
    }

    /** A folder's training and test halves. */
    public record TrainTest(ImageDataset train, ImageDataset test) {}

    /**
     * True when {@code root} holds both a {@code train} and a {@code test} folder, and so is read
     * with {@link #loadTrainTest}; otherwise its sub-folders are the classes and the caller splits
     * it. (With only one of the two, that one is a class like any other: a class may be called
     * {@code train}.)
     */
    public static boolean hasTrainTest(Path root) throws IOException {
        requireFolder(root);
        return Files.isDirectory(root.resolve("train")) && Files.isDirectory(root.resolve("test"));
    }

    /** {@link #load(Path, Options)} with the default options. */
    public static ImageDataset load(Path root) throws IOException {
        return load(root, Options.defaults());
    }

    /** The images below {@code root}'s class folders, as one dataset named {@code root}. */
    public static ImageDataset load(Path root, Options options) throws IOException {
        return load(list(root), options);
    }

    /**
     * {@code root/train} and {@code root/test}, which must have the same class folders. With
     * channels as the files are, a grey half is repeated to RGB when the other half has colour, so
     * that both have the same shape; without a size both halves must have the same image size.
     */
    public static TrainTest loadTrainTest(Path root, Options options) throws IOException {
        if (!hasTrainTest(root)) throw new IOException(root + ": has no train and test folders to split by");
        Listing trainList = list(root.resolve("train")), testList = list(root.resolve("test"));
        if (!trainList.classes.equals(testList.classes)) {
            List<String> onlyTrain = new ArrayList<>(trainList.classes), onlyTest = new ArrayList<>(testList.classes);
            onlyTrain.removeAll(testList.classes);
            onlyTest.removeAll(trainList.classes);
            // both lists are sorted and without repeats, so at least one of these is not empty
            throw new IOException(root + ": train and test need the same class folders, but "
                    + (onlyTrain.isEmpty() ? "" : "only train has " + onlyTrain) + (!onlyTrain.isEmpty() && !onlyTest.isEmpty() ? " and " : "")
                    + (onlyTest.isEmpty() ? "" : "only test has " + onlyTest));
        }
        ImageDataset train = load(trainList, options), test = load(testList, options);
        if (train.channels() != test.channels()) {
            if (train.channels() == 1) train = toRgb(train);
            else test = toRgb(test);
        }
        if (train.rows() != test.rows() || train.cols() != test.cols())
            throw mixedSizes(root, trainList.files.getFirst(), train.rows(), train.cols(), testList.files.getFirst(), test.rows(), test.cols());
        return new TrainTest(train, test);
    }

    /** The files below one folder's class folders, with what identifies their contents for the cache. */
    private record Listing(Path root, List<String> classes, List<Path> files, byte[] labels, long[] sizes, long[] mtimes) {}

    private static void requireFolder(Path root) throws IOException {
        if (!Files.isDirectory(root))
            throw new IOException(root + (Files.exists(root) ? ": not a folder" : ": no such folder")
                    + "; an image folder holds one folder of images per class");
    }

    private static boolean hidden(Path p) {
        return p.getFileName() != null && p.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static Listing list(Path root) throws IOException {
        requireFolder(root);
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(p -> Files.isDirectory(p) && !hidden(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), CODE_POINTS)).toList();
        }
        if (classDirs.isEmpty()) {
            long loose;
            try (Stream<Path> s = Files.list(root)) {
                loose = s.filter(p -> Files.isRegularFile(p) && !hidden(p) && isImage(p)).count();
            }
            throw new IOException(root + ": no class folders; an image folder holds one folder of images per class, as "
                    + root.resolve("<class>").resolve("<image>.png")
                    + (loose > 0 ? " (it holds " + loose + " images directly: move them into a folder named after their class)" : ""));
        }
        if (classDirs.size() == 1) {
            String only = classDirs.getFirst().getFileName().toString();
            throw new IOException(root + ": only one class folder, " + only + "; a classifier needs at least two"
                    + (only.equals("train") || only.equals("test") ? " (for a split, " + root + " needs both train and test folders)" : ""));
        }
        if (classDirs.size() > 256)
            throw new IOException(root + ": " + classDirs.size() + " class folders; an image dataset holds at most 256 classes");
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Long> sizes = new ArrayList<>(), mtimes = new ArrayList<>();
        for (Path dir : classDirs) {
            record Found(String folder, String name, Path path, long size, long mtime) {}
            List<Found> found = new ArrayList<>();
            // torchvision walks with os.walk(followlinks=True); a link back up is a FileSystemLoopException naming it
            Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    return d.equals(dir) || !hidden(d) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    // the exceptions' own messages are only the path
                    throw new IOException(f + (e instanceof FileSystemLoopException ? ": a link to a folder above it, which would be read forever"
                            : ": cannot be read (" + e + ")"), e);
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    if (a.isRegularFile() && !hidden(f) && isImage(f))
                        found.add(new Found(dir.relativize(f.getParent()).toString(), f.getFileName().toString(), f, a.size(),
                                a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
                    return FileVisitResult.CONTINUE;
                }
            });
            if (found.isEmpty())
                throw new IOException(dir + ": no images in this class folder (." + String.join(", .", EXTENSIONS) + ")");
            found.sort(Comparator.comparing(Found::folder, CODE_POINTS).thenComparing(Found::name, CODE_POINTS));
            for (Found f : found) {
                files.add(f.path);
                labels.add(classes.size());
                sizes.add(f.size);
                mtimes.add(f.mtime);
            }
            classes.add(dir.getFileName().toString());
        }
        byte[] lb = new byte[labels.size()];
        for (int i = 0; i < lb.length; i++) lb[i] = (byte) (int) labels.get(i);
        return new Listing(root, List.copyOf(classes), List.copyOf(files), lb, sizes.stream().mapToLong(Long::longValue).toArray(),
                mtimes.stream().mapToLong(Long::longValue).toArray());
    }

    private static ImageDataset load(Listing l, Options o) throws IOException {
        int n = l.files.size();
        if (o.rows > 0 && (long) n * Math.max(o.channels, 1) * o.rows * o.cols > Integer.MAX_VALUE)
            throw new IOException(l.root + ": " + n + " images of " + Math.max(o.channels, 1) + "×" + o.rows + "×" + o.cols
                    + " are more bytes than one array holds (2 GiB); give a smaller image size");
        byte[] key = key(l, o);
        Path cacheFile = o.cache ? cacheFile(l.root, o) : null;
        if (cacheFile != null) {
            ImageDataset cached = readCache(cacheFile, key, l, o);
            if (cached != null) return cached;
        }
        if (o.progress != null)
            o.progress.println(l.root + ": decoding " + n + " images in " + l.classes.size() + " classes"
                    + (cacheFile != null ? " (cached in " + cacheFile + ")" : ""));
        ImageDataset d = decode(l, o);
        if (cacheFile != null) {
            try {
                writeCache(cacheFile, key, d);
            } catch (IOException | RuntimeException e) {
                // the data is loaded either way; only the next run is slower
                if (o.progress != null) o.progress.println(l.root + ": could not write the cache " + cacheFile + " (" + e + ")");
            }
        }
        return d;
    }

    private static ImageDataset decode(Listing l, Options o) throws IOException {
        int n = l.files.size();
        ImageFiles.Pixels[] out = new ImageFiles.Pixels[n];
        IOException[] failed = new IOException[n];
        AtomicBoolean stop = new AtomicBoolean();
        // one task per file, claimed by whichever thread is free: files take very different times to decode
        Parallel.run(n, i -> {
            if (stop.get()) return;
            try {
                out[i] = ImageFiles.readChannels(l.files.get(i), o.channels, o.rows, o.cols);
            } catch (IOException e) {
                failed[i] = e;
                stop.set(true);
            } catch (RuntimeException e) {
                failed[i] = new IOException(l.files.get(i) + ": not a readable image (" + e + ")", e);
                stop.set(true);
            }
        });
        for (IOException e : failed) if (e != null) throw e;
        int channels = 1, first = 0;
        for (int i = 0; i < n; i++) {
            channels = Math.max(channels, out[i].channels());
            if (out[i].rows() != out[first].rows() || out[i].cols() != out[first].cols())
                throw mixedSizes(l.root, l.files.get(first), out[first].rows(), out[first].cols(), l.files.get(i), out[i].rows(), out[i].cols());
        }
        int rows = out[0].rows(), cols = out[0].cols(), image = channels * rows * cols;
        if ((long) n * image > Integer.MAX_VALUE)
            throw new IOException(l.root + ": " + n + " images of " + channels + "×" + rows + "×" + cols
                    + " are more bytes than one array holds (2 GiB); give a smaller image size");
        byte[] pixels = new byte[n * image];
        for (int i = 0; i < n; i++) {
            byte[] chw = out[i].chw();
            // with channels as the files are, a grey file among colour ones is repeated into R, G and B, as PIL's convert("RGB")
            for (int c = 0; c < channels; c++) System.arraycopy(chw, chw.length == image ? c * rows * cols : 0, pixels, i * image + c * rows * cols, rows * cols);
            out[i] = null;
        }
        return ImageDataset.of(l.root.toString(), l.classes, channels, rows, cols, pixels, l.labels);
    }

    private static IOException mixedSizes(Path root, Path a, int aRows, int aCols, Path b, int bRows, int bCols) {
        return new IOException(root + ": images of different sizes: " + a + " is " + aRows + "×" + aCols + " (height×width) but " + b + " is "
                + bRows + "×" + bCols + " (height×width); give an image size (H or HxW) to resize them all");
    }

    private static ImageDataset toRgb(ImageDataset d) {
        int plane = d.rows() * d.cols();
        byte[] px = new byte[d.size() * 3 * plane], lb = new byte[d.size()];
        var src = d.pixels();
        for (int i = 0; i < d.size(); i++)
            for (int c = 0; c < 3; c++) src.get(i * plane, px, (i * 3 + c) * plane, plane);
        d.labels().get(0, lb);
        return ImageDataset.of(d.name(), d.classNames(), 3, d.rows(), d.cols(), px, lb);
    }

    // ---- the cache -------------------------------------------------------------------------------------------

    /**
     * One cache file per folder and options, so that a changed folder replaces its cache rather
     * than adding one: {@code <folder name>-<hash of its absolute path and the options>.u8}.
     */
    private static Path cacheFile(Path root, Options o) {
        Path dir = o.cacheDir != null ? o.cacheDir : DataSource.defaults().userCache().resolve("image-folders");
        Path abs = root.toAbsolutePath().normalize();
        String hash = HexFormat.of().formatHex(sha256(FORMAT + "\n" + abs + "\n" + o.channels + " " + o.rows + " " + o.cols)).substring(0, 24);
        String name = abs.getFileName() == null ? "root" : abs.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return dir.resolve(name + "-" + hash + ".u8");
    }

    /** What the decoded tensor depends on: the options, and every file's class, path, size and modification time. */
    private static byte[] key(Listing l, Options o) {
        var text = new StringBuilder(FORMAT).append('\n').append(o.channels).append(' ').append(o.rows).append(' ').append(o.cols).append('\n');
        for (String c : l.classes) text.append(c).append('\n');
        for (int i = 0; i < l.files.size(); i++)
            text.append(l.labels[i]).append(' ').append(l.sizes[i]).append(' ').append(l.mtimes[i]).append(' ')
                    .append(l.root.relativize(l.files.get(i))).append('\n');
        return sha256(text.toString());
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Layout: the magic {@code JGRADIF1}, the 32-byte key, the image count, channels, rows and cols
     * (big-endian ints), the pixels {@code [n, C, H, W]}, and the CRC-32C of all before it.
     */
    private static void writeCache(Path file, byte[] key, ImageDataset d) throws IOException {
        AtomicFile.write(file, os -> {
            var crc = new CRC32C();
            var out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(os, crc), 1 << 16));
            out.write(MAGIC);
            out.write(key);
            out.writeInt(d.size());
            out.writeInt(d.channels());
            out.writeInt(d.rows());
            out.writeInt(d.cols());
            var px = d.pixels();
            byte[] buf = new byte[1 << 16];
            while (px.hasRemaining()) {
                int k = Math.min(buf.length, px.remaining());
                px.get(buf, 0, k);
                out.write(buf, 0, k);
            }
            out.flush();
            new DataOutputStream(os).writeInt((int) crc.getValue());
        });
    }

    /** The cached dataset, or null when the cache is missing, stale, of other options, or damaged in any way. */
    private static ImageDataset readCache(Path file, byte[] key, Listing l, Options o) {
        try {
            if (!Files.isRegularFile(file)) return null;
            long length = Files.size(file);
            if (length < HEADER + 4) return null;
            try (InputStream is = Files.newInputStream(file)) {
                var crc = new CRC32C();
                var in = new DataInputStream(new CheckedInputStream(is, crc));
                byte[] head = in.readNBytes(HEADER);
                var h = new DataInputStream(new ByteArrayInputStream(head));
                byte[] magic = h.readNBytes(MAGIC.length), stored = h.readNBytes(32);
                int n = h.readInt(), channels = h.readInt(), rows = h.readInt(), cols = h.readInt();
                if (!Arrays.equals(magic, MAGIC) || !Arrays.equals(stored, key) || n != l.files.size()) return null;
                if (channels != 1 && channels != 3 || o.channels != 0 && channels != o.channels) return null;
                if (rows < 1 || cols < 1 || o.rows != 0 && (rows != o.rows || cols != o.cols)) return null;
                // the header's numbers are believed only once the file is exactly as long as they say
                long image = (long) channels * rows * cols;
                if (image > Integer.MAX_VALUE || HEADER + image * n + 4 != length || image * n > Integer.MAX_VALUE) return null;
                byte[] pixels = in.readNBytes((int) (image * n));
                int expected = (int) crc.getValue();
                if (pixels.length != image * n || new DataInputStream(is).readInt() != expected) return null;
                return ImageDataset.of(l.root.toString(), l.classes, channels, rows, cols, pixels, l.labels);
            }
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: decode instead, and the rewrite replaces it
        }
    }
}
