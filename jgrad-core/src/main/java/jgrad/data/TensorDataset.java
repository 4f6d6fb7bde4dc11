package jgrad.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import jgrad.tensor.Shapes;

/**
 * Float samples of one shape with their targets, held in memory: PyTorch's
 * {@code torch.utils.data.TensorDataset(x, y)}, for data that is already numbers (a table's rows,
 * arrays from Java). Immutable; the arrays are taken over, not copied.
 * <pre>
 *   x  float32 [N, sampleShape…], row-major
 *   y  float32 [N, targetWidth]: a class index (CLASSIFY), 0 or 1 (BINARY), or real values (REGRESS)
 * </pre>
 * <pre>{@code
 * TensorDataset iris = TensorDataset.of(rows, labels);          // float[150][4], int[150]: 3 classes
 * TensorDataset house = TensorDataset.of(rows, prices);         // float[n][f], float[n]: regression
 * TensorDataset digits = table.reshape(1, 8, 8);                // 64 features as 1×8×8 images
 * }</pre>
 */
public final class TensorDataset implements Dataset {
    private final String name;
    private final float[] x, y;
    private final int[] shape;
    private final int sampleSize, targetWidth;
    private final List<String> classNames;
    private final Task task;

    private TensorDataset(String name, float[] x, int[] shape, float[] y, int targetWidth, List<String> classNames, Task task) {
        this.name = name;
        this.x = x;
        this.shape = shape;
        this.sampleSize = Shapes.numel(shape);
        this.y = y;
        this.targetWidth = targetWidth;
        this.classNames = classNames;
        this.task = task;
    }

    /**
     * The general form, checked: {@code x.length = n·∏shape}, {@code y.length = n·targetWidth}, class
     * targets whole numbers in 0..K-1 (BINARY: 0 or 1, and two class names), real targets finite.
     *
     * @param classNames one per class for CLASSIFY and BINARY; empty for REGRESS
     */
    public static TensorDataset of(String name, float[] x, int[] sampleShape, float[] y, int targetWidth, List<String> classNames,
                                   Task task) {
        Objects.requireNonNull(name);
        Objects.requireNonNull(task);
        int[] shape = sampleShape.clone();
        int m = Shapes.numel(shape);
        if (shape.length == 0 || m == 0) throw new IllegalArgumentException(name + ": a sample needs a non-empty shape, got " + Arrays.toString(shape));
        if (targetWidth < 1) throw new IllegalArgumentException(name + ": a target needs at least one value, got " + targetWidth);
        if (x.length % m != 0) throw new IllegalArgumentException(name + ": " + x.length + " values are not a whole number of samples of shape "
                + Arrays.toString(shape));
        int n = x.length / m;
        if ((long) n * targetWidth != y.length)
            throw new IllegalArgumentException(name + ": " + n + " samples but " + y.length + " target values (" + targetWidth + " per sample)");
        List<String> classes = List.copyOf(classNames);
        switch (task) {
            case CLASSIFY, BINARY -> {
                if (targetWidth != 1) throw new IllegalArgumentException(name + ": a class target is one value, got " + targetWidth);
                if (task == Task.BINARY && classes.size() != 2)
                    throw new IllegalArgumentException(name + ": a binary target has two classes, got " + classes);
                if (classes.isEmpty()) throw new IllegalArgumentException(name + ": a class target needs class names");
                for (int i = 0; i < n; i++)
                    if (!(y[i] >= 0 && y[i] < classes.size() && y[i] == Math.rint(y[i])))
                        throw new IllegalArgumentException(name + ": target " + y[i] + " of sample " + i + " is not a class index 0.."
                                + (classes.size() - 1));
            }
            case REGRESS -> {
                if (!classes.isEmpty()) throw new IllegalArgumentException(name + ": real-valued targets have no class names");
                for (int i = 0; i < y.length; i++)
                    if (!Float.isFinite(y[i])) throw new IllegalArgumentException(name + ": target of sample " + i / targetWidth + " is " + y[i]);
            }
        }
        return new TensorDataset(name, x, shape, y, targetWidth, classes, task);
    }

    /** Classification: rows of features and a class index 0..K-1 each; classes are named "0".."K-1". */
    public static TensorDataset of(float[][] x, int[] y) {
        int k = 0;
        for (int v : y) k = Math.max(k, v + 1);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) names.add(Integer.toString(c));
        float[] t = new float[y.length];
        for (int i = 0; i < y.length; i++) t[i] = y[i];
        return of("arrays", flat(x), new int[]{width(x)}, t, 1, names, Task.CLASSIFY);
    }

    /** Regression with one target: rows of features and a real value each. */
    public static TensorDataset of(float[][] x, float[] y) {
        return of("arrays", flat(x), new int[]{width(x)}, y.clone(), 1, List.of(), Task.REGRESS);
    }

    /** Regression with T targets: rows of features and T real values each. */
    public static TensorDataset of(float[][] x, float[][] y) {
        return of("arrays", flat(x), new int[]{width(x)}, flat(y), width(y), List.of(), Task.REGRESS);
    }

    private static int width(float[][] rows) {
        if (rows.length == 0) throw new IllegalArgumentException("no rows");
        return rows[0].length;
    }

    private static float[] flat(float[][] rows) {
        int w = width(rows);
        float[] out = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != w) throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + w);
            System.arraycopy(rows[i], 0, out, i * w, w);
        }
        return out;
    }

    /** The same samples seen with another shape of as many values, e.g. 64 features as {@code 1, 8, 8}. */
    public TensorDataset reshape(int... sampleShape) {
        if (Shapes.numel(sampleShape) != sampleSize)
            throw new IllegalArgumentException(name + ": cannot reshape samples of shape " + Arrays.toString(shape) + " (" + sampleSize
                    + " values) to " + Arrays.toString(sampleShape));
        return new TensorDataset(name, x, sampleShape.clone(), y, targetWidth, classNames, task);
    }

    /** The same samples and targets read as another task, e.g. two classes as BINARY; checked as {@link #of} checks. */
    public TensorDataset withTask(Task t, List<String> classes) {
        return of(name, x, shape, y, targetWidth, classes, t);
    }

    /** The same samples with other targets, {@code [size, targetWidth]} as now (e.g. standardised), checked as {@link #of} checks. */
    public TensorDataset withTargets(float[] targets) {
        return of(name, x, shape, targets, targetWidth, classNames, task);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return x.length / sampleSize;
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public int targetWidth() {
        return targetWidth;
    }

    @Override
    public void target(int i, float[] out, int at) {
        System.arraycopy(y, Objects.checkIndex(i, size()) * targetWidth, out, at, targetWidth);
    }

    /** Sample {@code i}'s values, row-major, into {@code out[at..]}. */
    public void sample(int i, float[] out, int at) {
        System.arraycopy(x, Objects.checkIndex(i, size()) * sampleSize, out, at, sampleSize);
    }

    @Override
    public TensorDataset subset(int[] indices, String name) {
        float[] xs = new float[indices.length * sampleSize], ys = new float[indices.length * targetWidth];
        for (int k = 0; k < indices.length; k++) {
            sample(indices[k], xs, k * sampleSize);
            target(indices[k], ys, k * targetWidth);
        }
        return new TensorDataset(name, xs, shape, ys, targetWidth, classNames, task);
    }

    @Override
    public String toString() {
        return name + ": " + size() + " samples of " + Arrays.toString(shape) + ", " + switch (task) {
            case CLASSIFY, BINARY -> classNames.size() + " classes";
            case REGRESS -> targetWidth + (targetWidth == 1 ? " real target" : " real targets");
        };
    }
}
