package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.cli.Main;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile command lines against the real kernel, in-process (libnftnl abort()ing on a bad
 * attribute would kill this test JVM): each `apply` either refuses with exit 2, one error line
 * and the namespace's ruleset byte-for-byte as it was, or installs a table whose bridges are
 * exactly the ones given (read with nft, not with our own read-back) after our own
 * verification said so.
 */
class HostileApplyProperties {
    private static Netns netns;

    @BeforeContainer
    static void createNamespace() {
        Root.require();
        netns = Netns.create("hostile");
    }

    @AfterContainer
    static void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    @Property(tries = 150)
    void applyRefusesCleanlyOrInstallsExactlyWhatWasGiven(@ForAll("options") List<List<String>> options) {
        List<String> args = new ArrayList<>(List.of("apply", "--verify", "--no-docker", "--netns", netns.name()));
        options.forEach(args::addAll);
        String before = NftRuleset.text(netns);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));

        String context = "apply " + args.subList(5, args.size()) + "\nstdout: " + out + "\nstderr: " + err;
        assertThat(exit).as(context).isIn(0, 2);
        List<String> errors = err.toString().lines().filter(line -> !line.startsWith("bridgewall: warning: ")).toList();
        if (exit == 2) {
            Statistics.collect("refused");
            assertThat(errors).as(context).hasSize(1);
            assertThat(errors.get(0)).as(context).startsWith("bridgewall: ").doesNotContain("\u001b", "\u0000", "\u202e");
            assertThat(NftRuleset.text(netns)).as(context + "\nthe ruleset is untouched").isEqualTo(before);
        } else {
            Statistics.collect("installed");
            assertThat(errors).as(context).isEmpty();
            assertThat(out.toString()).as(context).contains("verified");
            assertThat(NftRuleset.of(netns).elements("bridgewall", "bridges")).as(context)
                    .containsExactlyInAnyOrderElementsOf(givenBridgeNames(options));
        }
    }

    private static Set<String> givenBridgeNames(List<List<String>> options) {
        Set<String> names = new LinkedHashSet<>();
        for (List<String> option : options) {
            if (option.get(0).equals("--bridge")) {
                names.add(option.get(1).substring(0, option.get(1).indexOf('=')));
            }
        }
        return names;
    }

    @Provide
    Arbitrary<List<List<String>>> options() {
        Arbitrary<List<String>> bridge = Combinators.combine(bridgeName(), subnet().list().ofMinSize(1).ofMaxSize(2))
                .as((name, subnets) -> List.of("--bridge", name + "=" + String.join(",", subnets)));
        Arbitrary<List<String>> port = portText().map(p -> List.of("--allow-port", p));
        Arbitrary<List<String>> contain = Arbitraries.of("docker0", "br-*", "none", "*", "br\u001b*", "x".repeat(16), "",
                "bw*", "veth*").map(p -> List.of("--contain", p));
        Arbitrary<List<String>> uncontain = Arbitraries.of("br-lan", "lo", "", "br-*", "\u202e").map(n -> List.of("--uncontain", n));
        Arbitrary<List<String>> isolation = Arbitraries.of("strict", "docker", "STRICT", "", "\u0000").map(w -> List.of("--isolation", w));
        Arbitrary<List<String>> timeout = Arbitraries.of("0", "-5", "301", "99999999999", "5", "x")
                .map(t -> List.of("--docker-timeout", t));
        return Arbitraries.frequencyOf(Tuple.of(10, bridge), Tuple.of(2, port), Tuple.of(1, contain), Tuple.of(1, uncontain),
                Tuple.of(1, isolation), Tuple.of(1, timeout)).list().ofMaxSize(8);
    }

    private static Arbitrary<String> bridgeName() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.').ofMinLength(1).ofMaxLength(10)
                        .map(s -> "bw" + s)),
                Tuple.of(1, Arbitraries.of("lo", "docker0", "br-x", "x".repeat(16), "bad name", "br\u001b[2J", "br\u202e",
                        "bw/1", "")));
    }

    private static Arbitrary<String> subnet() {
        Arbitrary<String> aligned = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(16, 30)).as((b, c, prefix) -> {
                    int network = (10 << 24 | b << 16 | c << 8) & (int) (0xffffffffL << (32 - prefix));
                    return "10." + (network >>> 16 & 255) + "." + (network >>> 8 & 255) + "." + (network & 255) + "/" + prefix;
                });
        Arbitrary<String> ipv6 = Arbitraries.integers().between(0, 0xffff).map(n -> "fd00:" + Integer.toHexString(n) + "::/64");
        Arbitrary<String> hostile = Arbitraries.of("0.0.0.0/0", "::/0", "10.0.0.1/24", "1.2.3.4/33", "10.0.0.0/7",
                "fe80::1%eth0/64", "", "10.0.0.0/99999999999999999999", "\u0661\u0660.0.0.0/8", "169.254.169.254/32",
                "203.0.113.0/24");
        return Arbitraries.frequencyOf(Tuple.of(8, aligned), Tuple.of(2, ipv6), Tuple.of(2, hostile));
    }

    private static Arbitrary<String> portText() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(1, 65535).map(p -> p + "/tcp")),
                Tuple.of(1, Arbitraries.of("22", "53/udp", "0", "-1", "65536", "99999999999999999999", "22/sctp", "",
                        "2\u00b22", "\u0662\u0662")));
    }
}
