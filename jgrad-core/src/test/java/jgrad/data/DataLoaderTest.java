package jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import jgrad.autograd.Tensor;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    static final int N = 103;

    /** N images of 1×2 pixels holding their own index (low byte, high byte); label = index % 10. */
    static ImageDataset indexed(int n) {
        byte[] px = new byte[2 * n], labels = new byte[n];
        for (int i = 0; i < n; i++) {
            px[2 * i] = (byte) i;
            px[2 * i + 1] = (byte) (i >> 8);
            labels[i] = (byte) (i % 10);
        }
        return ImageDataset.of("indexed", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 1, 2, px, labels);
    }

    static DataLoader loader(int batch, boolean shuffle, long seed, boolean dropLast) {
        return builder(batch, shuffle, seed, dropLast).build();
    }

    static DataLoader.Builder builder(int batch, boolean shuffle, long seed, boolean dropLast) {
        var b = DataLoader.builder(indexed(N)).batchSize(batch).dropLast(dropLast).transform(Transforms.compose());
        return shuffle ? b.shuffle(seed) : b;
    }

    /** The sample indices of one epoch, checking each batch's shapes and labels on the way. */
    static List<Integer> epoch(DataLoader loader, int batch) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : loader) {
            int size = b.size();
            assertArrayEquals(new int[]{size, 1, 1, 2}, b.inputs().shape());
            assertArrayEquals(new int[]{size}, b.labels().shape());
            assertTrue(size == batch || seen.size() + size == N, "only the last batch may be short");
            float[] x = b.inputs().data(), y = b.labels().data();
            for (int k = 0; k < size; k++) {
                int index = (int) x[2 * k] + 256 * (int) x[2 * k + 1];
                assertEquals(index % 10, y[k], "label of sample " + index);
                seen.add(index);
            }
        }
        return seen;
    }

    @Test
    void batchCount() {
        assertEquals(11, loader(10, false, 0, false).size());
        assertEquals(10, loader(10, false, 0, true).size());
        assertEquals(1, loader(103, false, 0, true).size());
        assertEquals(0, loader(104, false, 0, true).size());
        assertEquals(1, loader(104, false, 0, false).size());
        assertThrows(IllegalArgumentException.class, () -> loader(0, false, 0, false));
    }

    @Test
    void withoutShuffleInDatasetOrderWithShortLastBatch() {
        DataLoader l = loader(10, false, 0, false);
        List<Integer> order = epoch(l, 10);
        for (int i = 0; i < N; i++) assertEquals(i, order.get(i));
        assertEquals(order, epoch(l, 10));
    }

    @Test
    void dropLastDropsTheShortBatch() {
        List<Integer> seen = epoch(loader(10, true, 1, true), 10);
        assertEquals(100, seen.size());
        assertEquals(100, seen.stream().distinct().count());
    }

    @Test
    void shuffleVisitsEveryIndexOncePerEpochInANewOrder() {
        DataLoader l = loader(16, true, 42, false);
        List<Integer> e0 = epoch(l, 16), e1 = epoch(l, 16);
        for (List<Integer> e : List.of(e0, e1)) {
            assertEquals(N, e.size());
            assertEquals(N, e.stream().distinct().count());
            assertTrue(e.stream().allMatch(i -> i >= 0 && i < N));
        }
        assertNotEquals(e0, e1);
        assertEquals(2, l.epoch());
    }

    @Test
    void sameSeedSameOrderDifferentSeedDifferentOrder() {
        DataLoader a = loader(16, true, 7, false), b = loader(16, true, 7, false);
        assertEquals(epoch(a, 16), epoch(b, 16));
        assertEquals(epoch(a, 16), epoch(b, 16));
        assertNotEquals(epoch(loader(16, true, 7, false), 16), epoch(loader(16, true, 8, false), 16));
    }

    @Test
    void setEpochReplaysAnEpoch() {
        DataLoader l = loader(16, true, 7, false);
        epoch(l, 16);
        List<Integer> e1 = epoch(l, 16);
        l.setEpoch(1);
        assertEquals(e1, epoch(l, 16));
    }

    @Test
    void transformIsApplied() {
        var ds = ImageDataset.of("t", List.of("a"), 1, 3, new byte[]{0, (byte) 128, (byte) 255}, new byte[]{0});
        var l = DataLoader.builder(ds).transform(Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f))).build();
        assertArrayEquals(new float[]{-1f, 0x1.0102p-8f, 1f}, l.iterator().next().inputs().data());
    }

    @Test
    void fullBatchIsTheWholeDatasetInOrder() {
        Batch all = loader(10, true, 3, true).fullBatch();
        assertArrayEquals(new int[]{N, 1, 1, 2}, all.inputs().shape());
        for (int i = 0; i < N; i++) {
            assertEquals(i % 256, all.inputs().data()[2 * i]);
            assertEquals(i % 10, all.labels().data()[i]);
        }
    }

    @Test
    void batchesAreTheSameMadeAheadOrOnDemand() {
        for (int batch : new int[]{1, 7, 64}) {
            var ahead = builder(batch, true, 9, false).prefetch(true).build().iterator();
            var onDemand = builder(batch, true, 9, false).prefetch(false).build().iterator();
            assertInstanceOf(Prefetcher.class, ahead);
            assertFalse(onDemand instanceof Prefetcher);
            while (ahead.hasNext()) {
                Batch a = ahead.next(), b = onDemand.next();
                assertArrayEquals(a.inputs().shape(), b.inputs().shape());
                assertArrayEquals(a.inputs().data(), b.inputs().data());
                assertArrayEquals(a.labels().data(), b.labels().data());
            }
            assertFalse(onDemand.hasNext());
            assertThrows(NoSuchElementException.class, onDemand::next);
        }
    }

    @Test
    void iteratorEndsWithNoSuchElement() {
        BatchIterator it = loader(60, false, 0, false).iterator();
        it.next();
        it.next();
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void prefetchFailureIsRethrownToTheConsumer() {
        var boom = new IllegalStateException("boom");
        Batch one = new Batch(Tensor.of(new float[1], 1, 1, 1, 1), Tensor.of(new float[1], 1));
        try (var it = new Prefetcher(5, i -> {
            if (i == 2) throw boom;
            return one;
        })) {
            assertSame(one, it.next());
            assertSame(one, it.next());
            assertSame(boom, assertThrows(IllegalStateException.class, it::next));
            assertFalse(it.hasNext());
        }
    }

    @Test
    void closeStopsThePrefetchThread() throws InterruptedException {
        var it = (Prefetcher) builder(1, true, 0, false).prefetch(true).build().iterator();
        it.next();
        it.close();
        it.thread().join(5000);
        assertFalse(it.thread().isAlive());
        assertFalse(it.hasNext());
    }

    @Test
    void abandonedIteratorsThreadStops() throws InterruptedException {
        Thread thread = startAndAbandon(builder(1, true, 0, false).prefetch(true).build());
        for (int i = 0; i < 100 && thread.isAlive(); i++) {
            System.gc();
            thread.join(100);
        }
        assertFalse(thread.isAlive(), "the prefetch thread outlived its garbage-collected iterator");
    }

    private static Thread startAndAbandon(DataLoader l) {
        var it = (Prefetcher) l.iterator();
        it.next();
        return it.thread();
    }
}
