package jgrad.data;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import jgrad.autograd.Tensor;
import jgrad.tensor.Elementwise;
import jgrad.tensor.Parallel;
import jgrad.tensor.Shapes;

/**
 * Iterates over a {@link Dataset} in mini-batches of transformed float tensors, like
 * {@code torch.utils.data.DataLoader(dataset, batch_size, shuffle, drop_last)}.
 *
 * <ul>
 *   <li><b>Shapes:</b> each {@link Batch} has inputs {@code [B, sampleShape…]} ({@code [B, C, H, W]}
 *       for images, {@code [B, F]} for table rows) and targets {@code [B]} (a class index or one real
 *       value) or {@code [B, T]} (T real values); B = batch size except possibly for the last batch
 *       ({@code dropLast} drops it instead).</li>
 *   <li><b>Epochs:</b> each call of {@link #iterator()} (each for-each loop) is the next epoch.
 *       With {@code shuffle}, epoch {@code e} visits every sample exactly once in a Fisher–Yates
 *       permutation drawn from a {@link SplittableRandom} seeded from {@code (seed, e)}: the same
 *       seed gives the same order on every machine, a new epoch a new order. This is not
 *       PyTorch's generator, so the order differs from PyTorch's for the same seed.</li>
 *   <li><b>Transform:</b> for uint8 images, evaluated once per channel and uint8 value into 256-entry
 *       tables; a batch is then filled by table lookup ({@code inputs[b, c, r, q] = table[c][pixel]}).
 *       For float samples it is applied to each value with its channel (the index along the
 *       sample's dimension 0). The default is {@code ToTensor()} for images and the identity for
 *       float samples.</li>
 *   <li><b>Prefetch:</b> when the kernels leave a core free ({@link Parallel#threads()} below the
 *       number of cores), one daemon thread makes the next batch (at most two ahead) while the
 *       training step runs. An exception in it is rethrown from {@code next()}. Leaving a loop
 *       early is safe: the thread stops when the iterator is closed or garbage-collected. When the
 *       kernels use every core, a loader thread can only take time from them (measured on 2 cores:
 *       the step waited 110-150 µs a batch for it, more than making the batch itself), so
 *       {@code next()} makes the batch on the calling thread, split across the kernels' threads.
 *       {@link Builder#prefetch(boolean)} overrides the choice.</li>
 * </ul>
 *
 * <pre>{@code
 * ImageDataset train = FashionMNIST.load(true), test = FashionMNIST.load(false);
 * Transform t = Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f));
 * DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(42).transform(t).build();
 * for (int epoch = 0; epoch < 10; epoch++)
 *     for (Batch b : loader) { ... b.inputs() ... b.labels() ... }   // 938 batches of [64, 1, 28, 28]
 * Batch all = DataLoader.builder(test).transform(t).build().fullBatch();  // [10000, 1, 28, 28]
 * }</pre>
 */
public final class DataLoader implements Iterable<Batch>, Sized {

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Transform transform;
    /** table[c][v]: the transform of uint8 value v in channel c (images only). */
    private final float[][] table;
    private final AtomicInteger nextEpoch = new AtomicInteger();
    /** Null: decide per iterator from the free cores. */
    private final Boolean prefetch;
    /** Applied to each sample's pixels before the lookup, or null. */
    private final Augmentation augmentation;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.transform = b.transform != null ? b.transform : dataset instanceof ImageDataset ? Transforms.toTensor() : Transforms.compose();
        int channels = dataset.sampleShape()[0];
        if (transform.channels() != 0 && transform.channels() != channels)
            throw new IllegalArgumentException("the transform " + transform + " is for " + transform.channels() + " channels, but "
                    + dataset.name() + "'s samples " + Shapes.str(dataset.sampleShape()) + " have " + channels);
        this.table = dataset instanceof ImageDataset ? transform.lookupTable(channels) : null;
        this.prefetch = b.prefetch;
        this.augmentation = b.augmentation;
        if (augmentation != null && !(dataset instanceof ImageDataset))
            throw new IllegalArgumentException("augmentation crops and flips images, but " + dataset.name() + " holds "
                    + Shapes.str(dataset.sampleShape()) + " float samples");
    }

    /** A loader over {@code dataset}; by default batches of 1 in dataset order, as PyTorch's defaults. */
    public static Builder builder(Dataset dataset) {
        return new Builder(Objects.requireNonNull(dataset));
    }

    /** The loader's settings by name; each has PyTorch's default. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle, dropLast;
        private long seed;
        private Transform transform;
        private Boolean prefetch;
        private Augmentation augmentation;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /** Samples per batch, at least 1 (default 1). */
        public Builder batchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + n);
            batchSize = n;
            return this;
        }

        /** A new permutation each epoch, drawn from {@code seed} and the epoch number (default: dataset order). */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        /** Drop a final batch smaller than the batch size (default: keep it). */
        public Builder dropLast(boolean drop) {
            dropLast = drop;
            return this;
        }

        /** The per-value transform, e.g. {@code Transforms.normalize} after {@code toTensor} (default: see the class notes). */
        public Builder transform(Transform t) {
            transform = Objects.requireNonNull(t);
            return this;
        }

        /**
         * Random augmentation of every training sample, applied to its uint8 pixels before the
         * transform (as torchvision runs RandomCrop on the image before ToTensor). Each sample draws
         * from a generator seeded by the loader's seed, the epoch and its position in the epoch, so
         * an epoch reproduces bit for bit whatever the thread count, and a resumed epoch too.
         */
        public Builder augment(Augmentation a) {
            augmentation = a;
            return this;
        }

        /**
         * Make batches ahead on a background thread ({@code true}) or on demand on the calling thread
         * ({@code false}), instead of choosing by the free cores (see the class notes).
         */
        public Builder prefetch(boolean background) {
            prefetch = background;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** Batches per epoch: {@code floor(n / batchSize)} with {@code dropLast}, else {@code ceil}. */
    @Override
    public int size() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The epoch the next {@link #iterator()} will produce (0 at first). */
    public int epoch() {
        return nextEpoch.get();
    }

    /** Makes the next {@link #iterator()} produce epoch {@code epoch}, e.g. when resuming training. */
    public void setEpoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        nextEpoch.set(epoch);
    }

    /** The batches of the next epoch. */
    @Override
    public BatchIterator iterator() {
        return iterator(0);
    }

    /**
     * The batches of the next epoch from batch {@code first} on (0-based), the same batches as
     * {@link #iterator()} would give after {@code first} calls of {@code next()}; the skipped ones
     * are never made (resuming mid-epoch).
     */
    public BatchIterator iterator(int first) {
        int n = dataset.size(), count = size();
        if (first < 0 || first > count) throw new IllegalArgumentException("first batch must be in [0, " + count + "], got " + first);
        int epoch = nextEpoch.getAndIncrement();
        int[] order = order(epoch);
        Boolean choice = prefetch;
        if (choice != null ? choice : Runtime.getRuntime().availableProcessors() > Parallel.threads())
            return new Prefetcher(count - first, b -> gather(order, epoch, (first + b) * batchSize, Math.min(n, (first + b + 1) * batchSize), false));
        return new BatchIterator() {
            private int next = first;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int b = next++;
                return gather(order, epoch, b * batchSize, Math.min(n, (b + 1) * batchSize), true);
            }

            @Override
            public void close() {
                next = count;
            }
        };
    }

    /** The whole dataset as one batch, in dataset order, on the calling thread (for evaluation). */
    public Batch fullBatch() {
        return gather(identity(), -1, 0, dataset.size(), true);
    }

    /** The sample order of {@code epoch}: a permutation if shuffling, else 0..n-1. */
    private int[] order(int epoch) {
        int[] order = identity();
        if (shuffle) {
            var rng = new SplittableRandom(seed ^ mix(epoch + 1L));
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    private int[] identity() {
        int[] order = new int[dataset.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        return order;
    }

    /** MurmurHash3's finaliser, so neighbouring epochs seed unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * Samples order[from..to) of {@code epoch} as a batch (augmented when the loader augments and
     * epoch ≥ 0); {@code parallel} splits them across the kernels' threads.
     */
    private Batch gather(int[] order, int epoch, int from, int to, boolean parallel) {
        int b = to - from, t = dataset.targetWidth();
        int[] shape = dataset.sampleShape();
        float[] y = new float[b * t];
        float[] x;
        if (dataset instanceof ImageDataset images) {
            Augmentation aug = epoch >= 0 ? augmentation : null;
            int channels = shape[0], rows = shape[1], cols = shape[2], n = channels * rows * cols;
            if (aug != null) shape = new int[]{channels, aug.outRows(rows), aug.outCols(cols)};
            int plane = shape[1] * shape[2], m = channels * plane;
            byte[] pixels = images.pixels;
            float[] out = x = new float[b * m];
            Parallel.forRange(b, parallel ? 8 : Integer.MAX_VALUE, (k0, k1) -> {
                byte[] image = aug == null ? null : new byte[m];
                for (int k = k0; k < k1; k++) {
                    int i = order[from + k];
                    byte[] src = pixels;
                    int at = i * n;
                    if (aug != null) {
                        // a stream of its own per (epoch, position), apart from the shuffle's seed ^ mix(epoch + 1)
                        aug.apply(pixels, i * n, image, 0, channels, rows, cols,
                                new SplittableRandom(mix(seed ^ 0x5851F42D4C957F2DL) ^ mix(((long) epoch << 32) + from + k)));
                        src = image;
                        at = 0;
                    }
                    for (int c = 0; c < channels; c++) Elementwise.lookup(src, at + c * plane, table[c], out, k * m + c * plane, plane);
                    y[k] = images.labels[i] & 0xFF;
                }
            });
        } else {
            TensorDataset rows = (TensorDataset) dataset;
            int m = Shapes.numel(shape), perChannel = m / shape[0];
            float[] out = x = new float[b * m];
            for (int k = 0; k < b; k++) {
                int i = order[from + k];
                rows.sample(i, out, k * m);
                for (int j = 0; j < m; j++) out[k * m + j] = transform.apply(j / perChannel, out[k * m + j]);
                rows.target(i, y, k * t);
            }
        }
        int[] xs = new int[shape.length + 1];
        xs[0] = b;
        System.arraycopy(shape, 0, xs, 1, shape.length);
        return new Batch(Tensor.of(x, xs), t == 1 ? Tensor.of(y, b) : Tensor.of(y, b, t));
    }
}
