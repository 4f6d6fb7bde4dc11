package jgrad.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A labelled stack of uint8 images held in memory: {@code size() × channels() × rows() × cols()}
 * pixels in 0..255 (channel-major within an image, as a tensor {@code [C, H, W]}) and one class
 * index per image, like torchvision's {@code MNIST.data} / {@code .targets} or CIFAR-10's
 * {@code data}. Immutable. Up to 256 classes (a label is one byte).
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
public final class ImageDataset implements Dataset {
    private final String name;
    private final List<String> classNames;
    private final int channels;
    private final int rows;
    private final int cols;
    final byte[] pixels;
    final byte[] labels;

    private ImageDataset(String name, List<String> classNames, int channels, int rows, int cols, byte[] pixels, byte[] labels) {
        this.name = name;
        this.classNames = classNames;
        this.channels = channels;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** A single-channel dataset: {@link #of(String, List, int, int, int, byte[], byte[])} with one channel. */
    public static ImageDataset of(String name, List<String> classNames, int rows, int cols, byte[] pixels, byte[] labels) {
        return of(name, classNames, 1, rows, cols, pixels, labels);
    }

    /**
     * A dataset over the given arrays, which it takes over (not copied: do not change them later).
     *
     * @param pixels row-major {@code [labels.length, channels, rows, cols]} uint8 pixels
     * @param labels one class index (0 ≤ label &lt; classNames.size() ≤ 256) per image
     */
    public static ImageDataset of(String name, List<String> classNames, int channels, int rows, int cols, byte[] pixels, byte[] labels) {
        Objects.requireNonNull(name);
        if (channels < 1 || rows < 1 || cols < 1)
            throw new IllegalArgumentException("image shape must be positive: " + channels + "×" + rows + "×" + cols);
        // the per-image size first, so that the product cannot overflow a long and wrap around to pixels.length
        long image = (long) channels * rows * cols;
        if (image > Integer.MAX_VALUE || image * labels.length != pixels.length)
            throw new IllegalArgumentException(labels.length + " images of " + (channels == 1 ? "" : channels + "×") + rows + "×" + cols
                    + " do not match "
                    + pixels.length + " pixels");
        List<String> names = List.copyOf(classNames);
        if (names.size() > 256) throw new IllegalArgumentException(name + ": " + names.size() + " classes; an image dataset holds at most 256");
        String bad = badLabel(labels, names.size());
        if (bad != null) throw new IllegalArgumentException(bad);
        return new ImageDataset(name, names, channels, rows, cols, pixels, labels);
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
                1, images.rows(), images.cols(), images.pixels(), labels);
    }

    private static String badLabel(byte[] labels, int classes) {
        for (int i = 0; i < labels.length; i++)
            if ((labels[i] & 0xFF) >= classes)
                return "label " + (labels[i] & 0xFF) + " at index " + i + " is not a class index 0.." + (classes - 1);
        return null;
    }

    /** E.g. {@code fashion-mnist/train}. */
    @Override
    public String name() {
        return name;
    }

    /** Number of images. */
    @Override
    public int size() {
        return labels.length;
    }

    /** Colour channels: 1 for grey, 3 for RGB. */
    public int channels() {
        return channels;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** {@code [channels, rows, cols]}. */
    @Override
    public int[] sampleShape() {
        return new int[]{channels, rows, cols};
    }

    /** Class names in class-index order. */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** {@link Task#CLASSIFY}: the target is the class index. */
    @Override
    public Task task() {
        return Task.CLASSIFY;
    }

    @Override
    public int targetWidth() {
        return 1;
    }

    @Override
    public void target(int i, float[] out, int at) {
        out[at] = label(i);
    }

    @Override
    public ImageDataset subset(int[] indices, String name) {
        int m = channels * rows * cols;
        byte[] px = new byte[indices.length * m], lb = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], labels.length);
            System.arraycopy(pixels, i * m, px, k * m, m);
            lb[k] = labels[i];
        }
        return new ImageDataset(name, classNames, channels, rows, cols, px, lb);
    }

    /** The class index of image {@code i}. */
    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)] & 0xFF;
    }

    /** The uint8 value (0..255) of one pixel of a single-channel image (channel 0 of a colour one). */
    public int pixel(int image, int row, int col) {
        return pixel(image, 0, row, col);
    }

    /** The uint8 value (0..255) of one pixel of one channel. */
    public int pixel(int image, int channel, int row, int col) {
        Objects.checkIndex(image, labels.length);
        Objects.checkIndex(channel, channels);
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return pixels[((image * channels + channel) * rows + row) * cols + col] & 0xFF;
    }

    /** All pixels, row-major {@code [size, channels, rows, cols]}, as a read-only view (read with {@code get(i) & 0xFF}). */
    public ByteBuffer pixels() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /** All labels as a read-only view (read with {@code get(i) & 0xFF}). */
    public ByteBuffer labels() {
        return ByteBuffer.wrap(labels).asReadOnlyBuffer();
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images of " + (channels == 1 ? "" : channels + "×") + rows + "×" + cols + ", "
                + classNames.size() + " classes";
    }
}
