package io.bridgewall.docker;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP response, fully read.
 *
 * @param status    the status code
 * @param headers   header names in lower case; a repeated header keeps its last value
 * @param body      the decoded body (chunking removed)
 * @param keepAlive whether the connection may carry the next request
 */
record HttpResponse(int status, Map<String, String> headers, byte[] body, boolean keepAlive) {
    HttpResponse {
        headers = Map.copyOf(headers);
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
