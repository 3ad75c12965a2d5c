package io.bridgewall.docker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * One connection to a unix socket, non-blocking under a selector so that every connect, read
 * and write ends by a deadline: a daemon that hangs must not hang bridgewall.
 */
final class UnixTransport implements AutoCloseable {
    /** A deadline that never comes: for an event stream, which may stay silent for days. */
    static final long NO_DEADLINE = Long.MIN_VALUE;

    private final Path socket;
    private volatile boolean wokenUp;
    private final UnixSocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;

    private UnixTransport(Path socket, UnixSocketChannel channel, Selector selector, SelectionKey key) {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    static UnixTransport connect(Path socket, long deadlineNanos) {
        UnixSocketChannel channel = null;
        Selector selector = null;
        try {
            channel = UnixSocketChannel.open();
            channel.configureBlocking(false);
            selector = channel.provider().openSelector();
            SelectionKey key = channel.register(selector, 0);
            UnixTransport transport = new UnixTransport(socket, channel, selector, key);
            if (!channel.connect(new UnixSocketAddress(socket.toFile()))) {
                while (!channel.finishConnect()) {
                    transport.await(SelectionKey.OP_CONNECT, deadlineNanos, "accept the connection");
                }
            }
            return transport;
        } catch (IOException e) {
            closeQuietly(channel, selector);
            throw connectFailure(socket, e);
        } catch (RuntimeException e) {
            closeQuietly(channel, selector);
            throw e;
        }
    }

    private static DockerException connectFailure(Path socket, IOException e) {
        // No existence check beforehand: a user who may not search the directory would be told
        // "missing" instead of "permission denied". jnr's errno texts are fixed English strings.
        String reason = String.valueOf(e.getMessage());
        if (reason.contains("No such file or directory")) {
            return new DockerException("Docker is not running or the socket path is wrong: " + socket
                    + " does not exist; start dockerd or pass --docker-host unix:///path", e);
        }
        if (reason.contains("Permission denied")) {
            return new DockerException("permission denied on " + socket
                    + ": run bridgewall as root or as a member of the docker group", e);
        }
        if (reason.contains("Connection refused")) {
            return new DockerException("nothing accepts connections on " + socket
                    + " (connection refused): dockerd is not running or this is not its socket; "
                    + "start dockerd or pass --docker-host unix:///path", e);
        }
        return new DockerException("cannot connect to Docker at " + socket + ": " + reason
                + "; check that dockerd is running and the path is its socket", e);
    }

    /** Reads what is there, waiting until the deadline for at least one byte; -1 at end of stream. */
    int read(ByteBuffer into, long deadlineNanos) throws IOException {
        while (true) {
            int n = channel.read(into);
            if (n != 0) {
                return n;
            }
            await(SelectionKey.OP_READ, deadlineNanos, "answer");
        }
    }

    void writeFully(ByteBuffer from, long deadlineNanos) throws IOException {
        while (from.hasRemaining()) {
            if (channel.write(from) == 0) {
                await(SelectionKey.OP_WRITE, deadlineNanos, "take the request");
            }
        }
    }

    private void await(int op, long deadlineNanos, String what) throws IOException {
        long millis = 0; // select(0) waits until ready or woken up
        if (deadlineNanos != NO_DEADLINE) {
            millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (millis <= 0) {
                throw new TransportTimeout(what);
            }
        }
        if (wokenUp) {
            throw new WokenUpException();
        }
        key.interestOps(op);
        selector.select(millis);
        selector.selectedKeys().clear();
        key.interestOps(0);
        if (wokenUp) {
            throw new WokenUpException();
        }
    }

    /**
     * From another thread: ends a wait in {@link #read} or {@link #writeFully}, now or the next
     * time one starts, with {@link WokenUpException}. How a stream with no deadline is stopped.
     */
    void wakeUp() {
        wokenUp = true;
        selector.wakeup();
    }

    Path socket() {
        return socket;
    }

    @Override
    public void close() {
        closeQuietly(channel, selector);
    }

    private static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing is best effort; the caller already has the error that matters
            }
        }
    }

    /** The peer did not do {@code what} before the deadline. */
    static final class TransportTimeout extends IOException {
        TransportTimeout(String what) {
            super(what);
        }
    }

    /** {@link #wakeUp} was called: the caller asked the wait to end. */
    static final class WokenUpException extends java.io.InterruptedIOException {
        WokenUpException() {
            super("woken up");
        }
    }
}
