package jgrad.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * The report's two pictures drawn directly with Java2D: the confusion matrix (XChart's heat map
 * labels a cell only with its own value and draws its first row at the bottom, while this one
 * shows each cell's count and its share of the row, first true class at the top) and the grid of
 * misclassified images.
 */
final class Pictures {
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12), BOLD = new Font(Font.SANS_SERIF, Font.BOLD, 13),
            SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11), TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Color INK = new Color(34, 34, 34), LOW = Color.WHITE, HIGH = new Color(8, 48, 107);
    static final int CELL_W = 76, CELL_H = 48, TILE_W = 176, GRID_COLUMNS = 4, IMAGE_PX = 112;

    private Pictures() {}

    /**
     * Row {@code t} is true class t (first class at the top), column {@code p} predicted class p;
     * cell {@code (t, p)} shows {@code count} and {@code 100·count/Σ_p count(t, p)}, and is shaded by that share.
     */
    static BufferedImage confusion(long[][] counts, List<String> names) {
        int k = names.size();
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(LABEL);
        int labelW = names.stream().mapToInt(fm::stringWidth).max().orElse(0);
        // column labels run diagonally down-left from under each column's centre
        int diag = (int) Math.ceil(labelW * Math.sqrt(0.5)) + fm.getHeight();
        int left = Math.max(labelW + 40, diag - CELL_W / 2 + 10), top = 40, right = 70;
        int w = left + k * CELL_W + right, h = top + k * CELL_H + diag + 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(TITLE);
        g.drawString("Confusion matrix, test set", left, 24);
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (long v : counts[t]) total += v;
            int y = top + t * CELL_H;
            for (int p = 0; p < k; p++) {
                double share = total == 0 ? 0 : (double) counts[t][p] / total;
                int x = left + p * CELL_W;
                g.setColor(mix(LOW, HIGH, share));
                g.fillRect(x, y, CELL_W, CELL_H);
                g.setColor(share > 0.45 ? Color.WHITE : INK);
                centred(g, BOLD, Long.toString(counts[t][p]), x + CELL_W / 2, y + CELL_H / 2 - 2);
                centred(g, SMALL, total == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * share), x + CELL_W / 2, y + CELL_H / 2 + 14);
            }
            g.setColor(INK);
            g.setFont(LABEL);
            g.drawString(names.get(t), left - 8 - fm.stringWidth(names.get(t)), y + CELL_H / 2 + fm.getAscent() / 2 - 1);
            g.setColor(Color.GRAY);
            g.drawString("n = " + total, left + k * CELL_W + 8, y + CELL_H / 2 + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(left, top, k * CELL_W, k * CELL_H);
        g.setColor(INK);
        for (int p = 0; p < k; p++) {
            AffineTransform saved = g.getTransform();
            g.translate(left + p * CELL_W + CELL_W / 2.0, top + k * CELL_H + 8);
            g.rotate(-Math.PI / 4);
            g.drawString(names.get(p), -fm.stringWidth(names.get(p)), fm.getAscent());
            g.setTransform(saved);
        }
        centred(g, BOLD, "predicted class", left + k * CELL_W / 2, h - 14);
        AffineTransform saved = g.getTransform();
        g.translate(16, top + k * CELL_H / 2.0);
        g.rotate(-Math.PI / 2);
        centred(g, BOLD, "true class", 0, 4);
        g.setTransform(saved);
        g.dispose();
        return img;
    }

    /**
     * The images in a grid of {@link #GRID_COLUMNS}, each enlarged by a whole factor with nearest-neighbour
     * sampling (every pixel a sharp square) and captioned "true → predicted" with the probability of the prediction.
     */
    static BufferedImage misclassified(List<Misclassified> worst, List<String> names) {
        int columns = Math.max(1, Math.min(GRID_COLUMNS, worst.size())), rows = Math.max(1, (worst.size() + columns - 1) / columns);
        int tileH = IMAGE_PX + 52, top = 36;
        BufferedImage img = new BufferedImage(Math.max(columns * TILE_W, 2 * TILE_W) + 16, top + rows * tileH + 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(TITLE);
        g.drawString("Most confidently misclassified test images", 8, 24);
        if (worst.isEmpty()) {
            g.setFont(LABEL);
            g.drawString("The model classified every test image correctly.", 8, top + 30);
        }
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int i = 0; i < worst.size(); i++) {
            Misclassified m = worst.get(i);
            int scale = Math.max(1, IMAGE_PX / Math.max(m.rows(), m.cols()));
            int x0 = 8 + (i % columns) * TILE_W, y0 = top + (i / columns) * tileH;
            int ix = x0 + (TILE_W - m.cols() * scale) / 2;
            g.drawImage(picture(m), ix, y0, m.cols() * scale, m.rows() * scale, null);
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(ix - 1, y0 - 1, m.cols() * scale + 1, m.rows() * scale + 1);
            g.setColor(INK);
            int cx = x0 + TILE_W / 2, ty = y0 + m.rows() * scale + 18;
            String caption = names.get(m.label()) + " → " + names.get(m.predicted());
            centred(g, fit(g, caption, TILE_W - 6), caption, cx, ty);
            g.setColor(Color.DARK_GRAY);
            centred(g, SMALL, String.format(Locale.ROOT, "p = %.3f · #%d", m.probability(), m.index()), cx, ty + 16);
        }
        g.dispose();
        return img;
    }

    /** The caption in the label font, or a smaller one if it does not fit in {@code width}. */
    private static Font fit(Graphics2D g, String text, int width) {
        for (Font f = LABEL; ; f = f.deriveFont(f.getSize2D() - 1))
            if (g.getFontMetrics(f).stringWidth(text) <= width || f.getSize2D() <= 8) return f;
    }

    private static void centred(Graphics2D g, Font f, String text, int cx, int baseline) {
        g.setFont(f);
        g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    /** The image in its own colours: grey, or RGB from its three channel planes. */
    static BufferedImage picture(Misclassified m) {
        int w = m.cols(), h = m.rows();
        if (m.channels() == 1) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, w, h, m.pixels());
            return img;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        byte[] p = m.pixels();
        int plane = w * h;
        for (int i = 0; i < plane; i++)
            img.setRGB(i % w, i / w, (p[i] & 0xFF) << 16 | (p[plane + i] & 0xFF) << 8 | (p[2 * plane + i] & 0xFF));
        return img;
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(INK);
        return g;
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }
}
