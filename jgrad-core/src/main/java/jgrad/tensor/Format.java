package jgrad.tensor;

import java.util.Locale;

/**
 * Prints a flat row-major array as PyTorch prints a tensor, so that output can be compared with a
 * notebook's by eye: {@code tensor([[2., 2.],\n        [2., 2.]])}. Like PyTorch it picks one mode
 * for the whole tensor: integers as {@code 2.}, otherwise 4 decimals, or scientific notation when
 * the magnitudes span more than 1000× or leave that range.
 */
public final class Format {
    private Format() {}

    public static String tensor(float[] data, int[] shape, String suffix) {
        StringBuilder sb = new StringBuilder("tensor(");
        if (data.length == 0) {
            sb.append("[]");
            if (shape.length != 1) sb.append(", size=(").append(sizeTuple(shape)).append(")");
        } else {
            Style style = Style.of(data);
            int[] width = {0};
            for (float v : data) width[0] = Math.max(width[0], style.format(v).length());
            if (shape.length == 0) sb.append(style.format(data[0]));
            else block(sb, data, shape, 0, 0, style, width[0], "tensor(".length());
        }
        if (suffix != null && !suffix.isEmpty()) sb.append(", ").append(suffix);
        return sb.append(")").toString();
    }

    private static String sizeTuple(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
        return sb.toString();
    }

    private static int block(StringBuilder sb, float[] data, int[] shape, int dim, int off, Style style, int width, int indent) {
        sb.append('[');
        int n = shape[dim];
        if (dim == shape.length - 1) {
            for (int i = 0; i < n; i++) {
                if (i > 0) sb.append(", ");
                String s = style.format(data[off + i]);
                sb.append(" ".repeat(width - s.length())).append(s);
            }
            off += n;
        } else {
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',').append("\n".repeat(shape.length - 1 - dim));
                    sb.append(" ".repeat(indent + dim + 1));
                }
                off = block(sb, data, shape, dim + 1, off, style, width, indent);
            }
        }
        sb.append(']');
        return off;
    }

    private record Style(boolean integer, boolean sci) {
        static Style of(float[] data) {
            boolean integer = true;
            double max = 0, min = Double.MAX_VALUE;
            for (float v : data) {
                if (!Float.isFinite(v)) continue;
                if (v != Math.rint(v)) integer = false;
                double a = Math.abs(v);
                if (a != 0) {
                    max = Math.max(max, a);
                    min = Math.min(min, a);
                }
            }
            if (max == 0) return new Style(integer, false);
            boolean sci = integer ? max >= 1e8 : (max / min > 1000 || max >= 1e8 || min < 1e-4);
            return new Style(integer, sci);
        }

        String format(float v) {
            if (Float.isNaN(v)) return "nan";
            if (Float.isInfinite(v)) return v > 0 ? "inf" : "-inf";
            if (sci) return String.format(Locale.ROOT, "%.4e", v).replaceAll("e([+-])(\\d)$", "e$10$2");
            if (integer) return String.format(Locale.ROOT, "%.0f.", v);
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }
}
