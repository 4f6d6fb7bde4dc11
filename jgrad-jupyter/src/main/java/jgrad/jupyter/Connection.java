package jgrad.jupyter;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.Loop;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.zeromq.ZMQ;

/**
 * Jupyter's five sockets, with the shell and control channels waiting on their socket instead of
 * polling it every 50 ms as {@code jjava-jupyter}'s channels do: that sleep alone would add up to
 * 50 ms to every cell. Heartbeat, iopub and stdin are the library's.
 */
final class Connection extends JupyterConnection {
    private final KernelConnectionProperties props;
    private final ZMQ.Context context = ZMQ.context(1);
    private final Channel shellChannel, controlChannel;

    Connection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        shellChannel = new Channel(context, props, false, this);
        controlChannel = new Channel(context, props, true, this);
    }

    @Override
    public void connect() {
        heartbeat.bind(props);
        shellChannel.bind(props);
        controlChannel.bind(props);
        stdin.bind(props);
        iopub.bind(props);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
    }

    @Override
    public void close() {
        shellChannel.close();
        controlChannel.close();
        super.close();
        context.close();
    }

    @Override
    public void waitUntilClose() {
        shellChannel.waitUntilClose();
        controlChannel.waitUntilClose();
    }

    /** A shell or control channel whose loop blocks in poll (up to 100 ms, to notice a shutdown) rather than sleeping. */
    private static final class Channel extends ShellChannel {
        private final boolean control;
        private final JupyterConnection connection;
        private volatile Loop loop;

        Channel(ZMQ.Context context, KernelConnectionProperties props, boolean control, JupyterConnection connection)
                throws NoSuchAlgorithmException, InvalidKeyException {
            super(context, props.createHMACGenerator(), control, connection, 0);
            this.control = control;
            this.connection = connection;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void bind(KernelConnectionProperties props) {
            super.bind(formatAddress(props.getTransport(), props.getIp(), control ? props.getControlPort() : props.getShellPort()));
            ZMQ.Poller poller = ctx.poller(1);
            poller.register(this, ZMQ.Poller.POLLIN);
            loop = new Loop(control ? "jgrad-control" : "jgrad-shell", 0, () -> {
                if (closed || poller.poll(100) <= 0) return;
                Message<?> message = readMessage();
                if (message == null) return;
                ShellHandler handler = connection.getHandler(message.getHeader().getType());
                if (handler == null) return;
                ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
                try {
                    handler.handle(env, message);
                } catch (Exception e) {
                    System.err.println("jgrad kernel: " + message.getHeader().getType().getName() + " failed: " + e);
                } finally {
                    env.resolveDeferrals();
                }
                if (env.isMarkedForShutdown()) {
                    loop.shutdown();
                    connection.close();
                }
            });
            loop.start();
        }

        @Override
        public void close() {
            Loop l = loop;
            if (l != null) {
                l.shutdown();
                if (Thread.currentThread() != l) {
                    try {
                        l.join(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            super.close();
        }

        @Override
        public void waitUntilClose() {
            Loop l = loop;
            if (l == null) return;
            try {
                l.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
