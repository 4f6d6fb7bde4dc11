package jgrad.tensor;

import java.util.Locale;

/**
 * Prints a flat row-major array as PyTorch prints a tensor, so that output can be compared with a
 * notebook's by eye: {@code tensor([[2., 2.],\n        [2., 2.]])}. Like PyTorch it picks one mode
 * for the whole tensor: integers as {@code 2.}, otherwise 4 decimals, or scientific notation when
 * the magnitudes span more than 1000× or leave that range. Like PyTorch, a tensor of more than
 * {@value #THRESHOLD} elements is summarised: along each dimension longer than
 * {@code 2·}{@value #EDGE_ITEMS} only the first and last {@value #EDGE_ITEMS} entries are printed,
 * with {@code ...} between, and the mode and width come from the printed entries alone.
 * (PyTorch also wraps rows at 80 columns; this does not.)
 */
public final class Format {
    /** PyTorch's print options: summarise above this many elements, keeping this many at each end. */
    static final int THRESHOLD = 1000, EDGE_ITEMS = 3;

    private Format() {}

    public static String tensor(float[] data, int[] shape, String suffix) {
        StringBuilder sb = new StringBuilder("tensor(");
        if (data.length == 0) {
            sb.append("[]");
            if (shape.length != 1) sb.append(", size=(").append(sizeTuple(shape)).append(")");
        } else {
            boolean summarize = data.length > THRESHOLD;
            int[] strides = new int[shape.length];
            for (int d = shape.length - 1, st = 1; d >= 0; st *= shape[d], d--) strides[d] = st;
            float[] shown = summarize ? shown(data, shape, strides) : data;
            Style style = Style.of(shown);
            int width = 0;
            for (float v : shown) width = Math.max(width, style.format(v).length());
            if (shape.length == 0) sb.append(style.format(data[0]));
            else block(sb, data, shape, strides, 0, 0, style, width, "tensor(".length(), summarize);
        }
        if (suffix != null && !suffix.isEmpty()) sb.append(", ").append(suffix);
        return sb.append(")").toString();
    }

    /** The indices printed along a dimension of size n: all, or the edge items at each end when summarising. */
    private static int[] indices(int n, boolean summarize) {
        if (!summarize || n <= 2 * EDGE_ITEMS) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] edges = new int[2 * EDGE_ITEMS];
        for (int i = 0; i < EDGE_ITEMS; i++) {
            edges[i] = i;
            edges[EDGE_ITEMS + i] = n - EDGE_ITEMS + i;
        }
        return edges;
    }

    /** The elements a summary prints, which alone set its mode and width (PyTorch's get_summarized_data). */
    private static float[] shown(float[] data, int[] shape, int[] strides) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        collect(out, data, shape, strides, 0, 0);
        float[] r = new float[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    private static void collect(java.util.List<Float> out, float[] data, int[] shape, int[] strides, int dim, int off) {
        for (int i : indices(shape[dim], true)) {
            if (dim == shape.length - 1) out.add(data[off + i * strides[dim]]);
            else collect(out, data, shape, strides, dim + 1, off + i * strides[dim]);
        }
    }

    private static String sizeTuple(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
        return sb.toString();
    }

    private static void block(StringBuilder sb, float[] data, int[] shape, int[] strides, int dim, int off, Style style, int width,
                              int indent, boolean summarize) {
        sb.append('[');
        int n = shape[dim];
        int[] idx = indices(n, summarize);
        boolean elided = idx.length < n;
        String separator = dim == shape.length - 1 ? ", " : "," + "\n".repeat(shape.length - 1 - dim) + " ".repeat(indent + dim + 1);
        for (int k = 0; k < idx.length; k++) {
            if (k > 0) sb.append(separator);
            if (elided && k == EDGE_ITEMS)
                // PyTorch's elision: " ..." among the numbers of a row, "..." in place of the inner blocks
                sb.append(dim == shape.length - 1 ? " ..." : "...").append(separator);
            int at = off + idx[k] * strides[dim];
            if (dim == shape.length - 1) {
                String s = style.format(data[at]);
                sb.append(" ".repeat(width - s.length())).append(s);
            } else {
                block(sb, data, shape, strides, dim + 1, at, style, width, indent, summarize);
            }
        }
        sb.append(']');
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
            // PyTorch's _Formatter: integers too go scientific when they span more than 1000×
            boolean sci = max / min > 1000 || max > 1e8 || (!integer && min < 1e-4);
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

    /**
     * {@code name} as a terminal may show it: each control or format character (ESC, BEL, CR, a
     * bidirectional override, …) as a backslash, {@code u} and its four hex digits, and a backslash
     * doubled, so that a class name from a file cannot move the cursor, ring, or rewrite what is on
     * the screen. {@code printable("Shirt\u001B[2J")} is {@code Shirt\\u001B[2J}.
     */
    public static String printable(String name) {
        var sb = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.SURROGATE)
                sb.append(String.format("\\u%04X", cp));
            else if (cp == '\\') sb.append("\\\\");
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }
}
