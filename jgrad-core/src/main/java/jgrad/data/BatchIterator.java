package jgrad.data;

import java.util.Iterator;

/** An epoch's batches; close it to stop a loader's background work when leaving a loop early. */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {
    @Override
    void close();
}
