package io.bridgewall.dns;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dns} list of dockerd's daemon.json: the resolvers Docker gives containers instead
 * of the host's. Pure; a file dockerd itself would refuse is a problem reported, never a crash.
 *
 * @param nameservers the addresses of the list, duplicates dropped
 * @param problem     what is wrong with the file, empty when nothing is
 */
public record DaemonDnsConfig(List<InetAddress> nameservers, String problem) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public DaemonDnsConfig {
        nameservers = List.copyOf(nameservers);
    }

    public static DaemonDnsConfig parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            return problem("it is not valid JSON (" + ResolvConf.shorten(detail) + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        }
        if (root == null || root.isMissingNode()) {
            return new DaemonDnsConfig(List.of(), ""); // an empty file: dockerd's defaults
        }
        if (!root.isObject()) {
            return problem("it is not a JSON object");
        }
        JsonNode dns = root.get("dns");
        if (dns == null || dns.isNull()) {
            return new DaemonDnsConfig(List.of(), "");
        }
        if (!dns.isArray()) {
            return problem("its \"dns\" is not a list of addresses");
        }
        List<InetAddress> nameservers = new ArrayList<>();
        for (JsonNode entry : dns) {
            if (!entry.isTextual()) {
                return problem("its \"dns\" holds " + entry.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                        + " where an address belongs");
            }
            var address = NameserverText.parse(entry.textValue());
            if (address.isEmpty()) {
                return problem("its \"dns\" holds '" + ResolvConf.shorten(entry.textValue()) + "', which is not an IP address");
            }
            if (!nameservers.contains(address.get()) && nameservers.size() < ResolvConf.MAX_NAMESERVERS) {
                nameservers.add(address.get());
            }
        }
        return new DaemonDnsConfig(nameservers, "");
    }

    private static DaemonDnsConfig problem(String text) {
        return new DaemonDnsConfig(List.of(), text);
    }
}
