package jgrad.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a picture file (PNG, JPEG, BMP or GIF, any size, colour or grey) as a Fashion-MNIST-like
 * grey image, uint8 values in a row-major {@code byte[rows·cols]}:
 * <pre>
 *   grey  = v (grey files, scaled to 0..255)  or  0.299·R + 0.587·G + 0.114·B (colour: ITU-R 601 luma, as
 *           PIL's convert("L") and torchvision's Grayscale); transparent pixels are composited over white
 *   invert when mean(border) &gt; mean(centre) and mean(border) &gt; 127.5: Fashion-MNIST is a light object on
 *           black, so a dark object on a light background (most photos) is turned into 255 − grey; the second
 *           condition keeps a wide item that reaches a dark border (a bag, a pullover) as it is
 *   pad    to a square with the background (the border's mean), centred: Fashion-MNIST's items fill their
 *           square along the longer side, so a wide photo is not stretched
 *   resize by area averaging: an output pixel is the mean of the source area it covers, each source pixel
 *           weighted by its overlap (a box filter; OpenCV's INTER_AREA), rounded to the nearest integer
 * </pre>
 * The border is the outer eighth of each side (at least one pixel), the centre the middle half in
 * each direction. Area averaging is the antialiasing filter for shrinking: every source pixel
 * counts, so fine texture averages out instead of aliasing, and unlike Lanczos it never overshoots,
 * which would put a bright halo around a dark edge. A file of exactly {@code rows × cols} grey
 * pixels with a dark border passes unchanged, so a Fashion-MNIST image written as PNG reads back
 * bit for bit. A file that is missing, a directory, a FIFO or device (never opened), unreadable,
 * not a readable image, damaged as a careful decoder sees it (chunk CRCs and lengths of a PNG, its
 * image data's exact size, a JPEG's end-of-image marker, a GIF frame's pixel count), of a size of
 * zero or more than {@value #MAX_PIXELS} pixels, or too large to decode in the free heap is an
 * {@link IOException} naming the file and saying which.
 * {@link #readChannels} reads training images: one or three channels, stretched, none of these heuristics.
 * <pre>{@code
 * ImageFiles.Image im = ImageFiles.read(Path.of("shirt.jpg"), 28, 28);
 * im.pixels();   // 784 bytes, light shirt on black
 * im.how();      // "colour → grey, resized 640×480 → 28×28, inverted (dark object on light background)"
 * }</pre>
 */
public final class ImageFiles {
    /** Larger images are refused before they are decoded (64 megapixels, 8000 × 8000). */
    public static final long MAX_PIXELS = 64_000_000;

    private ImageFiles() {}

    /** The preprocessed image and what was done to it, for a person to read. */
    public record Image(byte[] pixels, int rows, int cols, int sourceWidth, int sourceHeight, boolean inverted, String how) {}

    /** Reads {@code file} and preprocesses it to {@code rows × cols} as described above. */
    public static Image read(Path file, int rows, int cols) throws IOException {
        if (rows < 1 || cols < 1 || (long) rows * cols > MAX_PIXELS)
            throw new IllegalArgumentException("an image of " + rows + "×" + cols + " pixels is asked for; jgrad makes images of 1 to " + MAX_PIXELS + " pixels");
        BufferedImage img = decode(file, rows, cols);
        int w = img.getWidth(), h = img.getHeight();
        boolean grey = isGrey(img);
        // one pass over the source rows: the grey values, the border and centre sums, and the horizontal resize
        int side = Math.max(w, h), offX = (side - w) / 2, offY = (side - h) / 2;
        Weights wx = Weights.of(side, cols, offX, w), wy = Weights.of(side, rows, offY, h);
        int border = Math.max(1, Math.min(w, h) / 8);
        double borderSum = 0, centreSum = 0;
        long borderCount = 0, centreCount = 0;
        double[] across = new double[Math.multiplyExact(h, cols)]; // Σ over real pixels of weight · grey, per source row and output column
        float[] row = new float[w];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            greyRow(img, grey, y, row, argb);
            boolean borderRow = y < border || y >= h - border, centreRow = y >= h / 4 && y < h - h / 4;
            for (int x = 0; x < w; x++) {
                if (borderRow || x < border || x >= w - border) {
                    borderSum += row[x];
                    borderCount++;
                }
                if (centreRow && x >= w / 4 && x < w - w / 4) {
                    centreSum += row[x];
                    centreCount++;
                }
            }
            wx.apply(row, across, y * cols);
        }
        double borderMean = borderSum / borderCount, centreMean = centreCount > 0 ? centreSum / centreCount : borderMean;
        boolean invert = borderMean > centreMean && borderMean > 127.5;
        double background = invert ? 255 - borderMean : borderMean;
        byte[] out = new byte[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                double real = 0, realWeight = 0;
                for (int k = wy.start[i]; k < wy.end[i]; k++) {
                    real += wy.weight[k] * across[wy.index[k] * cols + j];
                    realWeight += wy.weight[k];
                }
                realWeight *= wx.real[j];
                if (invert) real = 255 * realWeight - real; // Σ weight·(255 − v): inverting commutes with averaging
                double v = real + (1 - realWeight) * background;
                out[i * cols + j] = (byte) Math.clamp(Math.round(v), 0, 255);
            }
        return new Image(out, rows, cols, w, h, invert, describe(grey, w, h, rows, cols, invert, borderMean, centreMean));
    }

    /**
     * A picture as a uint8 tensor {@code [channels, rows, cols]} (channel-major, each channel row-major).
     *
     * @param sourceWidth  the file's width in pixels, before resizing
     * @param sourceHeight the file's height in pixels, before resizing
     */
    public record Pixels(byte[] chw, int channels, int rows, int cols, int sourceWidth, int sourceHeight) {}

    /**
     * Reads {@code file} as {@code channels} channels stretched to {@code rows × cols}, as
     * torchvision's {@code ImageFolder} loader followed by {@code Resize((rows, cols))} and
     * {@code PILToTensor} (but resampled by area averaging, as {@link #read} does, rather than
     * bilinearly), with none of {@code read}'s Fashion-MNIST heuristics (no inversion, no padding):
     * <pre>
     *   channels 1: v (grey files, scaled to 0..255)  or  0.299·R + 0.587·G + 0.114·B (colour: ITU-R 601 luma)
     *   channels 3: R, G, B (a grey file gives R = G = B = v, as PIL's convert("RGB"))
     *   channels 0: the file's own, 1 for a grey file without alpha (or a palette of opaque greys), else 3
     *   transparent pixels are composited over white; out[c][i][j] = round(Σ overlap · v) over the source area
     *   that output pixel (i, j) covers (rows = cols = 0: the file's own size, values unchanged)
     * </pre>
     * A grey PNG of exactly {@code rows × cols} reads back bit for bit.
     * <pre>{@code
     * ImageFiles.Pixels p = ImageFiles.readChannels(Path.of("cat.jpg"), 3, 32, 32);
     * p.chw();   // 3 × 32 × 32 bytes: the red plane, then green, then blue
     * }</pre>
     *
     * @param channels 1 (grey), 3 (RGB) or 0 (as the file is)
     * @param rows     output height, or 0 (with {@code cols} 0) for the file's own size
     * @param cols     output width, or 0 (with {@code rows} 0) for the file's own size
     * @throws IOException naming the file when it is not a readable image
     */
    public static Pixels readChannels(Path file, int channels, int rows, int cols) throws IOException {
        if (channels != 0 && channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1, 3 or 0 (as the file is): " + channels);
        if (rows < 0 || cols < 0 || (rows == 0) != (cols == 0))
            throw new IllegalArgumentException("an image size must be positive, or 0×0 for the file's own: " + rows + "×" + cols);
        BufferedImage img = decode(file, Math.max(rows, 1), Math.max(cols, 1));
        int w = img.getWidth(), h = img.getHeight();
        boolean grey = isGrey(img);
        int c = channels != 0 ? channels : grey || greyPalette(img) ? 1 : 3, outRows = rows == 0 ? h : rows, outCols = cols == 0 ? w : cols;
        // stretching: the whole source maps onto the output, so every cell is fully covered (no padding)
        Weights wx = Weights.of(w, outCols, 0, w), wy = Weights.of(h, outRows, 0, h);
        double[] across = new double[c * h * outCols]; // [channel][source row][output column]: the horizontal resize
        float[] row = new float[w];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            if (c == 1 || grey) {
                greyRow(img, grey, y, row, argb);
                for (int ch = 0; ch < c; ch++) wx.apply(row, across, (ch * h + y) * outCols);
                continue;
            }
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int ch = 0; ch < 3; ch++) {
                int shift = 16 - 8 * ch;
                for (int x = 0; x < w; x++) {
                    int p = argb[x], a = p >>> 24;
                    row[x] = ((p >> shift & 0xff) * a + 255f * (255 - a)) / 255f; // over white, as greyRow
                }
                wx.apply(row, across, (ch * h + y) * outCols);
            }
        }
        byte[] out = new byte[c * outRows * outCols];
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < outRows; i++)
                for (int j = 0; j < outCols; j++) {
                    double v = 0;
                    for (int k = wy.start[i]; k < wy.end[i]; k++) v += wy.weight[k] * across[(ch * h + wy.index[k]) * outCols + j];
                    out[(ch * outRows + i) * outCols + j] = (byte) Math.clamp(Math.round(v), 0, 255);
                }
        return new Pixels(out, c, outRows, outCols, w, h);
    }

    private static String describe(boolean grey, int w, int h, int rows, int cols, boolean invert, double border, double centre) {
        List<String> steps = new ArrayList<>();
        if (!grey) steps.add("colour → grey");
        if (w == cols && h == rows) steps.add(w + "×" + h + ", not resized");
        else steps.add("resized " + w + "×" + h + " → " + cols + "×" + rows + (w != h ? " (padded to a square)" : ""));
        steps.add(invert ? String.format(Locale.ROOT, "inverted (dark object on light background: border %.0f > centre %.0f)", border, centre)
                : "not inverted (light object on dark background, as Fashion-MNIST)");
        return String.join(", ", steps);
    }

    /** For one output axis: the real source pixels each output cell covers and their normalised weights (the rest is padding). */
    private record Weights(int[] start, int[] end, int[] index, double[] weight, double[] real) {
        /** {@code side} padded pixels onto {@code n} cells; the {@code size} real pixels begin at padded position {@code offset}. */
        static Weights of(int side, int n, int offset, int size) {
            // two passes over the same cells, counting then filling: primitive arrays of exactly the size needed
            int[] start = new int[n], end = new int[n];
            double[] real = new double[n];
            int count = 0;
            for (int pass = 0; pass < 2; pass++) {
                int[] index = pass == 0 ? null : new int[count];
                double[] weight = pass == 0 ? null : new double[count];
                int k = 0;
                double scale = (double) side / n;
                for (int j = 0; j < n; j++) {
                    double a = j * scale, b = (j + 1) * scale;
                    start[j] = k;
                    for (long u = (long) Math.floor(a); u < Math.ceil(b) && u < side; u++) {
                        long x = u - offset;
                        double overlap = (Math.min(b, u + 1) - Math.max(a, u)) / scale;
                        if (x < 0 || x >= size || overlap <= 0) continue;
                        if (pass == 1) {
                            index[k] = (int) x;
                            weight[k] = overlap;
                            real[j] += overlap;
                        }
                        k++;
                    }
                    end[j] = k;
                }
                if (pass == 0) count = k;
                else return new Weights(start, end, index, weight, real);
            }
            throw new AssertionError("unreachable");
        }

        /** Bytes {@link #of} allocates for {@code side} padded pixels onto {@code n} cells, at most (each pixel in at most two cells, or each cell on at most two pixels). */
        static long bytes(long side, long n) {
            return 12 * (2 * Math.max(side, n) + n) + 16 * n;
        }

        /** {@code out[at + j] = Σ weight · row[x]} over the real pixels of cell j. */
        void apply(float[] row, double[] out, int at) {
            for (int j = 0; j < start.length; j++) {
                double s = 0;
                for (int k = start[j]; k < end[j]; k++) s += weight[k] * row[index[k]];
                out[at + j] = s;
            }
        }
    }

    /** True for a grey file without alpha, whose samples are read as they are (a colour conversion would apply a gamma). */
    private static boolean isGrey(BufferedImage img) {
        return img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY && img.getRaster().getNumBands() == 1;
    }

    /** A palette image whose colours are all opaque greys, as a grey picture saved as GIF or BMP is. */
    private static boolean greyPalette(BufferedImage img) {
        if (!(img.getColorModel() instanceof IndexColorModel palette)) return false;
        for (int i = 0; i < palette.getMapSize(); i++) {
            int p = palette.getRGB(i);
            if (p >>> 24 != 255 || (p >> 16 & 0xff) != (p & 0xff) || (p >> 8 & 0xff) != (p & 0xff)) return false;
        }
        return true;
    }

    private static void greyRow(BufferedImage img, boolean grey, int y, float[] row, int[] argb) {
        int w = row.length;
        if (grey) {
            Raster r = img.getRaster();
            double max = (1L << img.getColorModel().getComponentSize(0)) - 1;
            for (int x = 0; x < w; x++) {
                int v = r.getSample(x, y, 0);
                row[x] = max == 255 ? v : (float) (v * 255 / max);
            }
            return;
        }
        img.getRGB(0, y, w, 1, argb, 0, w);
        for (int x = 0; x < w; x++) {
            int p = argb[x], a = p >>> 24;
            float luma = 0.299f * (p >> 16 & 0xff) + 0.587f * (p >> 8 & 0xff) + 0.114f * (p & 0xff);
            row[x] = (luma * a + 255f * (255 - a)) / 255f; // over white, as a viewer shows a transparent picture
        }
    }

    /**
     * The decoded image, every failure an IOException naming the file: what the path is (missing,
     * a directory, a FIFO or device: never opened, so never waited on), whether it reads, the
     * format's structure ({@link ImageChecks}), and the size against {@link #MAX_PIXELS} and the
     * heap, all before the pixels are allocated.
     */
    private static BufferedImage decode(Path file, int rows, int cols) throws IOException {
        byte[] bytes = readFile(file);
        ImageChecks.check(file, bytes); // first: the decoders' own header parsing fills in too
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException(file + ": not an image jgrad can read (PNG, JPEG, BMP or GIF)");
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            int w = 0, h = 0, bits = 0;
            try {
                reader.setInput(in, true, true);
                w = reader.getWidth(0);
                h = reader.getHeight(0);
                if (w < 1 || h < 1 || (long) w * h > MAX_PIXELS)
                    throw new IOException(file + ": a " + format + " image of " + w + "×" + h + " pixels; jgrad reads images of 1 to "
                            + MAX_PIXELS + " pixels");
                var type = reader.getRawImageType(0) != null ? reader.getRawImageType(0) : reader.getImageTypes(0).next();
                for (int size : type.getSampleModel().getSampleSize()) bits += size;
                // the decoded raster (samples of 8 or 16 bits stay that wide) and this class's own arrays, against the free heap
                long need = (long) w * h * ((bits + 7) / 8) + (long) h * cols * 8 + 8L * w + Weights.bytes(Math.max(w, h), cols)
                        + Weights.bytes(Math.max(w, h), rows);
                Runtime rt = Runtime.getRuntime();
                if (need > rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) throw tooLarge(file, format, w, h, bits, need);
                BufferedImage img = reader.read(0);
                if (img.getWidth() != w || img.getHeight() != h)
                    throw new IOException(file + ": the " + format + " image decodes to " + img.getWidth() + "×" + img.getHeight()
                            + " pixels, but its header says " + w + "×" + h);
                return img;
            } catch (OutOfMemoryError e) { // a decoder's working memory beyond the estimate
                throw tooLarge(file, format, w, h, bits, -1);
            } catch (IOException | RuntimeException e) {
                // the decoders throw IIOException, EOFException and, on some damage, unchecked exceptions, none naming the file
                if (e.getMessage() != null && e.getMessage().startsWith(file + ": ")) throw e;
                throw new IOException(file + ": not a readable " + format + " image (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static IOException tooLarge(Path file, String format, int w, int h, int bits, long need) {
        long heap = Runtime.getRuntime().maxMemory() >> 20;
        return new IOException(file + ": a " + format + " image too large to decode in " + heap + " MB of heap (" + w + "×" + h + ", " + bits + " bits"
                + (need > 0 ? ", about " + (need >> 20) + " MB to decode" : "") + "): use a smaller picture, or give Java more heap, e.g. "
                + "JGRAD_JAVA_OPTS=-Xmx" + Math.max(2, 2 * ((Math.max(need, 0) >> 30) + 1)) + "g");
    }

    /** The file's bytes, after checking what the path is (a FIFO would block an open); its size checked against the heap. */
    private static byte[] readFile(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e + ")", e);
        }
        if (a.isDirectory()) throw new IOException(file + ": is a directory, not an image file");
        if (!a.isRegularFile()) throw new IOException(file + ": is not a regular file (a FIFO, socket or device), not an image file; not opened");
        Runtime rt = Runtime.getRuntime();
        if (a.size() > Math.min(Integer.MAX_VALUE - 8, (rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) / 2))
            throw new IOException(file + ": a file of " + (a.size() >> 20) + " MB, too large to read in " + (rt.maxMemory() >> 20)
                    + " MB of heap: use a smaller picture, or give Java more heap, e.g. JGRAD_JAVA_OPTS=-Xmx4g");
        try {
            return Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read: " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
        }
    }
}
