package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import jgrad.autograd.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python3-sklearn tables read with {@link CsvTable}, split with {@link Split} and scaled
 * with {@link Transforms#fitNormalize}. The expected values were computed from the same files with
 * numpy ({@code np.loadtxt}, float32 features), jgrad's split as {@code tools/table_reference.py}
 * draws it, and sklearn 1.2's {@code StandardScaler} fitted on the training part.
 */
class SklearnTablesTest {
    @TempDir
    Path tmp;

    private static float[] row(TensorDataset d, int i) {
        float[] x = new float[d.sampleShape()[0]];
        d.sample(i, x, 0);
        return x;
    }

    private static double sum(TensorDataset d) {
        double s = 0;
        for (int i = 0; i < d.size(); i++) for (float v : row(d, i)) s += v;
        return s;
    }

    private static float target(TensorDataset d, int i) {
        float[] y = new float[1];
        d.target(i, y, 0);
        return y[0];
    }

    private static int[] classCounts(TensorDataset d) {
        int[] counts = new int[d.classNames().size()];
        for (int i = 0; i < d.size(); i++) counts[(int) target(d, i)]++;
        return counts;
    }

    private static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "at " + i);
    }

    @Test
    void iris() throws IOException {
        TensorDataset d = SklearnData.iris();
        assertEquals("iris.csv: 150 samples of [4], 3 classes", d.toString());
        assertEquals(Task.CLASSIFY, d.task());
        assertEquals(List.of("0", "1", "2"), d.classNames());
        assertArrayEquals(new int[]{50, 50, 50}, classCounts(d));
        assertArrayEquals(new float[]{5.1f, 3.5f, 1.4f, 0.2f}, row(d, 0));
        assertArrayEquals(new float[]{5.9f, 3.0f, 5.1f, 1.8f}, row(d, 149));
        assertEquals(2078.69999640435, sum(d), 1e-9);

        Split<TensorDataset> s = Split.random(d, 0.2, 0);
        assertEquals(120, s.train().size());
        assertEquals(30, s.test().size());
        assertEquals("iris.csv/test", s.test().name());
        int[] test = Split.indices(150, 0.2, 0)[1];
        assertArrayEquals(new int[]{1, 16, 17, 20, 27, 33, 34, 38, 39, 40}, Arrays.copyOf(test, 10)); // tools/table_reference.py prints the same
        assertArrayEquals(row(d, 16), row(s.test(), 1));
        Transforms.Normalize n = Transforms.fitNormalize(s.train());
        assertClose(new double[]{5.829999995231629, 3.04500000278155, 3.799999992052714, 1.217499992189308}, n.mean());
        assertClose(new double[]{0.791896448625212, 0.43586121497159774, 1.6855266187149844, 0.7343548665253953}, n.std());
    }

    @Test
    void breastCancerIsBinary() throws IOException {
        TensorDataset d = SklearnData.breastCancer();
        assertEquals("breast_cancer.csv: 569 samples of [30], 2 classes", d.toString());
        assertEquals(Task.BINARY, d.task());
        assertEquals(List.of("0", "1"), d.classNames()); // 0 malignant, 1 benign, as sklearn encodes them
        assertArrayEquals(new int[]{212, 357}, classCounts(d));
        assertArrayEquals(new float[]{17.99f, 10.38f, 122.8f, 1001f, 0.1184f, 0.2776f}, Arrays.copyOf(row(d, 0), 6));
        assertEquals(1056474.4601555476, sum(d), 1e-6);
        Split<TensorDataset> s = Split.random(d, 0.2, 0);
        assertEquals(455, s.train().size());
        assertArrayEquals(new int[]{0, 2, 10, 19, 28, 33, 34, 52}, Arrays.copyOf(Split.indices(569, 0.2, 0)[1], 8));
        Transforms.Normalize n = Transforms.fitNormalize(s.train());
        assertClose(new double[]{14.117648348965488, 19.31639564849518, 91.91208785340027, 652.6564834762405}, Arrays.copyOf(n.mean(), 4));
        assertClose(new double[]{3.465637900318705, 4.318476166626128, 23.904835680058834, 345.9328291900804}, Arrays.copyOf(n.std(), 4));
        // as two logits instead of one
        assertEquals(Task.CLASSIFY, CsvTable.read(SklearnData.dir().resolve("breast_cancer.csv"),
                CsvTable.Options.DEFAULT.noHeader().skipRows(1).task(Task.CLASSIFY)).task());
    }

    @Test
    void digitsAsRowsAndAsImages() throws IOException {
        TensorDataset d = SklearnData.digits();
        assertEquals("digits.csv.gz: 1797 samples of [64], 10 classes", d.toString());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), d.classNames());
        assertArrayEquals(new int[]{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, classCounts(d));
        assertEquals(561718.0, sum(d));
        assertEquals(8, target(d, 1796));
        Split<TensorDataset> s = Split.random(d, 0.2, 0);
        assertArrayEquals(new int[]{0, 9, 15, 17, 24, 26, 43, 48}, Arrays.copyOf(Split.indices(1797, 0.2, 0)[1], 8));
        Transforms.Normalize n = Transforms.fitNormalize(s.train());
        assertClose(new double[]{0.0, 0.2950591510090466, 5.192762700069589, 11.83785664578984}, Arrays.copyOf(n.mean(), 4));
        assertClose(new double[]{1.0, 0.9126402695678429, 4.72762684909384, 4.216250878122808}, Arrays.copyOf(n.std(), 4));
        // pixels that are 0 in every training image keep std 1, as StandardScaler's constant features
        assertEquals(List.of(1f, 1f, 1f), List.of(n.std()[0], n.std()[32], n.std()[39]));

        TensorDataset images = d.reshape(1, 8, 8);
        assertEquals("digits.csv.gz: 1797 samples of [1, 8, 8], 10 classes", images.toString());
        Batch b = DataLoader.builder(images).batchSize(4).build().iterator().next();
        assertArrayEquals(new int[]{4, 1, 8, 8}, b.inputs().shape());
        Tensor first = b.inputs();
        float[] pixels = first.data(), features = row(d, 0);
        for (int r = 0; r < 8; r++) for (int c = 0; c < 8; c++) assertEquals(features[r * 8 + c], pixels[r * 8 + c]);
        // as images, one channel: one mean and std over all pixels
        Transforms.Normalize grey = Transforms.fitNormalize(Split.random(images, 0.2, 0).train());
        assertEquals(1, grey.mean().length);
    }

    @Test
    void diabetesJoinedFromTwoWhitespaceFiles() throws IOException {
        TensorDataset d = SklearnData.diabetes(tmp);
        assertEquals("diabetes.csv.gz: 442 samples of [10], 1 real target", d.toString());
        assertEquals(Task.REGRESS, d.task()); // whole numbers 25..346, 214 distinct: more than 20, so real values
        assertArrayEquals(new float[]{59, 2, 32.1f, 101, 157, 93.2f}, Arrays.copyOf(row(d, 0), 6));
        assertEquals(151, target(d, 0));
        assertEquals(57, target(d, 441));
        assertEquals(276404.2335636616, sum(d), 1e-6);
        double y = 0;
        for (int i = 0; i < d.size(); i++) y += target(d, i);
        assertEquals(67243.0, y);
        Transforms.Normalize n = Transforms.fitNormalize(Split.random(d, 0.2, 0).train());
        assertClose(new double[]{48.10481586402266, 1.4560906515580736, 26.448725205980683, 94.68263460759063}, Arrays.copyOf(n.mean(), 4));
        assertClose(new double[]{13.142401785168795, 0.4980682374127112, 4.424225605581825, 13.90517199599737}, Arrays.copyOf(n.std(), 4));
    }
}
