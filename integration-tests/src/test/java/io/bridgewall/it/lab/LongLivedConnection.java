package io.bridgewall.it.lab;

import io.bridgewall.it.support.Shell;
import io.bridgewall.netlink.NetworkNamespace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One established TCP connection from a lab container to the public host that keeps carrying
 * data: the test writes {@code seq N} every {@value #INTERVAL_MS} ms into a busybox nc in the
 * container (docker exec -i), an echo server in the pub namespace (a Java socket opened inside
 * it, so it stays there) sends each line back, and the test times every round trip. A dropped
 * segment shows as a round trip of at least one retransmission timeout (200 ms); a lost NAT
 * binding or a reset ends the echoes.
 */
final class LongLivedConnection implements AutoCloseable {
    static final int PORT = 9000;
    static final long INTERVAL_MS = 50;
    /** The writer's bound: 100 s of lines. */
    private static final int MAX_LINES = 2000;
    private static final int CLIENT_BOUND_SECONDS = 120;
    private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What the connection carried.
     *
     * @param peer        the source address the server saw (the host's uplink when masqueraded)
     * @param sent        lines written into the client
     * @param echoTimes   arrival time of each echo back at the client, in order
     * @param maxRttMillis longest round trip of any line
     * @param serverError how the server's side ended if not by the client closing
     */
    record Result(String peer, int sent, List<Long> echoTimes, long maxRttMillis, Optional<String> serverError,
                  int clientExit, String clientStderr) {
        int echoed() {
            return echoTimes.size();
        }

        long echoedBetween(long fromNanos, long toNanos) {
            return echoTimes.stream().filter(t -> t >= fromNanos && t <= toNanos).count();
        }
    }

    private final ServerSocket server;
    private final BackgroundProcess client;
    private final Socket accepted;
    /** The server's side of the connection; the echo thread and {@link #sendFromServer} write it in turn. */
    private final Writer toClient;
    private final Thread echo;
    private final Thread writer;
    private final long[] sentAt = new long[MAX_LINES];
    private final AtomicReference<String> serverError = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile int sent;
    private Result result;

    private LongLivedConnection(ServerSocket server, BackgroundProcess client, Socket accepted) {
        this.server = server;
        this.client = client;
        this.accepted = accepted;
        try {
            this.toClient = new java.io.OutputStreamWriter(accepted.getOutputStream(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.echo = new Thread(this::echo, "echo-server");
        this.writer = new Thread(this::write, "echo-client-writer");
        echo.setDaemon(true);
        writer.setDaemon(true);
        echo.start();
        writer.start();
    }

    /** Listens in pub, connects from {@code container} and starts the exchange; fails if no connection comes in. */
    static LongLivedConnection open(Lab lab, String container, String address) {
        return open(lab, lab.pub(), container, address);
    }

    /** As {@link #open(Lab, String, String)} with the server in {@code serverSide} (pub or lan), on {@code address}. */
    static LongLivedConnection open(Lab lab, io.bridgewall.it.support.Netns serverSide, String container, String address) {
        ServerSocket server = NetworkNamespace.callInside(serverSide.name(), () -> listen(address));
        BackgroundProcess client = null;
        try {
            server.setSoTimeout((int) ACCEPT_TIMEOUT.toMillis());
            client = BackgroundProcess.start(List.of("docker", "-H", lab.docker().host(), "exec", "-i", container,
                    "/bin/timeout", String.valueOf(CLIENT_BOUND_SECONDS), "/bin/nc", address, String.valueOf(PORT)));
            Socket accepted = server.accept();
            // a silent connection for this long means it is dead: the echo loop must not hang
            accepted.setSoTimeout(5000);
            return new LongLivedConnection(server, client, accepted);
        } catch (IOException e) {
            closeQuietly(server);
            String why = client == null ? "" : " (client exit " + client.awaitExit(Duration.ofSeconds(5)) + ": " + client.stderr() + ")";
            throw new AssertionError("no connection from " + container + " to " + address + ":" + PORT + why, e);
        }
    }

    private static ServerSocket listen(String address) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(address, PORT), 1);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ":" + PORT, e);
        }
    }

    String peer() {
        return accepted.getInetAddress().getHostAddress();
    }

    int echoed() {
        return client.stdout().startingWith("echo seq ").size();
    }

    /** Waits (bounded) until {@code lines} echoes came back. */
    LongLivedConnection awaitEchoes(int lines) {
        for (int i = 0; i < 200 && echoed() < lines; i++) {
            Shell.sleep(25);
        }
        return this;
    }

    /**
     * A line the server sends on its own, not an echo: a packet in the connection's reply
     * direction, at a moment the test chooses (right after an apply, say).
     */
    void sendFromServer(String line) {
        try {
            synchronized (toClient) {
                toClient.write(line + "\n");
                toClient.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the server could not send " + line, e);
        }
    }

    private void echo() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(accepted.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (toClient) {
                    toClient.write("echo " + line + "\n");
                    toClient.flush();
                }
            }
        } catch (IOException e) {
            if (running) {
                serverError.set(e.toString());
            }
        }
    }

    private void write() {
        OutputStream in = client.stdin();
        try {
            for (int i = 0; i < MAX_LINES && running; i++) {
                sentAt[i] = System.nanoTime();
                in.write(("seq " + i + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                sent = i + 1;
                Thread.sleep(INTERVAL_MS);
            }
        } catch (IOException e) {
            if (running) {
                serverError.compareAndSet(null, "client stdin closed: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops writing, lets the last echoes arrive (bounded), closes both ends and returns what was carried. */
    Result stop() {
        if (result != null) {
            return result;
        }
        running = false;
        join(writer);
        int lines = sent;
        for (int i = 0; i < 100 && echoed() < lines; i++) {
            Shell.sleep(20);
        }
        String peer = peer();
        closeQuietly(client.stdin());
        int exit = client.awaitExit(Duration.ofSeconds(5));
        closeQuietly(accepted);
        closeQuietly(server);
        join(echo);
        List<Long> echoTimes = new ArrayList<>();
        long maxRtt = 0;
        for (TimedLines.Line line : client.stdout().startingWith("echo seq ")) {
            int seq = Integer.parseInt(line.text().substring("echo seq ".length()).strip());
            echoTimes.add(line.nanos());
            maxRtt = Math.max(maxRtt, line.nanos() - sentAt[seq]);
        }
        result = new Result(peer, lines, List.copyOf(echoTimes), Duration.ofNanos(maxRtt).toMillis(),
                Optional.ofNullable(serverError.get()), exit, client.stderr());
        return result;
    }

    @Override
    public void close() {
        stop();
    }

    private static void join(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is the end of the exchange; what matters was recorded before
        }
    }
}
