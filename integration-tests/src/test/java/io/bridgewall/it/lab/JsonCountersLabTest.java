package io.bridgewall.it.lab;

import static io.bridgewall.it.lab.LabAddresses.LAN_10;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * `plan --json` and `show --json` against a real dockerd, a real kernel and real packets: the
 * plan's document is what apply installs (read by nft, independently), and the drop counter of
 * a reason rises with the probes it dropped, in bridgewall's read-back and in `nft -j`'s alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class JsonCountersLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "bridgewall";
    private static final String PRIVATE_V4 = "container to private or local IPv4";
    private static final int DROPPED_PROBES = 3;

    private Lab lab;

    @BeforeAll
    void startLab() {
        Root.require();
        lab = Lab.start();
    }

    @AfterAll
    void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void planJsonIsWhatApplyInstallsAndDropCountersRiseWithDroppedProbes() {
        // plan checks bridges against the namespace it runs in: the lab host's, where dockerd made them.
        Shell.Result planned = Bridgewall.run(List.of("ip", "netns", "exec", lab.host().name()),
                List.of("plan", "--json", "--docker-host", lab.docker().host()));
        assertThat(planned.exitCode()).as(planned.stderr()).isZero();
        JsonNode plan = parse(planned.stdout());
        assertThat(plan.path("format").asInt()).isEqualTo(1);
        LabNetwork usernet = lab.container("user-a").network();
        JsonNode userBridge = byField(plan.path("policy").path("bridges"), "name", usernet.bridge());
        assertThat(userBridge.path("origin").path("network").asText()).isEqualTo(usernet.name());
        assertThat(userBridge.path("containers_talk").asBoolean()).isTrue();

        lab.resetFirewall();
        Shell.Result applied = Bridgewall.run(List.of(), List.of("apply", "--netns", lab.host().name(),
                "--docker-host", lab.docker().host()));
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();

        // The plan's document against the kernel as nft reads it.
        NftRuleset kernel = NftRuleset.of(lab.host());
        assertThat(kernel.rules(TABLE)).hasSize(plan.path("ruleset").path("rule_count").asInt());
        for (JsonNode set : plan.path("ruleset").path("sets")) {
            assertThat(kernel.elements(TABLE, set.path("name").asText())).as("set " + set.path("name").asText())
                    .containsExactlyInAnyOrderElementsOf(field(set.path("elements"), "value"));
        }
        for (JsonNode chain : plan.path("ruleset").path("chains")) {
            assertThat(kernel.rules(TABLE, chain.path("name").asText()).stream().map(r -> r.path("comment").asText("")).toList())
                    .as("comments of chain " + chain.path("name").asText())
                    .containsExactlyElementsOf(field(chain.path("rules"), "comment"));
        }
        // And against bridgewall's own read-back: rule for rule, the same nft text.
        JsonNode installed = show();
        assertThat(installed.path("installed").asBoolean()).isTrue();
        for (JsonNode chain : plan.path("ruleset").path("chains")) {
            JsonNode read = byField(installed.path("ruleset").path("chains"), "name", chain.path("name").asText());
            assertThat(field(read.path("rules"), "nft")).containsExactlyElementsOf(field(chain.path("rules"), "nft"));
        }

        long before = drop(installed, PRIVATE_V4).path("packets").asLong();
        for (int i = 0; i < DROPPED_PROBES; i++) {
            ProbeResult probe = lab.probe(lab.fromContainer("bridge-a"), LAN_10, WHO_PORT);
            assertThat(probe.reached()).as("probe %d from bridge-a to %s", i, LAN_10).isFalse();
        }

        // Read nft, then bridgewall, then nft again: every counter bridgewall reports lies between.
        NftRuleset nftBefore = NftRuleset.of(lab.host());
        JsonNode after = show();
        NftRuleset nftAfter = NftRuleset.of(lab.host());
        JsonNode privateV4 = drop(after, PRIVATE_V4);
        assertThat(privateV4.path("packets").asLong()).as("dropped packets counted for '" + PRIVATE_V4 + "'")
                .isGreaterThanOrEqualTo(before + DROPPED_PROBES);
        assertThat(privateV4.path("bytes").asLong()).isPositive();
        System.out.printf("JsonCountersLabTest: %d probes dropped, '%s' counted %d -> %d packets (%d bytes)%n",
                DROPPED_PROBES, PRIVATE_V4, before, privateV4.path("packets").asLong(), privateV4.path("bytes").asLong());
        for (JsonNode drop : after.path("drops")) {
            String chain = drop.path("chain").asText();
            JsonNode first = kernelRule(nftBefore, chain, drop.path("position").asInt(), drop.path("reason").asText());
            JsonNode last = kernelRule(nftAfter, chain, drop.path("position").asInt(), drop.path("reason").asText());
            assertThat(drop.path("packets").asLong()).as(drop.toString())
                    .isBetween(counter(first, "packets"), counter(last, "packets"));
            assertThat(drop.path("bytes").asLong()).as(drop.toString())
                    .isBetween(counter(first, "bytes"), counter(last, "bytes"));
        }
        // Nothing else in the lab sends to a private address: both views agree exactly.
        JsonNode nftPrivateV4 = kernelRule(nftAfter, "forward", privateV4.path("position").asInt(), PRIVATE_V4);
        assertThat(counter(nftPrivateV4, "packets")).isEqualTo(privateV4.path("packets").asLong());
        // The rule in the ruleset part carries the same counter as its drops entry.
        JsonNode forwardRule = byField(byField(after.path("ruleset").path("chains"), "name", "forward").path("rules"),
                "comment", PRIVATE_V4);
        assertThat(forwardRule.path("packets").asLong()).isEqualTo(privateV4.path("packets").asLong());
    }

    @Test
    void showJsonOfANamespaceWithoutOurTableSaysNotInstalledAndExitsThree() {
        try (Netns empty = Netns.create("json")) {
            Shell.Result shown = Bridgewall.run(List.of(), List.of("show", "--json", "--netns", empty.name()));

            assertThat(shown.exitCode()).as(shown.stderr()).isEqualTo(3);
            JsonNode show = parse(shown.stdout());
            assertThat(show.path("kind").asText()).isEqualTo("show");
            assertThat(show.path("installed").asBoolean()).isFalse();
            assertThat(show.path("generation").isInt()).isTrue();
            assertThat(show.path("drops").isEmpty()).isTrue();
        }
    }

    private JsonNode show() {
        Shell.Result shown = Bridgewall.run(List.of(), List.of("show", "--json", "--netns", lab.host().name()));
        assertThat(shown.exitCode()).as(shown.stderr()).isZero();
        return parse(shown.stdout());
    }

    private static JsonNode drop(JsonNode show, String reason) {
        return byField(show.path("drops"), "reason", reason);
    }

    /** The rule at that position of the chain, as nft lists it, checked to carry the same comment. */
    private static JsonNode kernelRule(NftRuleset ruleset, String chain, int position, String comment) {
        JsonNode rule = ruleset.rules(TABLE, chain).get(position);
        assertThat(rule.path("comment").asText()).isEqualTo(comment);
        return rule;
    }

    /** A rule's counter value as nft -j writes it: {"counter": {"packets": N, "bytes": M}} among its expressions. */
    private static long counter(JsonNode rule, String field) {
        for (JsonNode expression : rule.path("expr")) {
            if (expression.has("counter")) {
                return expression.get("counter").path(field).asLong();
            }
        }
        throw new AssertionError("no counter in " + rule);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON document: " + json, e);
        }
    }

    private static JsonNode byField(JsonNode array, String field, String value) {
        return StreamSupport.stream(array.spliterator(), false).filter(n -> n.path(field).asText().equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no " + field + " = " + value + " in " + array));
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(name).asText()));
        return out;
    }
}
