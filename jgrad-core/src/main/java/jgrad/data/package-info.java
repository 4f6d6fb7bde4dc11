/**
 * Datasets and data loading, after {@code torchvision.datasets}, {@code torchvision.transforms}
 * and {@code torch.utils.data.DataLoader}.
 *
 * <ul>
 *   <li>{@link jgrad.data.FashionMNIST} and {@link jgrad.data.MNIST} find (or download and verify)
 *       their IDX files as {@link jgrad.data.DataSource} describes and load an
 *       {@link jgrad.data.ImageDataset} of uint8 images; {@link jgrad.data.CIFAR10} does the same
 *       for CIFAR-10's binary archive;</li>
 *   <li>{@link jgrad.data.ImageFolder} reads a folder of pictures, one sub-folder per class, as
 *       torchvision's {@code ImageFolder}, into an {@link jgrad.data.ImageDataset};</li>
 *   <li>{@link jgrad.data.CsvTable} reads a CSV table into a {@link jgrad.data.TensorDataset} of rows,
 *       the task (classes, binary or real values) inferred from its target column;</li>
 *   <li>{@link jgrad.data.Split} holds out a seeded test fraction of any dataset;</li>
 *   <li>{@link jgrad.data.Transforms} builds the per-value {@link jgrad.data.Transform} (ToTensor,
 *       Normalize, Compose), and fits a Normalize to a training set (standardisation);</li>
 *   <li>{@link jgrad.data.DataLoader} yields shuffled, prefetched {@link jgrad.data.Batch}es of
 *       float tensors.</li>
 * </ul>
 *
 * <pre>{@code
 * ImageDataset train = FashionMNIST.load(true);
 * var loader = DataLoader.builder(train).batchSize(64).shuffle(0)
 *         .transform(Transforms.compose(Transforms.toTensor(), Transforms.normalize(0.5f, 0.5f))).build();
 * for (Batch b : loader) model.forward(b.inputs());
 * }</pre>
 */
package jgrad.data;
