package jgrad.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A labelled stack of single-channel uint8 images held in memory as read from IDX files:
 * {@code size() × rows() × cols()} pixels in 0..255 and one class index per image, like
 * torchvision's {@code MNIST.data} / {@code .targets}. Immutable.
 *
 * <p>Pixels stay bytes (47 MB for the Fashion-MNIST training split rather than 188 MB as floats);
 * a {@link DataLoader} turns batches of them into float tensors through a {@link Transform}.
 *
 * <pre>{@code
 * ImageDataset train = FashionMNIST.load(true);         // or ImageDataset.load(FashionMNIST.SPEC, source, true)
 * train.size();                                         // 60000
 * train.classNames().get(train.label(0));               // "Ankle boot"
 * train.pixel(0, 14, 14);                               // 217
 * }</pre>
 */
public final class ImageDataset {
    private final String name;
    private final List<String> classNames;
    private final int rows;
    private final int cols;
    final byte[] pixels;
    final byte[] labels;

    private ImageDataset(String name, List<String> classNames, int rows, int cols, byte[] pixels, byte[] labels) {
        this.name = name;
        this.classNames = classNames;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * A dataset over the given arrays, which it takes over (not copied: do not change them later).
     *
     * @param pixels row-major {@code [labels.length, rows, cols]} uint8 pixels
     * @param labels one class index (0 ≤ label &lt; classNames.size()) per image
     */
    public static ImageDataset of(String name, List<String> classNames, int rows, int cols, byte[] pixels, byte[] labels) {
        Objects.requireNonNull(name);
        if (rows < 1 || cols < 1) throw new IllegalArgumentException("image size must be positive: " + rows + "×" + cols);
        // rows × cols first, so that the product cannot overflow a long and wrap around to pixels.length
        if ((long) rows * cols > Integer.MAX_VALUE || (long) rows * cols * labels.length != pixels.length)
            throw new IllegalArgumentException(labels.length + " images of " + rows + "×" + cols + " do not match "
                    + pixels.length + " pixels");
        List<String> names = List.copyOf(classNames);
        String bad = badLabel(labels, names.size());
        if (bad != null) throw new IllegalArgumentException(bad);
        return new ImageDataset(name, names, rows, cols, pixels, labels);
    }

    /**
     * Loads the training or test split of {@code spec}, finding or downloading its files as
     * {@code source} says, and checks that images and labels agree.
     *
     * @throws DatasetUnavailableException if the files are nowhere and could not be downloaded
     * @throws IdxFormatException          if a file is corrupt, or the two files disagree
     */
    public static ImageDataset load(DatasetSpec spec, DataSource source, boolean train) throws IOException {
        DataSource.Found files = source.locate(spec, train);
        IdxReader.Images images = IdxReader.readImages(files.images());
        byte[] labels = IdxReader.readLabels(files.labels());
        if (labels.length != images.count())
            throw new IdxFormatException(files.labels(), "has " + labels.length + " labels but " + files.images()
                    + " has " + images.count() + " images");
        String bad = badLabel(labels, spec.classNames().size());
        if (bad != null) throw new IdxFormatException(files.labels(), bad);
        return new ImageDataset(spec.name() + (train ? "/train" : "/test"), spec.classNames(),
                images.rows(), images.cols(), images.pixels(), labels);
    }

    private static String badLabel(byte[] labels, int classes) {
        for (int i = 0; i < labels.length; i++)
            if ((labels[i] & 0xFF) >= classes)
                return "label " + (labels[i] & 0xFF) + " at index " + i + " is not a class index 0.." + (classes - 1);
        return null;
    }

    /** E.g. {@code fashion-mnist/train}. */
    public String name() {
        return name;
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Class names in class-index order. */
    public List<String> classNames() {
        return classNames;
    }

    /** The class index of image {@code i}. */
    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)] & 0xFF;
    }

    /** The uint8 value (0..255) of one pixel. */
    public int pixel(int image, int row, int col) {
        Objects.checkIndex(image, labels.length);
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return pixels[(image * rows + row) * cols + col] & 0xFF;
    }

    /** All pixels, row-major {@code [size, rows, cols]}, as a read-only view (read with {@code get(i) & 0xFF}). */
    public ByteBuffer pixels() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /** All labels as a read-only view (read with {@code get(i) & 0xFF}). */
    public ByteBuffer labels() {
        return ByteBuffer.wrap(labels).asReadOnlyBuffer();
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images of " + rows + "×" + cols + ", " + classNames.size() + " classes";
    }
}
