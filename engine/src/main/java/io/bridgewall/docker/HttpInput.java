package io.bridgewall.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Buffered reading from a transport, bounded by a deadline and a byte budget: an endless or
 * slow-drip answer ends in an error instead of eating memory or time.
 */
final class HttpInput {
    private final UnixTransport transport;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192).flip();
    private long deadlineNanos;
    private long budget;
    private long consumed;

    HttpInput(UnixTransport transport) {
        this.transport = transport;
    }

    /** Starts a new response: a fresh deadline and byte budget. */
    void begin(long deadlineNanos, long maxBytes) {
        this.deadlineNanos = deadlineNanos;
        this.budget = maxBytes;
        this.consumed = 0;
    }

    /** Bytes taken since {@link #begin}: zero means the peer has said nothing yet. */
    long consumed() {
        return consumed;
    }

    /** A line ending in CRLF, without it; null if the stream ends before the line starts. */
    String readLine(int maxLength) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (!fill()) {
                if (line.size() == 0) {
                    return null;
                }
                throw new HttpFormatException("the answer ends in the middle of a line");
            }
            byte b = take();
            if (b == '\n') {
                throw new HttpFormatException("a line ends in a bare LF instead of CRLF");
            }
            if (b == '\r') {
                if (!fill() || take() != '\n') {
                    throw new HttpFormatException("a CR is not followed by LF");
                }
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= maxLength) {
                throw new HttpFormatException("a line is longer than " + maxLength + " bytes");
            }
            line.write(b);
        }
    }

    /** Exactly {@code length} bytes into {@code sink}; false if the stream ends first. */
    boolean readFully(long length, ByteArrayOutputStream sink) throws IOException {
        long left = length;
        while (left > 0) {
            if (!fill()) {
                return false;
            }
            int n = (int) Math.min(left, buffer.remaining());
            sink.write(buffer.array(), buffer.position(), n);
            advance(n);
            left -= n;
        }
        return true;
    }

    /** Everything up to the end of the stream. */
    void readToEnd(ByteArrayOutputStream sink) throws IOException {
        while (fill()) {
            int n = buffer.remaining();
            sink.write(buffer.array(), buffer.position(), n);
            advance(n);
        }
    }

    private byte take() throws IOException {
        byte b = buffer.get(buffer.position());
        advance(1);
        return b;
    }

    private void advance(int n) throws IOException {
        buffer.position(buffer.position() + n);
        consumed += n;
        if (consumed > budget) {
            throw new HttpTooLargeException(budget);
        }
    }

    /** Makes at least one byte available; false at end of stream. */
    private boolean fill() throws IOException {
        if (buffer.hasRemaining()) {
            return true;
        }
        buffer.clear();
        int n = transport.read(buffer, deadlineNanos);
        buffer.flip();
        return n > 0;
    }

    /** The bytes do not follow HTTP/1.1. */
    static class HttpFormatException extends IOException {
        HttpFormatException(String message) {
            super(message);
        }
    }

    /** The answer is over its byte budget. */
    static final class HttpTooLargeException extends IOException {
        HttpTooLargeException(long budget) {
            super("larger than " + budget / (1024 * 1024) + " MiB");
        }
    }
}
