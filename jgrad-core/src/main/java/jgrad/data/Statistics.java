package jgrad.data;

/**
 * Per-channel and per-target means and standard deviations of a dataset, for standardising:
 * {@code Normalize(mean, std)} on the inputs, as sklearn's {@code StandardScaler} and
 * torchvision's usual per-channel statistics. Computed in double over the whole set, with the
 * population standard deviation {@code √(Σ(x − μ)²/n)} (StandardScaler's); a channel whose values
 * are all equal gets std 1, as StandardScaler does, so that it is left centred, not divided by 0.
 * A channel is dimension 0 of a sample: an image's colour channel, a table row's column. Image
 * values are taken after {@code ToTensor} (x / 255), where a {@code Normalize} applies.
 */
public final class Statistics {
    private Statistics() {}

    /** {mean[C], std[C]} of each channel over every sample of {@code d}. */
    public static float[][] channelMeanStd(Dataset d) {
        int channels = d.sampleShape()[0];
        double[] sum = new double[channels], sq = new double[channels];
        long perChannel;
        switch (d) {
            case ImageDataset images -> {
                int plane = images.rows() * images.cols();
                perChannel = (long) plane * images.size();
                // shifted by 127.5 so that the sums of squares lose nothing to cancellation
                for (int i = 0; i < images.size(); i++)
                    for (int c = 0; c < channels; c++)
                        for (int p = 0, at = (i * channels + c) * plane; p < plane; p++) {
                            double v = (images.pixels[at + p] & 0xFF) - 127.5;
                            sum[c] += v;
                            sq[c] += v * v;
                        }
                return meanStd(sum, sq, perChannel, 127.5, 255);
            }
            case TensorDataset rows -> {
                int m = jgrad.tensor.Shapes.numel(rows.sampleShape()), per = m / channels;
                perChannel = (long) per * rows.size();
                float[] x = new float[m];
                double[] shift = new double[channels];
                if (rows.size() > 0) {
                    rows.sample(0, x, 0);
                    for (int c = 0; c < channels; c++) shift[c] = x[c * per]; // Welford-free stability: shift by a sample
                }
                for (int i = 0; i < rows.size(); i++) {
                    rows.sample(i, x, 0);
                    for (int j = 0; j < m; j++) {
                        double v = x[j] - shift[j / per];
                        sum[j / per] += v;
                        sq[j / per] += v * v;
                    }
                }
                float[][] out = meanStd(sum, sq, perChannel, 0, 1);
                for (int c = 0; c < channels; c++) out[0][c] = (float) (out[0][c] + shift[c]);
                return out;
            }
        }
    }

    /** {mean[T], std[T]} of each of the targets of {@code d}. */
    public static float[][] targetMeanStd(Dataset d) {
        int t = d.targetWidth();
        double[] sum = new double[t], sq = new double[t], shift = new double[t];
        float[] y = new float[t];
        if (d.size() > 0) {
            d.target(0, y, 0);
            for (int j = 0; j < t; j++) shift[j] = y[j];
        }
        for (int i = 0; i < d.size(); i++) {
            d.target(i, y, 0);
            for (int j = 0; j < t; j++) {
                double v = y[j] - shift[j];
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        float[][] out = meanStd(sum, sq, d.size(), 0, 1);
        for (int j = 0; j < t; j++) out[0][j] = (float) (out[0][j] + shift[j]);
        return out;
    }

    /** From sums of shifted values and their squares over n values: {(mean + shift)/scale, std/scale}, std 0 as 1. */
    private static float[][] meanStd(double[] sum, double[] sq, long n, double shift, double scale) {
        int k = sum.length;
        float[][] out = new float[2][k];
        for (int c = 0; c < k; c++) {
            double mean = n == 0 ? 0 : sum[c] / n, var = n == 0 ? 0 : Math.max(0, sq[c] / n - mean * mean);
            out[0][c] = (float) ((mean + shift) / scale);
            double std = Math.sqrt(var) / scale;
            out[1][c] = std > 0 && (float) std > 0 ? (float) std : 1f;
        }
        return out;
    }
}
