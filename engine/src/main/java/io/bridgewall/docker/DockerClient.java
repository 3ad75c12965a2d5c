package io.bridgewall.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewall.dns.ContainerDns;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-only client of the Docker Engine API over its unix socket. It only ever sends GET: it
 * never changes anything in Docker. The API version is negotiated with {@code /_ping}, never
 * pinned, so the client works with whatever dockerd runs.
 */
public final class DockerClient implements AutoCloseable {
    /** Network list filters (driver, since API 1.22) and the fields we read exist since this one. */
    static final int MIN_API_MINOR = 24;
    private static final Pattern API_VERSION = Pattern.compile("1\\.(\\d{1,3})");
    private static final String BRIDGE_FILTER = URLEncoder.encode("{\"driver\":[\"bridge\"]}", StandardCharsets.UTF_8);

    private static final com.fasterxml.jackson.databind.ObjectMapper FILTER_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final UnixHttpClient http;
    private final DockerEndpoint endpoint;
    private final Duration timeout;
    private String apiVersion;

    private DockerClient(DockerEndpoint endpoint, UnixHttpClient http, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = http;
    }

    /** A client whose every request (connect included) must complete within {@code timeout}. */
    public static DockerClient open(DockerEndpoint endpoint, Duration timeout) {
        return new DockerClient(endpoint, new UnixHttpClient(endpoint.socket(), timeout, UnixHttpClient.MAX_RESPONSE),
                timeout);
    }

    /** The daemon's API version from {@code GET /_ping}'s Api-Version header, asked once. */
    public String apiVersion() {
        if (apiVersion == null) {
            HttpResponse ping = expectOk(http.get("/_ping"), "/_ping");
            String version = ping.header("Api-Version").orElseThrow(() -> new DockerException(
                    endpoint.socket() + " answered /_ping without an Api-Version header: it is not dockerd's socket "
                            + "or dockerd is too old; pass --docker-host unix:///path of dockerd's socket"));
            Matcher m = API_VERSION.matcher(version);
            if (!m.matches()) {
                throw new DockerException("Docker reports API version '" + HttpResponseReader.abbreviate(version)
                        + "', which bridgewall does not understand; it needs Engine API 1." + MIN_API_MINOR + " or later");
            }
            if (Integer.parseInt(m.group(1)) < MIN_API_MINOR) {
                throw new DockerException("Docker's API version " + version + " is too old; bridgewall needs 1."
                        + MIN_API_MINOR + " or later (Docker 1.12+): upgrade Docker");
            }
            apiVersion = version;
        }
        return apiVersion;
    }

    /** Every network of the bridge driver, in Docker's order. */
    public List<DockerNetwork> bridgeNetworks() {
        String target = "/v" + apiVersion() + "/networks?filters=" + BRIDGE_FILTER;
        HttpResponse response = expectOk(http.get(target), target);
        return DockerNetworkParser.parseList(response.body(), "GET " + target);
    }

    /**
     * The running containers (Docker lists only those unless asked for all), with their
     * published ports: one request, however many containers.
     */
    public List<DockerContainer> runningContainers() {
        String target = "/v" + apiVersion() + "/containers/json";
        HttpResponse response = expectOk(http.get(target), target);
        return DockerContainerParser.parseList(DockerNetworkParser.readTree(response.body(), "GET " + target));
    }

    /**
     * A container's DNS as Docker describes it now ({@code ResolvConfPath}, {@code HostConfig.Dns});
     * empty when Docker no longer has it.
     *
     * @param id a Docker container id (hex digits)
     */
    public Optional<ContainerDns> containerDns(String id) {
        if (!id.matches("[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException("not a Docker id: " + HttpResponseReader.abbreviate(id));
        }
        return getJson("/containers/" + id + "/json").map(node -> DockerContainers.parseInspect(node, id));
    }

    /**
     * The network with this id as Docker describes it now; empty when Docker no longer has it or
     * it is not of the bridge driver.
     *
     * @param id a Docker network id (hex digits)
     */
    public Optional<DockerNetwork> network(String id) {
        if (!id.matches("[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException("not a Docker id: " + HttpResponseReader.abbreviate(id));
        }
        String target = "/v" + apiVersion() + "/networks/" + id;
        HttpResponse response = http.get(target);
        if (response.status() == 404) {
            return Optional.empty();
        }
        JsonNode node = DockerNetworkParser.readTree(expectOk(response, target).body(), "GET " + target);
        if (!node.isObject()) {
            throw new DockerException("Docker's answer to GET " + target + " is not a JSON object; "
                    + "this is not an answer bridgewall can trust");
        }
        JsonNode driver = node.get("Driver");
        if (driver == null || !driver.isTextual()) {
            throw new DockerException("Docker's answer to GET " + target + " lacks the network's Driver; "
                    + "this Docker version answers in a shape bridgewall does not know");
        }
        return driver.textValue().equals("bridge") ? Optional.of(DockerNetworkParser.parse(node, "network " + id))
                : Optional.empty();
    }

    /**
     * Subscribes to Docker's events of the given types and actions on a connection of its own
     * (this client's timeout bounds the subscription, not the stream). Events after the return
     * are delivered; list what exists afterwards, so nothing falls between list and stream.
     */
    public DockerEventStream events(List<String> types, List<String> actions) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        filters.put("type", types);
        filters.put("event", actions);
        String query;
        try {
            query = URLEncoder.encode(FILTER_JSON.writeValueAsString(filters), StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return DockerEventStream.open(endpoint.socket(), "/v" + apiVersion() + "/events?filters=" + query, timeout);
    }

    /**
     * The JSON answer to {@code GET /v<version><path>}; empty on 404 (the object is gone).
     * Used by the container queries ({@link DockerContainers}).
     */
    Optional<JsonNode> getJson(String path) {
        String target = "/v" + apiVersion() + path;
        HttpResponse response = http.get(target);
        if (response.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(DockerNetworkParser.readTree(expectOk(response, target).body(), "GET " + target));
    }

    private HttpResponse expectOk(HttpResponse response, String target) {
        if (response.status() == 200) {
            return response;
        }
        throw new DockerException("Docker answered HTTP " + response.status() + " to GET " + target
                + errorDetail(response) + "; check dockerd's log (journalctl -u docker)");
    }

    /** Docker's own explanation, from its JSON error body {"message": "..."} when there is one. */
    private static String errorDetail(HttpResponse response) {
        if (response.body().length == 0) {
            return "";
        }
        try {
            JsonNode message = DockerNetworkParser.readTree(response.body(), "error").get("message");
            if (message != null && message.isTextual()) {
                return ": " + HttpResponseReader.abbreviate(message.textValue().replace('\n', ' '));
            }
        } catch (DockerException notJson) {
            // not JSON: fall through to the raw text
        }
        return ": " + HttpResponseReader.abbreviate(response.bodyText().strip());
    }

    @Override
    public void close() {
        http.close();
    }
}
