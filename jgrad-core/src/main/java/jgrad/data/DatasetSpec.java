package jgrad.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What identifies a downloadable dataset: its file names, their SHA-256s, where they are published,
 * where a system package installs them, and the class names. {@link FashionMNIST#SPEC} and
 * {@link MNIST#SPEC} are the two built in; a custom spec (e.g. a mirror, or KMNIST) loads the same
 * way through {@link ImageDataset#load}. A dataset published as one archive (CIFAR-10) names it
 * with {@link Split#archive} and reads it itself ({@link CIFAR10}).
 *
 * @param name          short name, used as the cache sub-directory ({@code ~/.cache/jgrad/<name>})
 * @param title         human name for messages, e.g. {@code Fashion-MNIST}
 * @param classNames    one name per class index, in index order
 * @param train         the training split's files
 * @param test          the test split's files
 * @param baseUrl       where the files are downloaded from: {@code baseUrl + file name}
 * @param systemDirs    directories a system package installs the files into, searched last
 * @param debianPackage the Debian package that installs them, or {@code null} if there is none
 */
public record DatasetSpec(String name, String title, List<String> classNames, Split train, Split test,
                          URI baseUrl, List<Path> systemDirs, String debianPackage) {

    /**
     * One published file and the SHA-256 of its bytes as published (of the .gz, not its content).
     * The hash is checked on download only: copies found on disk may be re-compressed (Debian's
     * are) and are checked by their IDX structure instead.
     */
    public record FileSpec(String name, String sha256) {
        public FileSpec {
            Objects.requireNonNull(name);
            if (!sha256.matches("[0-9a-f]{64}"))
                throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
        }
    }

    /**
     * The image and label files of one split. They may be one file, an archive holding both (and
     * both splits may name the same archive, as CIFAR-10's does): see {@link #archive}.
     */
    public record Split(FileSpec images, FileSpec labels) {
        public Split {
            Objects.requireNonNull(images);
            Objects.requireNonNull(labels);
        }

        /** A split whose images and labels are both in {@code archive}, which is found or downloaded once. */
        public static Split archive(FileSpec archive) {
            return new Split(archive, archive);
        }

        /** The files to find or download: images and labels, or the one archive. */
        public List<FileSpec> files() {
            return images.equals(labels) ? List.of(images) : List.of(images, labels);
        }
    }

    public DatasetSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(title);
        classNames = List.copyOf(classNames);
        Objects.requireNonNull(train);
        Objects.requireNonNull(test);
        Objects.requireNonNull(baseUrl);
        systemDirs = List.copyOf(systemDirs);
    }

    public Split split(boolean train) {
        return train ? this.train : this.test;
    }
}
