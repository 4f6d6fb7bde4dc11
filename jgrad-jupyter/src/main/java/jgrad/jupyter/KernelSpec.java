package jgrad.jupyter;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import jgrad.io.AtomicFile;

/**
 * The Jupyter kernelspec {@code jgrad}: a directory {@code kernels/jgrad} with {@code kernel.json}
 * (how Jupyter starts the kernel), two logos and the kernel's jar, so the installed kernel does
 * not depend on the build directory it came from.
 *
 * <p>The kernel's JVM flags live here, in {@link #JVM_FLAGS}: the Vector API's incubator module
 * (its one-line warning goes to the kernel's stderr, which Jupyter logs, never to a cell), the
 * build's thread stack size, and the launcher's garbage collector, so training runs as fast as
 * {@code jgrad train}.
 */
final class KernelSpec {
    static final String NAME = "jgrad";
    static final String CDS_ARCHIVE = "jgrad-kernel.jsa";
    static final List<String> JVM_FLAGS = List.of("--add-modules=jdk.incubator.vector", "-Xss8m", "-XX:+UseSerialGC", "-Xmx2g",
            "-Djava.awt.headless=true");

    private KernelSpec() {}

    /** Jupyter's per-user kernels folder on Linux: $JUPYTER_DATA_DIR/kernels, else $XDG_DATA_HOME or ~/.local/share, then jupyter/kernels. */
    static Path userKernelsDir() {
        String data = System.getenv("JUPYTER_DATA_DIR");
        if (data != null && !data.isBlank()) return Path.of(data, "kernels");
        String xdg = System.getenv("XDG_DATA_HOME");
        // $HOME first, as Jupyter reads it (Java's user.home comes from the password database instead)
        String home = System.getenv("HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".local", "share");
        return base.resolve("jupyter").resolve("kernels");
    }

    /** The jar this class was loaded from, or null when it runs from a classes directory (tests). */
    static Path ownJar() {
        try {
            Path p = Path.of(KernelSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * Writes the kernelspec into {@code kernelsDir/jgrad} and returns that directory. With a {@code jar}
     * the kernel runs from a copy of it; without one (tests) from this JVM's class path.
     *
     * @param extraFlags more JVM flags for the kernel, after {@link #JVM_FLAGS}
     */
    static Path install(Path kernelsDir, Path jar, List<String> extraFlags) throws IOException {
        Path dir = kernelsDir.resolve(NAME);
        Files.createDirectories(dir);
        String classPath;
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(JVM_FLAGS);
        if (jar != null) {
            Path copy = dir.resolve("jgrad-kernel.jar");
            AtomicFile.write(copy, out -> Files.copy(jar, out));
            Files.deleteIfExists(dir.resolve(CDS_ARCHIVE)); // made for the jar it replaces
            classPath = "{resource_dir}/jgrad-kernel.jar";
            // the first kernel writes a class-data archive as it exits (JShell's compiler is most of the
            // classes a kernel loads); later kernels map it and start about a third faster
            argv.addAll(List.of("-XX:SharedArchiveFile={resource_dir}/" + CDS_ARCHIVE, "-XX:+AutoCreateSharedArchive", "-Xlog:cds*=off"));
        } else {
            classPath = System.getProperty("java.class.path");
        }
        argv.addAll(extraFlags);
        argv.addAll(List.of("-cp", classPath, Main.class.getName(), "kernel", "{connection_file}"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "Java (jgrad)");
        spec.put("language", "java");
        // interrupts arrive as interrupt_request messages on the control channel (a SIGINT would end the JVM)
        spec.put("interrupt_mode", "message");
        spec.put("env", Map.of());
        spec.put("metadata", Map.of());
        byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(spec);
        AtomicFile.write(dir.resolve("kernel.json"), out -> out.write(json));
        for (int size : new int[]{32, 64}) {
            byte[] png = logo(size);
            AtomicFile.write(dir.resolve("logo-" + size + "x" + size + ".png"), out -> out.write(png));
        }
        return dir;
    }

    /** jgrad's logo: "jg" in white on an orange rounded square. */
    static byte[] logo(int size) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(230, 106, 30));
        g.fillRoundRect(0, 0, size, size, size / 4, size / 4);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size / 2));
        var fm = g.getFontMetrics();
        g.drawString("jg", (size - fm.stringWidth("jg")) / 2, (size - fm.getHeight()) / 2 + fm.getAscent());
        g.dispose();
        var out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
