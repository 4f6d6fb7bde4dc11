package jgrad.data;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a dataset's files are looked for, and whether and how they may be downloaded. Immutable;
 * each {@code with…} method returns a changed copy.
 *
 * <p>Files are looked for, first match wins (a directory matches when it holds both files of the
 * split, or its one archive, each either gzipped under its published name or gunzipped without {@code .gz}):
 * <ol>
 *   <li>the {@linkplain #withDirectory explicit directory}, if one is given — then it is the only
 *       place looked in, and downloads go into it;</li>
 *   <li>{@code $JGRAD_DATA/<dataset>}, then {@code $JGRAD_DATA} itself (convenient for one
 *       dataset; MNIST and Fashion-MNIST files share names, so keep several in sub-directories);</li>
 *   <li>the per-user cache {@code $XDG_CACHE_HOME/jgrad/<dataset>}, or
 *       {@code ~/.cache/jgrad/<dataset>} when {@code XDG_CACHE_HOME} is unset or relative;</li>
 *   <li>the spec's system directories, e.g. {@code /usr/share/datasets/fashion-mnist} from
 *       Debian's {@code dataset-fashion-mnist}.</li>
 * </ol>
 * If none has them and downloading is allowed (the default), the missing files are downloaded
 * from the spec's base URL (or {@link #withBaseUrl}) into the explicit directory or the cache,
 * checked against their SHA-256 and moved into place atomically; progress goes to stderr.
 * Otherwise a {@link DatasetUnavailableException} lists the places and how to get the files.
 *
 * <pre>{@code
 * DataSource offline = DataSource.defaults().withDownload(false);
 * ImageDataset test = FashionMNIST.load(offline, false);
 * }</pre>
 */
public final class DataSource {
    public static final String ENV_VAR = "JGRAD_DATA";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final Path envDir;
    private final Path cacheRoot;
    private final boolean download;
    private final URI baseUrl;
    private final Duration timeout;
    private final PrintStream progress;

    private DataSource(Path directory, Path envDir, Path cacheRoot, boolean download, URI baseUrl,
                       Duration timeout, PrintStream progress) {
        this.directory = directory;
        this.envDir = envDir;
        this.cacheRoot = cacheRoot;
        this.download = download;
        this.baseUrl = baseUrl;
        this.timeout = timeout;
        this.progress = progress;
    }

    /** Search the usual places (from this process's environment), download if missing, progress on stderr. */
    public static DataSource defaults() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static DataSource fromEnvironment(Map<String, String> env, Path home) {
        String data = env.get(ENV_VAR);
        String xdg = env.get("XDG_CACHE_HOME");
        // the XDG base-directory spec says a relative value is invalid and is to be ignored
        Path cache = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return new DataSource(null, data == null || data.isEmpty() ? null : Path.of(data), cache.resolve("jgrad"),
                true, null, DEFAULT_TIMEOUT, System.err);
    }

    /** Look only in {@code dir} (and download into it if allowed); {@code null} restores the search. */
    public DataSource withDirectory(Path dir) {
        return new DataSource(dir, envDir, cacheRoot, download, baseUrl, timeout, progress);
    }

    /** Allow or forbid downloading missing files. */
    public DataSource withDownload(boolean allowed) {
        return new DataSource(directory, envDir, cacheRoot, allowed, baseUrl, timeout, progress);
    }

    /** Download from {@code url + file name} instead of the spec's location (a mirror, or a test server). */
    public DataSource withBaseUrl(URI url) {
        return new DataSource(directory, envDir, cacheRoot, download, url, timeout, progress);
    }

    /** Give up a download when connecting, or any single read, takes longer than this. */
    public DataSource withTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive: " + timeout);
        return new DataSource(directory, envDir, cacheRoot, download, baseUrl, timeout, progress);
    }

    /** Where download progress is printed; {@code null} for silence. */
    public DataSource withProgress(PrintStream out) {
        return new DataSource(directory, envDir, cacheRoot, download, baseUrl, timeout, out);
    }

    /** The directory a download of {@code spec} goes into: the explicit directory, else the user cache. */
    public Path downloadDirectory(DatasetSpec spec) {
        return directory != null ? directory : cacheRoot.resolve(spec.name());
    }

    /** The per-user cache directory, {@code ~/.cache/jgrad} or {@code $XDG_CACHE_HOME/jgrad}. */
    Path userCache() {
        return cacheRoot;
    }

    /** A directory looked in, and why it is on the list (shown in error messages). */
    record Place(Path dir, String origin) {}

    /** The image and label files of one split, as found (the same file for an {@linkplain DatasetSpec.Split#archive archive}). */
    record Found(Path images, Path labels) {}

    List<Place> places(DatasetSpec spec) {
        if (directory != null) return List.of(new Place(directory, "given directory"));
        List<Place> places = new ArrayList<>();
        if (envDir != null) {
            places.add(new Place(envDir.resolve(spec.name()), "$" + ENV_VAR + "/" + spec.name()));
            places.add(new Place(envDir, "$" + ENV_VAR));
        }
        places.add(new Place(downloadDirectory(spec), "user cache"));
        for (Path dir : spec.systemDirs())
            places.add(new Place(dir, spec.debianPackage() == null ? "system" : "system, Debian package " + spec.debianPackage()));
        return places;
    }

    /**
     * Finds, or downloads, both files of the training or test split.
     *
     * @throws DatasetUnavailableException when they are nowhere and could not be downloaded
     */
    Found locate(DatasetSpec spec, boolean train) throws IOException {
        DatasetSpec.Split split = spec.split(train);
        List<Place> places = places(spec);
        for (Place place : places) {
            Found found = find(place.dir(), split);
            if (found != null) return found;
        }
        if (!download) throw unavailable(spec, train, places, "Downloading is switched off.", null);
        Path target = downloadDirectory(spec);
        URI base = URI.create(withSlash(Objects.requireNonNullElse(baseUrl, spec.baseUrl()).toString()));
        try {
            Files.createDirectories(target);
            for (DatasetSpec.FileSpec f : split.files())
                if (existing(target, f.name()) == null)
                    Downloader.fetch(base.resolve(f.name()), target.resolve(f.name()), f.sha256(), timeout, progress);
        } catch (IOException e) {
            throw unavailable(spec, train, places, "Downloading into " + target + " failed: " + e.getMessage(), e);
        }
        return find(target, split);
    }

    private static Found find(Path dir, DatasetSpec.Split split) {
        Path images = existing(dir, split.images().name()), labels = existing(dir, split.labels().name());
        return images != null && labels != null ? new Found(images, labels) : null;
    }

    /** The file as published, or gunzipped under the name without {@code .gz}; null if neither exists. */
    static Path existing(Path dir, String name) {
        for (String candidate : List.of(name, name.replaceFirst("\\.gz$", ""))) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private DatasetUnavailableException unavailable(DatasetSpec spec, boolean train, List<Place> places,
                                                    String why, Throwable cause) {
        DatasetSpec.Split split = spec.split(train);
        var m = new StringBuilder();
        m.append(spec.title()).append(" (").append(train ? "training" : "test").append(" split) not found: need ")
                .append(String.join(" and ", split.files().stream().map(DatasetSpec.FileSpec::name).toList())).append(". Looked in:\n");
        for (Place p : places) m.append("  ").append(p.dir()).append("  (").append(p.origin()).append(")\n");
        if (directory == null && envDir == null) m.append("  ($").append(ENV_VAR).append(" is not set)\n");
        m.append(why).append("\nTo get the files, do one of:\n");
        if (spec.debianPackage() != null)
            m.append("  - apt-get install ").append(spec.debianPackage()).append('\n');
        m.append("  - set ").append(ENV_VAR).append(" to a directory holding the files, or pass --data-dir DIR\n");
        if (!download)
            m.append("  - allow downloading; the files are then saved in ").append(downloadDirectory(spec)).append('\n');
        m.append("  - download them by hand from ").append(withSlash(Objects.requireNonNullElse(baseUrl, spec.baseUrl()).toString()))
                .append(" into one of the directories above");
        return new DatasetUnavailableException(m.toString(), cause);
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
