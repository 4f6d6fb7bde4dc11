package jgrad.data;

/**
 * A per-pixel function from a uint8 pixel value (given as a float, 0..255) to the float fed to the
 * network; the counterpart of a torchvision {@code transforms} pipeline for grayscale images. Build
 * one with {@link Transforms}.
 *
 * <p>Because a transform sees one pixel at a time and the input has only 256 possible values, a
 * {@link DataLoader} evaluates it once per value into a {@linkplain #lookupTable() 256-entry table}
 * and converts each batch by table lookup, however long the pipeline. Transforms that need
 * neighbouring pixels or randomness (crops, flips) cannot be written this way.
 */
@FunctionalInterface
public interface Transform {
    /** The output for one pixel whose uint8 value is {@code x}. */
    float apply(float x);

    /** {@code table[v] = apply(v)} for every uint8 value {@code v}. */
    default float[] lookupTable() {
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) table[v] = apply(v);
        return table;
    }
}
