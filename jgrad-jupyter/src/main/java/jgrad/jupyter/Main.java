package jgrad.jupyter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * The kernel's entry point, {@code java -cp jgrad-kernel.jar jgrad.jupyter.Main COMMAND}:
 * <ul>
 *   <li>{@code kernel CONNECTION_FILE}: what Jupyter runs, as the kernelspec's {@code argv} says;</li>
 *   <li>{@code install [KERNELS_DIR]}: writes the kernelspec {@code jgrad} (kernel.json, logos and a copy
 *       of this jar) into the user's Jupyter kernels directory, or {@code KERNELS_DIR}.</li>
 * </ul>
 * {@code ./jgrad notebook install} and {@code ./jgrad notebook} call {@code install}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "kernel" -> {
                if (args.length != 2) usage("kernel takes one argument, the connection file Jupyter wrote");
                kernel(Path.of(args[1]));
            }
            case "install" -> {
                if (args.length > 2) usage("install takes at most one argument, the kernels directory");
                Path dir = args.length == 2 ? Path.of(args[1]) : KernelSpec.userKernelsDir();
                Path spec = KernelSpec.install(dir, KernelSpec.ownJar(), List.of());
                System.out.println("Installed the Jupyter kernelspec jgrad in " + spec);
            }
            default -> usage(command.isEmpty() ? "no command given" : "unknown command: " + command);
        }
    }

    private static void usage(String problem) {
        System.err.println("jgrad.jupyter.Main: " + problem + "\nusage: kernel CONNECTION_FILE | install [KERNELS_DIR]");
        System.exit(2);
    }

    /** Runs the kernel until Jupyter asks it to shut down, then ends the JVM (restart starts a fresh one). */
    static void kernel(Path connectionFile) throws Exception {
        // jjava-jupyter logs through SLF4J; without a provider SLF4J would warn on stderr at every start
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
        String json;
        try {
            json = Files.readString(connectionFile);
        } catch (IOException e) {
            System.err.println("jgrad kernel: cannot read the connection file " + connectionFile + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(json);
        Kernel kernel = new Kernel(new Cells());
        kernel.onStartup();
        kernel.warmUp();
        Connection connection = new Connection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        System.exit(0);
    }

    /** The jar's version, or "dev" when running from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
