package jgrad.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
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
 * bit for bit. A file that is not a readable image, declares a size of zero or more than
 * {@value #MAX_PIXELS} pixels, or fails to decode is an {@link IOException} naming the file.
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
        BufferedImage img = decode(file);
        int w = img.getWidth(), h = img.getHeight();
        boolean grey = isGrey(img);
        // one pass over the source rows: the grey values, the border and centre sums, and the horizontal resize
        int side = Math.max(w, h), offX = (side - w) / 2, offY = (side - h) / 2;
        Weights wx = Weights.of(side, cols, offX, w), wy = Weights.of(side, rows, offY, h);
        int border = Math.max(1, Math.min(w, h) / 8);
        double borderSum = 0, centreSum = 0;
        long borderCount = 0, centreCount = 0;
        double[] across = new double[h * cols]; // Σ over real pixels of weight · grey, per source row and output column
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
        BufferedImage img = decode(file);
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
            int[] start = new int[n], end = new int[n];
            List<Integer> index = new ArrayList<>();
            List<Double> weight = new ArrayList<>();
            double[] real = new double[n];
            double scale = (double) side / n;
            for (int j = 0; j < n; j++) {
                double a = j * scale, b = (j + 1) * scale;
                start[j] = index.size();
                for (int u = (int) Math.floor(a); u < Math.ceil(b) && u < side; u++) {
                    int x = u - offset;
                    double overlap = (Math.min(b, u + 1) - Math.max(a, u)) / scale;
                    if (x < 0 || x >= size || overlap <= 0) continue;
                    index.add(x);
                    weight.add(overlap);
                    real[j] += overlap;
                }
                end[j] = index.size();
            }
            return new Weights(start, end, index.stream().mapToInt(Integer::intValue).toArray(),
                    weight.stream().mapToDouble(Double::doubleValue).toArray(), real);
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

    /** The decoded image, its size checked before the pixels are allocated; every failure an IOException naming the file. */
    private static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException(file + ": cannot be opened as an image file");
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException(file + ": not an image jgrad can read (PNG, JPEG, BMP or GIF)");
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w < 1 || h < 1 || (long) w * h > MAX_PIXELS)
                    throw new IOException(file + ": a " + format + " image of " + w + "×" + h + " pixels; jgrad reads images of 1 to "
                            + MAX_PIXELS + " pixels");
                BufferedImage img = reader.read(0);
                if (img.getWidth() != w || img.getHeight() != h)
                    throw new IOException(file + ": the " + format + " image decodes to " + img.getWidth() + "×" + img.getHeight()
                            + " pixels, but its header says " + w + "×" + h);
                return img;
            } catch (IOException | RuntimeException e) {
                // the decoders throw IIOException, EOFException and, on some damage, unchecked exceptions, none naming the file
                if (e.getMessage() != null && e.getMessage().startsWith(file + ": ")) throw e;
                throw new IOException(file + ": not a readable " + format + " image (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }
}
