package io.bridgewall.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one HTTP/1.1 response: status line, headers, and a body framed by Content-Length, by
 * chunked transfer-encoding or by the end of the stream. Strict, because a lenient parser on a
 * socket that may not be Docker's is how garbage turns into a firewall.
 */
final class HttpResponseReader {
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 100;
    /** Hex digits of a chunk size: 8 already allows 4 GiB, far beyond the body cap. */
    private static final Pattern CHUNK_SIZE = Pattern.compile("([0-9A-Fa-f]{1,8})(;[^\\r\\n]*)?");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.([01]) (\\d{3})(?: .*)?");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private HttpResponseReader() {
    }

    /**
     * A response's status line and headers.
     *
     * @param headers names in lower case
     */
    record Head(int status, Map<String, String> headers, boolean keepAlive) {
    }

    /** Reads the response; {@code input} must have been {@link HttpInput#begin begun}. */
    static HttpResponse read(HttpInput input, long maxBody) throws IOException {
        Head head = readHead(input);
        int code = head.status();
        Map<String, String> headers = head.headers();
        boolean keepAlive = head.keepAlive();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String transferEncoding = headers.get("transfer-encoding");
        String contentLength = headers.get("content-length");
        if (code / 100 == 1 || code == 204 || code == 304) {
            return new HttpResponse(code, headers, body.toByteArray(), keepAlive);
        }
        if (transferEncoding != null) {
            if (!transferEncoding.strip().equalsIgnoreCase("chunked")) {
                throw new HttpInput.HttpFormatException("unsupported Transfer-Encoding '" + transferEncoding + "'");
            }
            readChunked(input, body, maxBody);
        } else if (contentLength != null) {
            long length = parseContentLength(contentLength, maxBody);
            if (!input.readFully(length, body)) {
                throw new HttpTruncatedException(body.size() + " of " + length + " bytes");
            }
        } else {
            // HTTP/1.0 style: the body runs to the end of the stream, so the connection is spent.
            input.readToEnd(body);
            keepAlive = false;
        }
        return new HttpResponse(code, headers, body.toByteArray(), keepAlive);
    }

    /** Reads the status line and headers, and nothing of the body. */
    static Head readHead(HttpInput input) throws IOException {
        String statusLine;
        try {
            statusLine = input.readLine(MAX_LINE);
        } catch (HttpInput.HttpFormatException e) {
            throw new NotHttpException("no status line: " + e.getMessage());
        }
        if (statusLine == null) {
            throw new HttpClosedException();
        }
        Matcher status = STATUS_LINE.matcher(statusLine);
        if (!status.matches()) {
            throw new NotHttpException(statusLine);
        }
        int code = Integer.parseInt(status.group(2));
        Map<String, String> headers = readHeaders(input);
        boolean keepAlive = status.group(1).equals("1")
                && !headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("close");
        return new Head(code, headers, keepAlive);
    }

    private static Map<String, String> readHeaders(HttpInput input) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; ; i++) {
            String line = input.readLine(MAX_LINE);
            if (line == null) {
                throw new HttpTruncatedException("the headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            if (i >= MAX_HEADERS) {
                throw new HttpInput.HttpFormatException("more than " + MAX_HEADERS + " headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !HEADER_NAME.matcher(line.substring(0, colon)).matches()) {
                throw new HttpInput.HttpFormatException("malformed header line '" + abbreviate(line) + "'");
            }
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
    }

    private static long parseContentLength(String value, long maxBody) throws IOException {
        if (!value.matches("\\d{1,18}")) {
            throw new HttpInput.HttpFormatException("invalid Content-Length '" + abbreviate(value) + "'");
        }
        long length = Long.parseLong(value);
        if (length > maxBody) {
            throw new HttpInput.HttpTooLargeException(maxBody);
        }
        return length;
    }

    private static void readChunked(HttpInput input, ByteArrayOutputStream body, long maxBody) throws IOException {
        while (true) {
            String sizeLine = input.readLine(MAX_LINE);
            if (sizeLine == null) {
                throw new HttpTruncatedException("the chunked body after " + body.size() + " bytes");
            }
            long length = chunkSize(sizeLine);
            if (body.size() + length > maxBody) {
                throw new HttpInput.HttpTooLargeException(maxBody);
            }
            if (length == 0) {
                skipTrailers(input);
                return;
            }
            if (!input.readFully(length, body)) {
                throw new HttpTruncatedException("a chunk of " + length + " bytes");
            }
            String end = input.readLine(2);
            if (end == null || !end.isEmpty()) {
                throw new HttpInput.HttpFormatException("a chunk of " + length + " bytes is not followed by CRLF");
            }
        }
    }

    /** The size a chunk-size line announces (hex digits, extensions ignored). */
    static long chunkSize(String sizeLine) throws IOException {
        Matcher size = CHUNK_SIZE.matcher(sizeLine);
        if (!size.matches()) {
            throw new HttpInput.HttpFormatException("invalid chunk size '" + abbreviate(sizeLine) + "'");
        }
        return Long.parseLong(size.group(1), 16);
    }

    static void skipTrailers(HttpInput input) throws IOException {
        for (int i = 0; i <= MAX_HEADERS; i++) {
            String line = input.readLine(MAX_LINE);
            if (line == null) {
                throw new HttpTruncatedException("the end of the chunked body");
            }
            if (line.isEmpty()) {
                return;
            }
        }
        throw new HttpInput.HttpFormatException("more than " + MAX_HEADERS + " trailer lines");
    }

    static String abbreviate(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }

    /** The peer closed before sending a single byte of the response. */
    static final class HttpClosedException extends IOException {
        HttpClosedException() {
            super("closed the connection without answering");
        }
    }

    /** The first line is not an HTTP status line: the peer does not speak HTTP. */
    static final class NotHttpException extends IOException {
        NotHttpException(String firstLine) {
            super(abbreviate(firstLine));
        }
    }

    /** The stream ended inside the response. */
    static final class HttpTruncatedException extends IOException {
        HttpTruncatedException(String where) {
            super(where);
        }
    }
}
