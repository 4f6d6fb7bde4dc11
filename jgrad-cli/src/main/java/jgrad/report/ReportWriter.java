package jgrad.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import jgrad.io.AtomicFile;

/**
 * Writes a {@link Report} as a directory: {@code index.html} and the PNG pictures it shows,
 * nothing else, every reference relative, so the directory can be moved, archived or opened offline.
 *
 * <p><b>Atomic replacement.</b> Everything is written into a fresh sibling directory
 * {@code .NAME.new-<random>}, each file flushed to disk ({@code fsync}) and then the directory
 * itself. Then two renames in the parent swap it in: the previous report, if any, to
 * {@code .NAME.old-<random>}, the new one to {@code NAME}; the parent is flushed and the old one deleted.
 * So at any moment, a crash included, {@code NAME} is either the whole previous report or the
 * whole new one, or (only if the machine stops between the two renames) absent, with the previous
 * report whole in {@code .NAME.old-<random>} beside it; never part of one. A failure before the
 * swap leaves {@code NAME} untouched and removes the temporary directory. Two writers of the same
 * directory at once are not supported.
 *
 * <p>An existing {@code NAME} is replaced only if it is empty or a report written here (its
 * {@code index.html} says so), so pointing it at a directory with other files fails instead of
 * deleting them.
 *
 * <p>Drawing needs no display: unless {@code java.awt.headless} is already set, this sets it to true.
 *
 * <pre>{@code
 * ReportWriter.write(Path.of("report"), new Report("jgrad train", "0.1.0", List.of(run), Map.of()));
 * // report/index.html, report/loss.png, report/accuracy.png, ...
 * }</pre>
 */
public final class ReportWriter {
    static {
        // the report draws into images only; without a display AWT must not try to reach one
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Called after each file is written into the temporary directory (a test's way to fail midway). */
    interface FileHook {
        void written(String name) throws IOException;
    }

    private ReportWriter() {}

    /** Writes {@code report} to {@code dir}, replacing a previous report there atomically as the class describes. */
    public static void write(Path dir, Report report) throws IOException {
        write(dir, report, name -> {});
    }

    static void write(Path dir, Report report, FileHook hook) throws IOException {
        write(dir, render(report), hook);
    }

    /**
     * Writes a page with one bar chart, a bar per name at {@code bars[i][0]} with an error bar of
     * ± {@code bars[i][1]}, above {@code text} kept as preformatted lines; replaced atomically as the class describes.
     */
    public static void writeBars(Path dir, String title, List<String> names, double[][] bars, String yTitle, String text) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("bars.png", png(Charts.bars(title, yTitle, names, bars)));
        String html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + Page.GENERATOR + "\n<title>"
                + Page.esc(title) + "</title>\n</head>\n<body>\n<h1>" + Page.esc(title) + "</h1>\n<img src=\"bars.png\" alt=\""
                + Page.esc(yTitle) + "\">\n<pre>" + Page.esc(text) + "</pre>\n</body>\n</html>\n";
        files.put("index.html", html.getBytes(StandardCharsets.UTF_8));
        write(dir, files, name -> {});
    }

    private static void write(Path dir, Map<String, byte[]> files, FileHook hook) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (target.getParent() == null) throw new IOException("cannot write a report as the root directory " + target);
        checkReplaceable(target);
        AtomicFile.stageDirectory(target, tmp -> {
            for (var f : files.entrySet()) {
                Files.write(tmp.resolve(f.getKey()), f.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                hook.written(f.getKey());
            }
        });
    }

    /** The page and its pictures as the bytes of each file, pictures first. */
    static Map<String, byte[]> render(Report report) {
        Page page = new Page();
        String html = page.render(report);
        Map<String, byte[]> files = new LinkedHashMap<>();
        page.images.forEach((file, img) -> files.put(file, png(img)));
        files.put("index.html", html.getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static byte[] png(java.awt.image.BufferedImage img) {
        var png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", png)) throw new IllegalStateException("this JDK has no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    /**
     * Fails now, before the work whose report it is, when {@code dir} could not take a report: a
     * file, a directory that is neither empty nor a report, or a parent where no directory can be
     * made. Writes nothing that stays.
     */
    public static void checkTarget(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize(), parent = target.getParent();
        if (parent == null) throw new IOException("cannot write a report as the root directory " + target);
        checkReplaceable(target);
        Files.createDirectories(parent);
        Files.delete(Files.createDirectory(sibling(parent, target.getFileName().toString(), "check")));
    }

    private static void checkReplaceable(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))
            throw new IOException(target + " exists and is not a directory: not replacing it with a report");
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isEmpty()) return;
        }
        Path index = target.resolve("index.html");
        if (!Files.isRegularFile(index) || !Files.readString(index, StandardCharsets.UTF_8).contains(Page.GENERATOR))
            throw new IOException(target + " is not empty and is not a jgrad report (no index.html written by jgrad): "
                    + "not replacing it; choose another directory or remove it");
    }

    private static Path sibling(Path parent, String name, String kind) throws IOException {
        Path p = parent.resolve("." + name + "." + kind + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) throw new FileAlreadyExistsException(p.toString());
        return p;
    }
}
