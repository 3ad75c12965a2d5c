package io.bridgewall.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Protocol;
import io.bridgewall.policy.PublishedPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the JSON of {@code GET /containers/json} into {@link DockerContainer}s. The list's
 * shape (an array of objects, each with a hex Id) must be right or nothing is trusted; a port
 * entry that cannot be read (a port out of range, an unknown protocol, a host IP that is not an
 * address) becomes a warning and that port stays closed: failing closed costs one port, not
 * the firewall of every other container.
 */
final class DockerContainerParser {
    private static final String LIST = "the container list";

    private DockerContainerParser() {
    }

    static List<DockerContainer> parseList(JsonNode list) {
        if (!list.isArray()) {
            throw wrongType(LIST, list, "an array");
        }
        List<DockerContainer> containers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            if (!node.isObject()) {
                throw wrongType(LIST + " [" + i + "]", node, "an object");
            }
            containers.add(parse(node, "container #" + i));
        }
        return containers;
    }

    static DockerContainer parse(JsonNode node, String position) {
        JsonNode idNode = node.get("Id");
        if (idNode == null || !idNode.isTextual()) {
            throw new DockerException("Docker's container list lacks the Id of " + position
                    + "; this Docker version answers in a shape bridgewall does not know");
        }
        String id = idNode.textValue();
        if (!id.matches("[0-9a-f]{12,64}")) {
            throw new DockerException("Docker's container list gives " + position + " the id '"
                    + HttpResponseReader.abbreviate(id) + "', which is not a Docker id; this is not an answer bridgewall can trust");
        }
        String name = name(node, id, position);
        String where = "container " + name + " (id " + DockerContainer.shortId(id) + ")";
        List<String> warnings = new ArrayList<>();
        List<PublishedPort> published = new ArrayList<>();
        JsonNode ports = node.get("Ports");
        if (ports != null && !ports.isNull()) {
            if (!ports.isArray()) {
                throw wrongType(where + " Ports", ports, "an array");
            }
            for (int i = 0; i < ports.size(); i++) {
                published.addAll(port(ports.get(i), where, "Ports[" + i + "]", warnings));
            }
        }
        return new DockerContainer(id, name, published, warnings);
    }

    /** Docker's first name without its leading '/'; the short id when there is none. */
    private static String name(JsonNode node, String id, String position) {
        JsonNode names = node.get("Names");
        if (names == null || names.isNull() || names.isArray() && names.isEmpty()) {
            return DockerContainer.shortId(id);
        }
        if (!names.isArray() || !names.get(0).isTextual()) {
            throw wrongType(position + " Names", names, "an array of strings");
        }
        String name = names.get(0).textValue();
        name = name.startsWith("/") ? name.substring(1) : name;
        return name.isEmpty() ? DockerContainer.shortId(id) : HttpResponseReader.abbreviate(name);
    }

    /** One entry of Ports: none when it is not published (no PublicPort), a warning when unreadable. */
    private static List<PublishedPort> port(JsonNode entry, String where, String field, List<String> warnings) {
        if (!entry.isObject()) {
            throw wrongType(where + " " + field, entry, "an object");
        }
        JsonNode publicPort = entry.get("PublicPort");
        if (publicPort == null || publicPort.isNull()) {
            return List.of(); // exposed, not published: nothing listens on the host
        }
        String entryText = HttpResponseReader.abbreviate(entry.toString());
        if (!publicPort.isIntegralNumber() || !publicPort.canConvertToInt() || publicPort.intValue() < 1
                || publicPort.intValue() > 65535) {
            warnings.add(where + " publishes " + entryText + ", whose PublicPort is not a port (1 to 65535); "
                    + "bridgewall leaves it closed");
            return List.of();
        }
        int number = publicPort.intValue();
        JsonNode type = entry.get("Type");
        String typeText = type != null && type.isTextual() ? type.textValue().toLowerCase(Locale.ROOT) : "";
        Protocol protocol;
        if (typeText.equals("tcp")) {
            protocol = Protocol.TCP;
        } else if (typeText.equals("udp")) {
            protocol = Protocol.UDP;
        } else {
            warnings.add(where + " publishes " + entryText + ", whose Type is not tcp or udp"
                    + (typeText.equals("sctp") ? " (bridgewall does not open SCTP ports)" : "") + "; bridgewall leaves it closed");
            return List.of();
        }
        JsonNode ip = entry.get("IP");
        if (ip != null && !ip.isNull() && !ip.isTextual()) {
            warnings.add(where + " publishes " + entryText + ", whose IP is not a string; bridgewall leaves it closed");
            return List.of();
        }
        String hostIp = ip == null || ip.isNull() ? "" : ip.textValue();
        JsonNode privatePort = entry.get("PrivatePort");
        String owner = where.substring("container ".length())
                + (privatePort != null && privatePort.isIntegralNumber() && privatePort.canConvertToInt()
                && privatePort.intValue() >= 1 && privatePort.intValue() <= 65535 ? " port " + privatePort.intValue() : "");
        try {
            return PublishedPort.of(hostIp, protocol, number, owner);
        } catch (InvalidInputException e) {
            // Not e's message: it quotes the IP unescaped, and the entry above already shows it.
            warnings.add(where + " publishes " + entryText + ", whose IP is not one host address; bridgewall leaves it closed");
            return List.of();
        }
    }

    private static DockerException wrongType(String at, JsonNode value, String expected) {
        String kind = value.getNodeType().name().toLowerCase(Locale.ROOT);
        return new DockerException("Docker's container list has the wrong JSON type at " + at + ": " + kind
                + " where " + expected + " belongs; this is not an answer bridgewall can trust");
    }
}
