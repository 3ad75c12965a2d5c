package io.bridgewall.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's event stream ({@code GET /events}) on a connection of its own: chunked, with no
 * overall deadline (dockerd says nothing while nothing happens), read one JSON object at a
 * time. Nothing from the socket is trusted: chunk sizes, event sizes and nesting are bounded,
 * and every event is parsed strictly by Jackson; a violation ends the stream with a
 * {@link DockerException} (the caller reconnects). {@link #wakeUp} ends a wait from another thread.
 */
public final class DockerEventStream implements AutoCloseable {
    /** Docker's events are a few hundred bytes; a container with many labels a few KiB. */
    static final int MAX_EVENT = 256 * 1024;
    /** dockerd flushes one chunk per event; a chunk far beyond one event is not dockerd. */
    static final int MAX_CHUNK = 2 * MAX_EVENT;
    /** Attributes kept per event: a network's name and driver, a container's name, image, labels. */
    private static final int MAX_ATTRIBUTES = 256;

    private final Path socket;
    private final UnixTransport transport;
    private final HttpInput input;
    private final JsonObjectSplitter splitter = new JsonObjectSplitter(MAX_EVENT);
    private final String target;
    private boolean ended;

    private DockerEventStream(Path socket, UnixTransport transport, HttpInput input, String target) {
        this.socket = socket;
        this.transport = transport;
        this.input = input;
        this.target = target;
    }

    /**
     * Subscribes: connects, sends the request and reads the answer's head within {@code timeout}.
     * Events that happen after this returns are delivered.
     */
    static DockerEventStream open(Path socket, String target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        UnixTransport transport = UnixTransport.connect(socket, deadline);
        try {
            String request = "GET " + target + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: bridgewall\r\n"
                    + "Accept: application/json\r\n\r\n";
            transport.writeFully(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)), deadline);
            HttpInput input = new HttpInput(transport);
            input.begin(deadline, HttpResponseReader.MAX_LINE * (HttpResponseReader.MAX_HEADERS + 2L));
            HttpResponseReader.Head head = HttpResponseReader.readHead(input);
            if (head.status() != 200) {
                throw new DockerException("Docker answered HTTP " + head.status() + " to GET " + target
                        + "; check dockerd's log (journalctl -u docker)");
            }
            String encoding = head.headers().getOrDefault("transfer-encoding", "");
            if (!encoding.strip().equalsIgnoreCase("chunked")) {
                throw new DockerException("Docker's answer to GET " + target + " is not a chunked stream; check that "
                        + socket + " is dockerd's socket");
            }
            // From here on the stream may be silent for days: no deadline, no total budget
            // (each chunk and event is bounded instead).
            input.begin(UnixTransport.NO_DEADLINE, Long.MAX_VALUE);
            return new DockerEventStream(socket, transport, input, target);
        } catch (IOException e) {
            transport.close();
            throw failure(socket, "GET " + target, e);
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * The next event, waiting as long as it takes; empty when dockerd ended the stream or
     * {@link #wakeUp} was called.
     *
     * @throws DockerException when the stream breaks or holds something that is not an event
     */
    public Optional<DockerEvent> next() {
        try {
            while (!ended) {
                Optional<byte[]> object = splitter.poll();
                if (object.isPresent()) {
                    return Optional.of(parse(object.get(), System.nanoTime()));
                }
                readChunk();
            }
            return Optional.empty();
        } catch (UnixTransport.WokenUpException e) {
            ended = true;
            return Optional.empty();
        } catch (IOException e) {
            ended = true;
            throw failure(socket, "GET " + target, e);
        }
    }

    private void readChunk() throws IOException {
        String sizeLine = input.readLine(HttpResponseReader.MAX_LINE);
        if (sizeLine == null) {
            endOfStream();
            return;
        }
        long size = HttpResponseReader.chunkSize(sizeLine);
        if (size == 0) {
            HttpResponseReader.skipTrailers(input);
            endOfStream();
            return;
        }
        if (size > MAX_CHUNK) {
            throw new HttpInput.HttpFormatException("a chunk of " + size + " bytes is larger than any event ("
                    + MAX_CHUNK / 1024 + " KiB at most)");
        }
        ByteArrayOutputStream chunk = new ByteArrayOutputStream((int) size);
        if (!input.readFully(size, chunk)) {
            throw new HttpResponseReader.HttpTruncatedException("a chunk of " + size + " bytes");
        }
        String end = input.readLine(2);
        if (end == null || !end.isEmpty()) {
            throw new HttpInput.HttpFormatException("a chunk of " + size + " bytes is not followed by CRLF");
        }
        splitter.feed(chunk.toByteArray(), 0, chunk.size());
    }

    private void endOfStream() throws IOException {
        if (splitter.midObject()) {
            throw new HttpResponseReader.HttpTruncatedException("the middle of an event");
        }
        ended = true;
    }

    /** An event object, strictly parsed; fields of the wrong type read as absent. */
    static DockerEvent parse(byte[] object, long receivedNanos) {
        JsonNode node = DockerNetworkParser.readTree(object, "an event");
        if (!node.isObject()) {
            throw new DockerException("Docker's event stream holds a JSON value that is not an object; "
                    + "this is not an answer bridgewall can trust");
        }
        JsonNode actor = node.path("Actor");
        Map<String, String> attributes = new HashMap<>();
        JsonNode given = actor.path("Attributes");
        if (given.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = given.fields();
            while (fields.hasNext() && attributes.size() < MAX_ATTRIBUTES) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isTextual()) {
                    attributes.put(field.getKey(), field.getValue().textValue());
                }
            }
        }
        JsonNode time = node.path("timeNano");
        return new DockerEvent(text(node.path("Type")), text(node.path("Action")), text(actor.path("ID")), attributes,
                time.canConvertToLong() ? time.longValue() : 0, receivedNanos);
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : "";
    }

    /** From another thread: ends the current or next wait in {@link #next}, which then returns empty. */
    public void wakeUp() {
        transport.wakeUp();
    }

    private static DockerException failure(Path socket, String request, IOException e) {
        if (e instanceof UnixTransport.TransportTimeout) {
            return new DockerException("Docker at " + socket + " did not " + e.getMessage() + " to " + request
                    + " in time; check that dockerd is healthy", e);
        }
        if (e instanceof HttpResponseReader.HttpClosedException) {
            return new DockerException("Docker at " + socket + " closed the connection without answering " + request, e);
        }
        if (e instanceof HttpResponseReader.NotHttpException) {
            return new DockerException(socket + " did not answer with HTTP (got '" + e.getMessage()
                    + "'): it is not a Docker socket; pass --docker-host unix:///path of dockerd's socket", e);
        }
        if (e instanceof HttpResponseReader.HttpTruncatedException) {
            return new DockerException("Docker's event stream was cut off in " + e.getMessage(), e);
        }
        if (e instanceof HttpInput.HttpFormatException) {
            return new DockerException("Docker's event stream is not trusted: " + e.getMessage(), e);
        }
        return new DockerException("Docker's event stream at " + socket + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        transport.close();
    }
}
