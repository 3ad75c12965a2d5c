package io.bridgewall.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's ruleset as the nft tool reports it (`nft -j list ruleset`): an independent
 * view, not bridgewall's own read-back.
 */
public final class NftRuleset {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode items;

    private NftRuleset(JsonNode items) {
        this.items = items;
    }

    public static NftRuleset of(Netns netns) {
        String out = netns.exec("nft", "-j", "list", "ruleset").orThrow().stdout();
        try {
            return new NftRuleset(JSON.readTree(out).path("nftables"));
        } catch (IOException e) {
            throw new UncheckedIOException("nft -j printed something that is not JSON: " + out, e);
        }
    }

    /** `nft list ruleset` as text, for byte-for-byte comparisons. */
    public static String text(Netns netns) {
        return netns.exec("nft", "list", "ruleset").orThrow().stdout();
    }

    private List<JsonNode> all(String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode item : items) {
            if (item.has(kind)) {
                out.add(item.get(kind));
            }
        }
        return out;
    }

    public List<JsonNode> tables() {
        return all("table");
    }

    public boolean hasTable(String family, String name) {
        return tables().stream().anyMatch(t -> t.path("family").asText().equals(family) && t.path("name").asText().equals(name));
    }

    public Optional<JsonNode> chain(String table, String name) {
        return all("chain").stream()
                .filter(c -> c.path("table").asText().equals(table) && c.path("name").asText().equals(name))
                .findFirst();
    }

    public List<JsonNode> chains(String table) {
        return all("chain").stream().filter(c -> c.path("table").asText().equals(table)).toList();
    }

    public Optional<JsonNode> set(String table, String name) {
        return all("set").stream()
                .filter(s -> s.path("table").asText().equals(table) && s.path("name").asText().equals(name))
                .findFirst();
    }

    /** Elements of a set as nft prints them: "docker0", "10.0.0.0/8", "1.2.3.4-1.2.3.9", "22", "br-x . br-x", "tcp . 8081". */
    public List<String> elements(String table, String set) {
        JsonNode node = set(table, set).orElseThrow(() -> new AssertionError("no set " + set + " in " + table));
        List<String> out = new ArrayList<>();
        for (JsonNode element : node.path("elem")) {
            out.add(elementText(element));
        }
        return out;
    }

    private static String elementText(JsonNode element) {
        if (element.has("prefix")) {
            JsonNode prefix = element.get("prefix");
            return prefix.path("addr").asText() + "/" + prefix.path("len").asInt();
        }
        if (element.has("range")) {
            return element.get("range").get(0).asText() + "-" + element.get("range").get(1).asText();
        }
        if (element.has("elem")) {
            return elementText(element.get("elem").path("val"));
        }
        if (element.has("concat")) {
            // "ifname . ifname" keys: nft -j writes the parts as a list
            List<String> parts = new ArrayList<>();
            element.get("concat").forEach(part -> parts.add(elementText(part)));
            return String.join(" . ", parts);
        }
        return element.asText();
    }

    public List<JsonNode> rules(String table, String chain) {
        return all("rule").stream()
                .filter(r -> r.path("table").asText().equals(table) && r.path("chain").asText().equals(chain))
                .toList();
    }

    public List<JsonNode> rules(String table) {
        return all("rule").stream().filter(r -> r.path("table").asText().equals(table)).toList();
    }
}
