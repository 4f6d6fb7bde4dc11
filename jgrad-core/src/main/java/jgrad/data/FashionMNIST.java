package jgrad.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST: 28×28 grayscale images of clothing in 10 classes, 60,000 for training
 * and 10,000 for testing; torchvision's {@code datasets.FashionMNIST}.
 *
 * <p>Files are found or downloaded as {@link DataSource} describes; on Debian/Ubuntu
 * {@code apt-get install dataset-fashion-mnist} puts them in {@code /usr/share/datasets/fashion-mnist}.
 * Downloads come from the dataset's own S3 website, which serves plain HTTP only; the SHA-256 check
 * is what makes that safe. The hashes are of the files as published (whose MD5s are those in the
 * upstream README and torchvision); Debian's copies hold the same compressed data under a rewritten
 * gzip header, so their own hashes differ, which is why files found on disk are checked by their
 * IDX structure rather than by hash.
 *
 * <pre>{@code
 * ImageDataset train = FashionMNIST.load(true);                   // search, download if missing
 * ImageDataset test = FashionMNIST.load(DataSource.defaults().withDirectory(Path.of("data")), false);  // only ./data
 * }</pre>
 */
public final class FashionMNIST {
    public static final DatasetSpec SPEC = new DatasetSpec(
            "fashion-mnist", "Fashion-MNIST",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
            new DatasetSpec.Split(
                    new DatasetSpec.FileSpec("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                    new DatasetSpec.FileSpec("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845")),
            new DatasetSpec.Split(
                    new DatasetSpec.FileSpec("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                    new DatasetSpec.FileSpec("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")),
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            List.of(Path.of("/usr/share/datasets/fashion-mnist")),
            "dataset-fashion-mnist");

    /** One image's shape without the batch: one 28×28 grey image. */
    public static final int[] SHAPE = {1, 28, 28};
    /** Values per image, 784. */
    public static final int FEATURES = 28 * 28;

    private FashionMNIST() {}

    /** The training ({@code true}) or test split, from the usual places, downloading if missing. */
    public static ImageDataset load(boolean train) throws IOException {
        return load(DataSource.defaults(), train);
    }

    public static ImageDataset load(DataSource source, boolean train) throws IOException {
        return ImageDataset.load(SPEC, source, train);
    }
}
