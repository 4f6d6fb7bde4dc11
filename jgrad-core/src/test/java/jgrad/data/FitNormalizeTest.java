package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link Transforms#fitNormalize}: StandardScaler's statistics per channel, for rows and for images. */
class FitNormalizeTest {
    @Test
    void perFeaturePopulationStdAndOneForAConstantFeature() {
        // feature 0: 1, 2, 3, 4 → mean 2.5, population std √1.25; feature 1: always 0.1 (a sum that is not exactly 4·0.1)
        TensorDataset d = TensorDataset.of(new float[][]{{1, 0.1f}, {2, 0.1f}, {3, 0.1f}, {4, 0.1f}}, new float[]{0, 1, 2, 3});
        Transforms.Normalize n = Transforms.fitNormalize(d);
        assertArrayEquals(new float[]{2.5f, 0.1f}, n.mean());
        assertArrayEquals(new float[]{(float) Math.sqrt(1.25), 1f}, n.std());
        assertEquals((3 - 2.5f) / (float) Math.sqrt(1.25), n.apply(0, 3f));
        assertEquals(0f, n.apply(1, 0.1f));
    }

    @Test
    void imagesAreFittedOnToTensorValuesPerChannel() {
        // two 2-channel 1×2 images: channel 0 pixels 0, 255, 0, 255; channel 1 always 51
        byte[] px = {0, (byte) 255, 51, 51, 0, (byte) 255, 51, 51};
        ImageDataset images = ImageDataset.of("rgb", List.of("a", "b"), 2, 1, 2, px, new byte[]{0, 1});
        Transforms.Normalize n = Transforms.fitNormalize(images);
        assertArrayEquals(new float[]{0.5f, 0.2f}, n.mean());
        assertArrayEquals(new float[]{0.5f, 1f}, n.std());
        // what a loader then gives: ToTensor, then these statistics
        Batch b = DataLoader.builder(images).batchSize(2).transform(Transforms.compose(Transforms.toTensor(), n)).build().fullBatch();
        assertArrayEquals(new float[]{-1, 1, 0, 0, -1, 1, 0, 0}, b.inputs().data());
    }

    @Test
    void rowsShapedAsImagesHaveOneStatisticPerChannel() {
        float[] x = {0, 2, 10, 10, 4, 6, 10, 10}; // two samples [2, 2]: channel 0 holds 0, 2, 4, 6, channel 1 always 10
        TensorDataset d = TensorDataset.of("t", x, new int[]{2, 2}, new float[]{1.5f, 2.5f}, 1, List.of(), Task.REGRESS);
        Transforms.Normalize n = Transforms.fitNormalize(d);
        assertArrayEquals(new float[]{3, 10}, n.mean());
        assertArrayEquals(new float[]{(float) Math.sqrt(5), 1}, n.std());
    }
}
