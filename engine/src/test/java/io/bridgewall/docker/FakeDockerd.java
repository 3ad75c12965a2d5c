package io.bridgewall.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for dockerd on a unix socket, for tests: it reads each request's head and
 * lets the test's {@link Responder} write whatever bytes it likes back, well-formed or hostile.
 */
public final class FakeDockerd implements AutoCloseable {
    /** Answers one request; returns false to close the connection afterwards. */
    @FunctionalInterface
    public interface Responder {
        boolean respond(String requestLine, SocketChannel out) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private FakeDockerd(Path socket, Responder responder) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = new Thread(() -> serve(responder), "fake-dockerd");
        thread.setDaemon(true);
        thread.start();
    }

    public static FakeDockerd start(Path dir, Responder responder) throws IOException {
        return new FakeDockerd(dir.resolve("docker.sock"), responder);
    }

    public DockerEndpoint endpoint() {
        return new DockerEndpoint(socket);
    }

    /** Request lines received, in order ("GET /_ping HTTP/1.1", ...). */
    public List<String> requests() {
        return requests;
    }

    public int connections() {
        return connections.get();
    }

    private void serve(Responder responder) {
        // A thread per connection: a client may hold an event stream open while it asks more.
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return; // the test is over
            }
            clients.add(client);
            connections.incrementAndGet();
            Thread connection = new Thread(() -> converse(client, responder), "fake-dockerd-connection");
            connection.setDaemon(true);
            connection.start();
        }
    }

    private void converse(SocketChannel client, Responder responder) {
        try (client) {
            String head;
            while ((head = readHead(client)) != null) {
                String requestLine = head.substring(0, head.indexOf("\r\n"));
                requests.add(requestLine);
                if (!responder.respond(requestLine, client)) {
                    break;
                }
            }
        } catch (Exception closedOrBroken) {
            // the client hung up or the test is over
        }
    }

    private static String readHead(SocketChannel client) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            one.clear();
            if (client.read(one) < 0) {
                return null;
            }
            head.write(one.array()[0]);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public static void write(SocketChannel out, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** A complete response with Content-Length. */
    public static String response(int status, String headers, String body) {
        return "HTTP/1.1 " + status + " X\r\n" + headers + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (SocketChannel client : clients) {
            client.close();
        }
        thread.interrupt();
        thread.join(2000);
    }
}
