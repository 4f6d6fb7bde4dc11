package jgrad.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * LeCun, Cortes and Burges' handwritten digits: 28×28 grayscale images of the digits 0–9,
 * 60,000 for training and 10,000 for testing; torchvision's {@code datasets.MNIST}, with the same
 * class names.
 *
 * <p>Files are found or downloaded as {@link DataSource} describes ({@code /usr/share/datasets/mnist}
 * is searched in case a system package provides them; Debian has none). Downloads come from the
 * mirror torchvision uses, since the original site no longer serves the files reliably.
 *
 * <pre>{@code
 * ImageDataset train = MNIST.load(true);
 * }</pre>
 */
public final class MNIST {
    public static final DatasetSpec SPEC = new DatasetSpec(
            "mnist", "MNIST",
            List.of("0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
                    "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"),
            new DatasetSpec.Split(
                    new DatasetSpec.FileSpec("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                    new DatasetSpec.FileSpec("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c")),
            new DatasetSpec.Split(
                    new DatasetSpec.FileSpec("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                    new DatasetSpec.FileSpec("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")),
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            List.of(Path.of("/usr/share/datasets/mnist")),
            null);

    private MNIST() {}

    /** The training ({@code true}) or test split, from the usual places, downloading if missing. */
    public static ImageDataset load(boolean train) throws IOException {
        return load(DataSource.defaults(), train);
    }

    public static ImageDataset load(DataSource source, boolean train) throws IOException {
        return ImageDataset.load(SPEC, source, train);
    }
}
