package jgrad.data;

/**
 * A per-value function from a sample's raw value to the float fed to the network, which may depend
 * on the value's channel: dimension 0 of a sample, an image's colour channel or a table's column.
 * The counterpart of a torchvision {@code transforms} pipeline; build one with {@link Transforms}.
 *
 * <p>Because a transform sees one value at a time, a {@link DataLoader} over uint8 images evaluates
 * it once per channel and value into {@linkplain #lookupTable(int) 256-entry tables} and converts
 * each batch by table lookup, however long the pipeline. Transforms that need neighbouring pixels
 * or randomness (crops, flips) are {@link Augmentation}s instead.
 */
@FunctionalInterface
public interface Transform {
    /** The output for the value {@code x} of channel {@code channel}. */
    float apply(int channel, float x);

    /** The output for the value {@code x} of channel 0 (of a single-channel image). */
    default float apply(float x) {
        return apply(0, x);
    }

    /**
     * The number of channels the transform is written for (a {@code Normalize} with one mean per
     * channel), or 0 when it applies to any number, as a single-value {@code Normalize} does.
     */
    default int channels() {
        return 0;
    }

    /** {@code table[v] = apply(0, v)} for every uint8 value {@code v}. */
    default float[] lookupTable() {
        return lookupTable(1)[0];
    }

    /** {@code table[c][v] = apply(c, v)} for every channel {@code c} and uint8 value {@code v}. */
    default float[][] lookupTable(int channels) {
        float[][] table = new float[channels][256];
        for (int c = 0; c < channels; c++)
            for (int v = 0; v < 256; v++) table[c][v] = apply(c, v);
        return table;
    }
}
