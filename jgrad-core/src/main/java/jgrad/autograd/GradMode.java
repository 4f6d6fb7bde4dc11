package jgrad.autograd;

/**
 * Whether ops record the graph, per thread, like {@code torch.no_grad()}:
 * <pre>{@code
 * try (var g = GradMode.noGrad()) {
 *     Tensor out = net.forward(x);   // no graph, no saved tensors
 * }
 * }</pre>
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private GradMode() {}

    /** Disables graph recording on this thread until the returned scope is closed; scopes nest. */
    public static GradMode noGrad() {
        DISABLED.get()[0]++;
        return new GradMode();
    }

    public static boolean enabled() {
        return DISABLED.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DISABLED.get()[0]--;
        }
    }
}
