package jgrad.data;

/** A source of batches that knows how many an epoch has, like PyTorch's {@code len(loader)}; shown as progress. */
public interface Sized {
    /** Batches per epoch. */
    int size();
}
