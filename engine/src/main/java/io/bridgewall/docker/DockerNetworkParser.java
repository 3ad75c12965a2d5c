package io.bridgewall.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the JSON of {@code GET /networks} into {@link DockerNetwork}s. Types are checked field
 * by field: a number where a subnet belongs is an error, never a guess.
 */
final class DockerNetworkParser {
    static final String BRIDGE_NAME = "com.docker.network.bridge.name";
    static final String MASQUERADE = "com.docker.network.bridge.enable_ip_masquerade";
    static final String ICC = "com.docker.network.bridge.enable_icc";
    static final String DEFAULT_BRIDGE = "com.docker.network.bridge.default_bridge";
    /** The spellings Go's strconv.ParseBool accepts, which is what dockerd uses for these options. */
    private static final Map<String, Boolean> GO_BOOLEANS = Map.ofEntries(
            Map.entry("1", true), Map.entry("t", true), Map.entry("T", true), Map.entry("TRUE", true),
            Map.entry("true", true), Map.entry("True", true), Map.entry("0", false), Map.entry("f", false),
            Map.entry("F", false), Map.entry("FALSE", false), Map.entry("false", false), Map.entry("False", false));
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DockerNetworkParser() {
    }

    /** Parses a JSON body; {@code source} names the request for messages. */
    static JsonNode readTree(byte[] body, String source) {
        try {
            JsonNode tree = JSON.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw new DockerException("Docker's answer to " + source + " is empty where JSON was expected; "
                        + "check that dockerd is healthy");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new DockerException("Docker's answer to " + source + " is malformed or truncated JSON ("
                    + HttpResponseReader.abbreviate(e.getOriginalMessage()) + "); check that dockerd is healthy", e);
        } catch (IOException e) {
            throw new DockerException("cannot read Docker's answer to " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bridge-driver networks in a network list (other drivers are skipped), read straight
     * from the body ({@code source} names the request): one network's tree at a time, so
     * 10,000 networks never stand in memory as one tree (about 15 times the body, which made a
     * list near {@link UnixHttpClient#MAX_RESPONSE} exhaust the launcher's heap).
     */
    static List<DockerNetwork> parseList(byte[] body, String source) {
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new DockerException("Docker's answer to " + source + " is empty where JSON was expected; "
                        + "check that dockerd is healthy");
            }
            if (first != JsonToken.START_ARRAY) {
                throw wrongType("the network list", "", JSON.readTree(parser), "an array");
            }
            List<DockerNetwork> networks = new ArrayList<>();
            for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
                listed(JSON.readTree(parser), i).ifPresent(networks::add);
            }
            return networks;
        } catch (JsonProcessingException e) {
            throw new DockerException("Docker's answer to " + source + " is malformed or truncated JSON ("
                    + HttpResponseReader.abbreviate(e.getOriginalMessage()) + "); check that dockerd is healthy", e);
        } catch (IOException e) {
            throw new DockerException("cannot read Docker's answer to " + source + ": " + e.getMessage(), e);
        }
    }

    /** Entry {@code i} of the list: the network if it is of the bridge driver. */
    private static Optional<DockerNetwork> listed(JsonNode node, int i) {
        if (!node.isObject()) {
            throw wrongType("the network list", "[" + i + "]", node, "an object");
        }
        // We asked for the bridge driver only; an answer without a driver is not one to guess about.
        String driver = requiredText(node, "Driver", "network #" + i);
        return driver.equals("bridge") ? Optional.of(parse(node, "network #" + i)) : Optional.empty();
    }

    static DockerNetwork parse(JsonNode node, String position) {
        String id = requiredText(node, "Id", position);
        String name = requiredText(node, "Name", position);
        String where = "docker network \"" + name + "\" (id " + (id.length() > 12 ? id.substring(0, 12) : id) + ")";
        JsonNode options = objectOrEmpty(node, "Options", where);
        List<Cidr> subnets = subnets(node, where);
        InterfaceName bridge = bridgeName(id, optionalText(options, BRIDGE_NAME, where + " Options"), where);
        List<String> warnings = new ArrayList<>();
        // A value we cannot read is worth a warning, not a refusal to protect every other network:
        // EnableIPv6 does not shape the firewall (the subnets do); an unreadable enable_icc fails
        // closed (containers of the network do not reach each other).
        boolean icc = lenientIcc(options, where, warnings);
        boolean ipv6 = lenientBoolean(node, "EnableIPv6", where, warnings);
        DockerNetwork network = new DockerNetwork(id, name, bridge, subnets,
                optionalBoolean(node, "Internal", where), ipv6,
                option(options, MASQUERADE, true, where), icc,
                option(options, DEFAULT_BRIDGE, false, where), warnings);
        network.toBridge(); // fails now, naming the network, if the policy would refuse it later
        return network;
    }

    private static InterfaceName bridgeName(String id, String option, String where) {
        if (option == null && id.length() < 12) {
            throw new DockerException(where + " has an id shorter than 12 characters and no bridge name option; "
                    + "this is not an answer from dockerd");
        }
        String name = option != null ? option : "br-" + id.substring(0, 12);
        try {
            return InterfaceName.of(name);
        } catch (InvalidInputException e) {
            throw new DockerException(where + " has an unusable bridge name: " + e.getMessage(), e);
        }
    }

    private static List<Cidr> subnets(JsonNode node, String where) {
        JsonNode ipam = objectOrEmpty(node, "IPAM", where);
        JsonNode configs = typed(ipam, "Config", where + " IPAM", JsonNodeType.ARRAY, "an array")
                .orElseGet(JSON::createArrayNode);
        List<Cidr> subnets = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            JsonNode config = configs.get(i);
            if (!config.isObject()) {
                throw wrongType(where, "IPAM.Config[" + i + "]", config, "an object");
            }
            String subnet = requiredText(config, "Subnet", where + " IPAM.Config[" + i + "]");
            try {
                subnets.add(Cidr.parse(subnet));
            } catch (InvalidInputException e) {
                throw new DockerException(where + " has an invalid subnet: " + e.getMessage(), e);
            }
        }
        return subnets;
    }

    private static boolean option(JsonNode options, String key, boolean absent, String where) {
        String value = optionalText(options, key, where + " Options");
        if (value == null) {
            return absent;
        }
        Boolean parsed = GO_BOOLEANS.get(value);
        if (parsed == null) {
            throw new DockerException(where + " has option " + key + "=" + HttpResponseReader.abbreviate(value)
                    + ", which is not a boolean; fix or recreate the network");
        }
        return parsed;
    }

    /** Like {@link #option}, but a value that is not a boolean becomes a warning and the default. */
    private static boolean lenientIcc(JsonNode options, String where, List<String> warnings) {
        JsonNode value = options.get(ICC);
        if (value == null || value.isNull()) {
            return true;
        }
        Boolean parsed = value.isTextual() ? GO_BOOLEANS.get(value.textValue()) : null;
        if (parsed == null) {
            warnings.add(where + " has option " + ICC + "=" + HttpResponseReader.abbreviate(value.toString())
                    + ", which is not a boolean; bridgewall keeps its containers from reaching each other");
            return false;
        }
        return parsed;
    }

    private static boolean lenientBoolean(JsonNode node, String field, String where, List<String> warnings) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            warnings.add(where + " has " + field + "=" + HttpResponseReader.abbreviate(value.toString())
                    + ", which is not true or false; bridgewall does not use it and goes on");
            return false;
        }
        return value.booleanValue();
    }

    private static JsonNode objectOrEmpty(JsonNode node, String field, String where) {
        return typed(node, field, where, JsonNodeType.OBJECT, "an object").orElseGet(JSON::createObjectNode);
    }

    private static String requiredText(JsonNode node, String field, String where) {
        String value = optionalText(node, field, where);
        if (value == null) {
            throw new DockerException("Docker's network list lacks " + field + " in " + where
                    + "; this Docker version answers in a shape bridgewall does not know");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field, String where) {
        return typed(node, field, where, JsonNodeType.STRING, "a string").map(JsonNode::textValue).orElse(null);
    }

    private static boolean optionalBoolean(JsonNode node, String field, String where) {
        return typed(node, field, where, JsonNodeType.BOOLEAN, "true or false").map(JsonNode::booleanValue).orElse(false);
    }

    /** The field's value unless absent or null; any other JSON type than {@code type} is an error. */
    private static Optional<JsonNode> typed(JsonNode node, String field, String where, JsonNodeType type,
                                            String expected) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.getNodeType() != type) {
            throw wrongType(where, field, value, expected);
        }
        return Optional.of(value);
    }

    private static DockerException wrongType(String where, String field, JsonNode value, String expected) {
        String kind = value.getNodeType().name().toLowerCase(Locale.ROOT);
        String at = field.isEmpty() ? where : where + " " + field;
        return new DockerException("Docker's network list has the wrong JSON type at " + at + ": " + kind
                + " where " + expected + " belongs; this is not an answer bridgewall can trust");
    }
}
