package io.bridgewall.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.Applier;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile values never get past validation into the native encoder: every parser either gives
 * a value or refuses with {@link InvalidInputException}, and every policy that validates plans
 * and encodes through libnftnl (which abort()s the whole JVM on some bad attributes: this test
 * process dying is the failure) into one transaction. Nothing else may be thrown.
 */
class HostileInputProperties {
    private static final List<Function<String, ?>> PARSERS = List.of(Cidr::parse, InterfaceName::of,
            InterfacePattern::of, Port::parse, Isolation::parse);

    @Property(tries = 3000)
    void everyParserGivesAValueOrOneValidationError(@ForAll("hostileText") String text) {
        for (Function<String, ?> parser : PARSERS) {
            try {
                assertThat(parser.apply(text)).isNotNull();
            } catch (InvalidInputException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        }
    }

    @Property(tries = 1000)
    void aPolicyThatValidatesPlansAndEncodesIntoOneTransaction(@ForAll("bridgeSpecs") List<BridgeSpec> specs,
                                                              @ForAll("cidrTexts") List<String> blocked,
                                                              @ForAll("portText") List<String> ports) {
        Policy policy;
        try {
            List<Bridge> bridges = new ArrayList<>();
            for (BridgeSpec spec : specs) {
                bridges.add(new Bridge(InterfaceName.of(spec.name()), spec.subnets().stream().map(Cidr::parse).toList(),
                        spec.masquerade(), spec.internal(), new BridgeOrigin.Given()));
            }
            HostInput input = new HostInput(true, ports.stream().map(Port::parse).toList());
            policy = new Policy(bridges, blocked.stream().map(Cidr::parse).toList(), input);
        } catch (InvalidInputException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            Statistics.collect("refused");
            return;
        }
        encodes(policy);
        Statistics.collect("planned and encoded");
    }

    @Example
    void fiftyThousandBridgesPlanAndEncode() {
        List<Bridge> bridges = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            bridges.add(Bridge.of("bw" + i, "10." + (i / 256) % 256 + "." + i % 256 + "." + (i / 65_536) * 64 + "/26"));
        }
        RuleSet plan = encodes(Policy.withDefaults(bridges));
        assertThat(plan.sets().stream().filter(s -> s.name().equals(Planner.BRIDGES)).findFirst().orElseThrow()
                .elements()).hasSize(50_000);
    }

    private static RuleSet encodes(Policy policy) {
        RuleSet plan = Planner.plan(policy);
        Applier.Compiled compiled = Applier.compile(Optional.empty(), plan, OptionalInt.of(1));
        assertThat(compiled.wire()).isPresent();
        return plan;
    }

    record BridgeSpec(String name, List<String> subnets, boolean masquerade, boolean internal) {
    }

    @Provide
    Arbitrary<List<BridgeSpec>> bridgeSpecs() {
        Arbitrary<String> names = Arbitraries.frequencyOf(Tuple.of(1,
                Arbitraries.of("docker0", "br-1", "br-1", "lo", "eth0", "br-*", "", "-", ".", "..", "a/b", "x".repeat(15),
                        "x".repeat(16), "br\u202eevil", "br\u001b[2J", "br\u0000x", "\u00e9t\u00e9", "all", "default")),
                Tuple.of(8, Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', '.')
                        .ofMinLength(1).ofMaxLength(13).map(s -> "bw" + s)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)));
        Arbitrary<BridgeSpec> spec = Combinators.combine(names, cidrText().list().ofMaxSize(2),
                Arbitraries.of(true, false), Arbitraries.of(true, false)).as(BridgeSpec::new);
        return spec.list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> cidrText() {
        Arbitrary<String> edges = Arbitraries.of("0.0.0.0/0", "::/0", "10.0.0.0/8", "10.0.0.1/24", "10.1.0.0/16",
                "10.1.2.0/24", "10.1.2.0/24", "172.17.0.0/16", "255.255.255.255/32", "1.2.3.4/33", "1.2.3.4/-1",
                "1.2.3/24", "01.2.3.4/32", "fe80::1%eth0/64", "fd00::/8", "fd00:1::/64", "fd00:1::1/64", "::ffff:10.0.0.0/104",
                "2001:db8::/32", "2001:db8::/129", "/24", "10.0.0.0/", "10.0.0.0/99999999999999999999", "", " 10.0.0.0/24",
                "\u0661\u0660.0.0.0/8", "0x0a.0.0.0/8", "10.0.0.0/8\n", "169.254.169.254/32");
        Arbitrary<String> generated = Combinators.combine(Arbitraries.integers().between(0, 255).list().ofSize(4),
                Arbitraries.integers().between(-1, 33)).as((octets, prefix) ->
                octets.get(0) + "." + octets.get(1) + "." + octets.get(2) + "." + octets.get(3) + "/" + prefix);
        // Mostly well-formed networks (the host bits cleared), so many policies get as far as the encoder.
        Arbitrary<String> aligned = Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(8, 32)).as((address, prefix) -> {
                    int network = address & (int) (0xffffffffL << (32 - prefix));
                    return (network >>> 24) + "." + (network >>> 16 & 255) + "." + (network >>> 8 & 255) + "."
                            + (network & 255) + "/" + prefix;
                });
        return Arbitraries.frequencyOf(Tuple.of(8, aligned),
                Tuple.of(3, edges), Tuple.of(1, generated),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)));
    }

    @Provide
    Arbitrary<List<String>> cidrTexts() {
        return cidrText().list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<String>> portText() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.integers().between(1, 65535)
                        .map(p -> p + "/tcp")), Tuple.of(1, Arbitraries.of("22", "22/tcp", "53/udp", "0", "-1", "65535", "65536", "99999999999999999999", "22/sctp",
                        "22/TCP", "", "/tcp", "22/", "2\u00b22", "\u0662\u0662")),
                Tuple.of(1, Arbitraries.integers().between(-70_000, 70_000).map(String::valueOf)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12))).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> hostileText() {
        Arbitrary<String> fragments = Arbitraries.oneOf(cidrText(), portText().map(l -> String.join(",", l)),
                Arbitraries.of("docker0", "br-*", "*", "strict", "docker", "none", "\u202e", "\u0000", "\u001b[31m",
                        "\uD83D\uDE00", "\uD800", "x".repeat(5000)));
        return Arbitraries.oneOf(fragments, Arbitraries.strings().all().ofMaxLength(64),
                fragments.list().ofMaxSize(3).map(l -> String.join("", l)));
    }
}
