package jgrad.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sum of the workers' states after a round, built by {@code treeAggregate} in whatever order
 * Spark's tasks finish, yet always the same floats: partial sums cover aligned blocks of worker
 * indices ({@code [lo, lo + size)}, size a power of two) and two siblings are added only to each
 * other, left + right, so the additions form one fixed binary tree over the workers
 * ({@code ((w0 + w1) + (w2 + w3)) + ...}). Floating-point addition is not associative, and the
 * merge order Spark uses would otherwise decide the last bits.
 *
 * <p>Beside the state it sums the workers' losses, steps and samples, and keeps the slowest
 * worker's training and broadcast-fetch times.
 */
final class RoundSum implements Serializable {
    /** The sum over workers {@code [lo, lo + size)}. */
    record Part(int lo, int size, LinkedHashMap<String, float[]> state, double lossSum, long steps, long samples,
                double trainSeconds, double fetchSeconds) implements Serializable {
        /** Adds {@code right}, the sibling block after this one, into this one's arrays. */
        Part plus(Part right) {
            if (!state.keySet().equals(right.state.keySet()))
                throw new IllegalStateException("workers " + lo + " and " + right.lo + " return different state: "
                        + state.keySet() + " vs " + right.state.keySet());
            for (var e : state.entrySet()) {
                float[] a = e.getValue(), b = right.state.get(e.getKey());
                if (a.length != b.length)
                    throw new IllegalStateException("state " + e.getKey() + " has " + a.length + " values on worker " + lo
                            + " but " + b.length + " on worker " + right.lo);
                for (int i = 0; i < a.length; i++) a[i] += b[i];
            }
            return new Part(lo, 2 * size, state, lossSum + right.lossSum, steps + right.steps, samples + right.samples,
                    Math.max(trainSeconds, right.trainSeconds), Math.max(fetchSeconds, right.fetchSeconds));
        }

        /** This block as its parent's, when the sibling block is empty. */
        Part grown() {
            return new Part(lo, 2 * size, state, lossSum, steps, samples, trainSeconds, fetchSeconds);
        }
    }

    private final int workers;
    private final TreeMap<Integer, Part> parts = new TreeMap<>();

    RoundSum(int workers) {
        this.workers = workers;
    }

    /** Adds one worker's result (a block of size 1). */
    RoundSum add(Part p) {
        put(p);
        return this;
    }

    /** Adds another partial sum's blocks into this one. */
    RoundSum merge(RoundSum other) {
        other.parts.values().forEach(this::put);
        return this;
    }

    private void put(Part p) {
        if (parts.putIfAbsent(p.lo, p) != null) throw new IllegalStateException("worker " + p.lo + " reported twice");
        for (Part q = p; q != null; ) q = climb(q);
    }

    /** Joins block {@code q} with its sibling if both are complete; returns the joined block, or null. */
    private Part climb(Part q) {
        if (q.size >= workers) return null;
        int parent = q.lo - q.lo % (2 * q.size), right = parent + q.size;
        Part left = parts.get(parent), sib = parts.get(right);
        Part joined;
        if (left == null || left.size != q.size) return null;
        if (right >= workers) joined = left.grown();  // the sibling would hold only indices past the last worker
        else if (sib != null && sib.size == q.size) {
            parts.remove(right);
            joined = left.plus(sib);
        } else return null;
        parts.put(parent, joined);
        return joined;
    }

    /** The sum over every worker; an error if some worker's result is missing. */
    Part total() {
        Part root = parts.get(0);
        if (parts.size() != 1 || root == null || root.size < workers)
            throw new IllegalStateException("round is missing workers: have blocks " + parts.keySet() + " of " + workers);
        return root;
    }

    /** The mean state: the total divided by the number of workers. */
    LinkedHashMap<String, float[]> mean() {
        LinkedHashMap<String, float[]> out = total().state;
        for (Map.Entry<String, float[]> e : out.entrySet()) {
            float[] v = e.getValue();
            for (int i = 0; i < v.length; i++) v[i] /= workers;
        }
        return out;
    }
}
