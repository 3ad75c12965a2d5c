package io.bridgewall.docker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A minimal HTTP/1.1 client for GET requests over one unix socket. It keeps the connection
 * alive between requests and opens a new one when the server has closed it. Every failure
 * becomes a one-line {@link DockerException}.
 */
final class UnixHttpClient implements AutoCloseable {
    /** Docker's network list is kilobytes; anything near this is not a sane answer. */
    static final long MAX_RESPONSE = 16L * 1024 * 1024;

    private final Path socket;
    private final Duration timeout;
    private final long maxResponse;
    private UnixTransport transport;
    private HttpInput input;

    UnixHttpClient(Path socket, Duration timeout, long maxResponse) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.socket = socket;
        this.timeout = timeout;
        this.maxResponse = maxResponse;
    }

    /** GETs {@code target} (path and query, already encoded); the whole exchange ends within the timeout. */
    HttpResponse get(String target) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean reused = transport != null;
        try {
            return exchange(target, deadline);
        } catch (HttpResponseReader.HttpClosedException e) {
            if (!reused) {
                throw failure(target, e);
            }
            // A kept-alive connection the server has closed meanwhile: retrying a GET once is safe.
            disconnect();
            try {
                return exchange(target, deadline);
            } catch (IOException again) {
                throw failure(target, again);
            }
        } catch (IOException e) {
            throw failure(target, e);
        }
    }

    private HttpResponse exchange(String target, long deadline) throws IOException {
        if (transport == null) {
            transport = UnixTransport.connect(socket, deadline);
            input = new HttpInput(transport);
        }
        try {
            String request = "GET " + target + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: bridgewall\r\n"
                    + "Accept: application/json\r\n\r\n";
            try {
                transport.writeFully(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)), deadline);
            } catch (UnixTransport.TransportTimeout e) {
                throw e;
            } catch (IOException e) {
                // EPIPE on a reused connection: the server closed it; treat like a close before answering.
                throw new HttpResponseReader.HttpClosedException();
            }
            input.begin(deadline, maxResponse);
            HttpResponse response = readResponse();
            if (!response.keepAlive()) {
                disconnect();
            }
            return response;
        } catch (IOException | RuntimeException e) {
            disconnect(); // a connection in an unknown state is never reused
            throw e;
        }
    }

    private HttpResponse readResponse() throws IOException {
        try {
            return HttpResponseReader.read(input, maxResponse);
        } catch (UnixTransport.TransportTimeout | HttpResponseReader.HttpClosedException e) {
            throw e;
        } catch (IOException e) {
            if (input.consumed() == 0) {
                // ECONNRESET before a single byte: the server dropped the connection, same as a close.
                throw new HttpResponseReader.HttpClosedException();
            }
            throw e;
        }
    }

    private DockerException failure(String target, IOException e) {
        String request = "GET " + target;
        if (e instanceof UnixTransport.TransportTimeout) {
            return new DockerException("Docker at " + socket + " did not " + e.getMessage() + " within "
                    + timeout.toMillis() + " ms (" + request + "); check that dockerd is healthy", e);
        }
        if (e instanceof HttpResponseReader.NotHttpException) {
            return new DockerException(socket + " did not answer with HTTP (got '" + e.getMessage()
                    + "'): it is not a Docker socket; pass --docker-host unix:///path of dockerd's socket", e);
        }
        if (e instanceof HttpResponseReader.HttpClosedException) {
            return new DockerException("Docker at " + socket + " closed the connection without answering "
                    + request + "; check that it is dockerd's socket and dockerd is healthy", e);
        }
        if (e instanceof HttpResponseReader.HttpTruncatedException) {
            return new DockerException("Docker's answer to " + request + " was cut off in " + e.getMessage()
                    + "; dockerd may have stopped, try again", e);
        }
        if (e instanceof HttpInput.HttpTooLargeException) {
            return new DockerException("Docker's answer to " + request + " is " + e.getMessage()
                    + "; refusing it: check that " + socket + " is dockerd's socket", e);
        }
        if (e instanceof HttpInput.HttpFormatException) {
            return new DockerException("Docker's answer to " + request + " is not valid HTTP: " + e.getMessage()
                    + "; check that " + socket + " is dockerd's socket", e);
        }
        return new DockerException("talking to Docker at " + socket + " failed (" + request + "): "
                + e.getMessage() + "; check that dockerd is running", e);
    }

    private void disconnect() {
        if (transport != null) {
            transport.close();
            transport = null;
            input = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
