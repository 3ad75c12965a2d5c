package io.bridgewall.kernel;

import static io.bridgewall.testing.Fixtures.ifname;
import static io.bridgewall.testing.Fixtures.manyBridges;
import static io.bridgewall.testing.Fixtures.network;
import static io.bridgewall.testing.Fixtures.range;
import static io.bridgewall.testing.Fixtures.samplePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.KernelElements.KernelElement;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.SetType;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KernelElementsTest {
    private static final int END = NftnlSet.ELEMENT_INTERVAL_END;

    @Test
    void encodesARangeAsStartAndExclusiveEndAfterAnEndAtZero() {
        assertThat(KernelElements.encode(ipv4(network("172.17.0.0/16", "docker0")))).containsExactly(
                new KernelElement(address("0.0.0.0"), END),
                new KernelElement(address("172.17.0.0"), 0),
                new KernelElement(address("172.18.0.0"), END));
    }

    @Test
    void rangeStartingAtZeroHasNoLeadingEnd() {
        assertThat(KernelElements.encode(ipv4(network("0.0.0.0/8", "")))).containsExactly(
                new KernelElement(address("0.0.0.0"), 0),
                new KernelElement(address("1.0.0.0"), END));
    }

    @Test
    void rangeEndingAtTheTopAddressHasNoEndElement() {
        assertThat(KernelElements.encode(ipv4(network("10.0.0.0/8", ""), network("240.0.0.0/4", "")))).containsExactly(
                new KernelElement(address("0.0.0.0"), END),
                new KernelElement(address("10.0.0.0"), 0),
                new KernelElement(address("11.0.0.0"), END),
                new KernelElement(address("240.0.0.0"), 0));
    }

    @Test
    void encodesTheWholeSpaceAsOneStart() {
        assertThat(KernelElements.encode(ipv4(network("0.0.0.0/0", ""))))
                .containsExactly(new KernelElement(address("0.0.0.0"), 0));
    }

    @Test
    void aRangeThatSplitsIsDeletedWholeAndItsPiecesAddedWhole() {
        // Three adjacent /24s merged into one range; the middle network goes away. Adding only the
        // new end and start keys would put an end key inside a range the kernel still holds (EEXIST).
        NamedSet have = ipv4(range("10.50.0.0", "10.50.2.255", ""));
        NamedSet want = ipv4(network("10.50.0.0/24", ""), network("10.50.2.0/24", ""));

        KernelElements.Difference difference = KernelElements.difference(have, want);

        assertThat(difference.gone()).containsExactly(
                new KernelElement(address("10.50.0.0"), 0),
                new KernelElement(address("10.50.3.0"), END));
        assertThat(difference.added()).containsExactly(
                new KernelElement(address("10.50.0.0"), 0),
                new KernelElement(address("10.50.1.0"), END),
                new KernelElement(address("10.50.2.0"), 0),
                new KernelElement(address("10.50.3.0"), END));
    }

    @Test
    void unchangedRangesAndTheEndAtZeroStayPut() {
        NamedSet have = ipv4(network("10.50.0.0/24", ""), network("10.60.0.0/24", ""));
        NamedSet want = ipv4(network("10.50.0.0/24", ""), network("10.70.0.0/24", ""));

        KernelElements.Difference difference = KernelElements.difference(have, want);

        assertThat(difference.gone()).containsExactly(
                new KernelElement(address("10.60.0.0"), 0),
                new KernelElement(address("10.60.1.0"), END));
        assertThat(difference.added()).containsExactly(
                new KernelElement(address("10.70.0.0"), 0),
                new KernelElement(address("10.70.1.0"), END));
    }

    @Test
    void rangesThatDifferOnlyInTheirNotesAreTheSame() {
        NamedSet planned = ipv4(network("10.50.0.0/24", "docker network \"web\""));
        NamedSet readBack = ipv4(network("10.50.0.0/24", ""));

        KernelElements.Difference difference = KernelElements.difference(readBack, planned);

        assertThat(difference.gone()).isEmpty();
        assertThat(difference.added()).isEmpty();
    }

    @Test
    void theEndAtZeroComesAndGoesWithARangeStartingAtZero() {
        NamedSet atZero = ipv4(network("0.0.0.0/8", ""));
        NamedSet above = ipv4(network("10.0.0.0/8", ""));

        assertThat(KernelElements.difference(above, atZero).gone()).contains(new KernelElement(address("0.0.0.0"), END));
        assertThat(KernelElements.difference(atZero, above).added()).contains(new KernelElement(address("0.0.0.0"), END));
    }

    @Test
    void encodesAnEmptySetAsNothing() {
        assertThat(KernelElements.encode(ipv4())).isEmpty();
    }

    @Test
    void encodesNonIntervalElementsAsTheirKeysAlone() {
        NamedSet bridges = new NamedSet("bridges", SetType.IFNAME, false, List.of(ifname("docker0", "x"), ifname("br-a", "")));

        assertThat(KernelElements.encode(bridges)).containsExactly(
                new KernelElement(ifname("docker0", "").first(), 0), new KernelElement(ifname("br-a", "").first(), 0));
    }

    @Test
    void encodesAWildcardAndANameInAnInterfaceIntervalSetLikeNft() {
        // nft --debug=netlink for set { type ifname; flags interval; elements = { "docker0", "br-*" } }:
        // 00.. [end], "br-" , "br." [end], "docker0", "docker0"+1 in the last byte [end]
        NamedSet contained = Planner.plan(samplePolicy()).set(Planner.CONTAINED).orElseThrow();
        byte[] docker0End = ifname("docker0", "").first().toArray();
        docker0End[15] = 1;

        assertThat(KernelElements.encode(contained)).containsExactly(
                new KernelElement(ByteString.of(new byte[16]), END),
                new KernelElement(ifname("br-", "").first(), 0),
                new KernelElement(ifname("br.", "").first(), END),
                new KernelElement(ifname("docker0", "").first(), 0),
                new KernelElement(ByteString.of(docker0End), END));
    }

    static Stream<NamedSet> sets() {
        return Stream.concat(
                Planner.plan(samplePolicy()).sets().stream(),
                Stream.of(
                        ipv4(network("192.168.0.0/16", ""), network("0.0.0.0/8", ""), network("255.255.255.255", ""),
                                range("10.0.0.5", "10.0.0.9", ""), network("10.0.0.10/31", "")),
                        new NamedSet("v6", SetType.IPV6_ADDR, true, List.of(network("ffff::/16", ""),
                                network("::/8", ""), network("fe80::/10", ""), range("fd00::1", "fd00::ff", ""),
                                network("2001:db8::1", ""))),
                        Planner.plan(manyBridges(500)).set(Planner.BRIDGE_NETS_V6).orElseThrow(),
                        // Patterns and names side by side, "br-*" touching "br." where the pattern ends.
                        Planner.plan(Policy.withDefaults(List.of(Bridge.of("br."), Bridge.of("zz9"))).withContainment(
                                new Containment(List.of(InterfacePattern.of("br-*"), InterfacePattern.of("a*"),
                                        InterfacePattern.of("veth1")), List.of()))).set(Planner.CONTAINED).orElseThrow()));
    }

    @ParameterizedTest
    @MethodSource("sets")
    void decodingTheEncodedElementsGivesBackTheSetSortedWithoutNotes(NamedSet set) {
        List<NftnlSet.Element> kernel = KernelElements.encode(set).stream()
                .map(e -> new NftnlSet.Element(e.key().toArray(), e.flags()))
                .toList();

        assertThat(KernelElements.decode(kernel, set.interval(), set.type().keyLength()))
                .isEqualTo(set.withoutNotes().elements().stream().sorted(Comparator.comparing(SetElement::first)).toList());
    }

    @Test
    void decodesElementsInAnyOrderWithAnEndAndAStartOnTheSameKey() {
        // Two touching ranges as someone else might have added them: 10.0.0.0-10.0.0.255 and 10.0.1.0-10.0.1.255.
        List<NftnlSet.Element> kernel = List.of(
                element("10.0.2.0", END), element("10.0.1.0", 0), element("0.0.0.0", END),
                element("10.0.1.0", END), element("10.0.0.0", 0));

        assertThat(KernelElements.decode(kernel, true, 4)).containsExactly(
                network("10.0.0.0/24", ""), network("10.0.1.0/24", ""));
    }

    @Test
    void decodesNonIntervalElementsSorted() {
        List<NftnlSet.Element> kernel = List.of(
                new NftnlSet.Element(ByteString.bigEndianU16(443).toArray(), 0),
                new NftnlSet.Element(ByteString.bigEndianU16(22).toArray(), 0));

        assertThat(KernelElements.decode(kernel, false, 2)).containsExactly(
                SetElement.single(ByteString.bigEndianU16(22), ""), SetElement.single(ByteString.bigEndianU16(443), ""));
    }

    private static NamedSet ipv4(SetElement... elements) {
        return new NamedSet("v4", SetType.IPV4_ADDR, true, List.of(elements));
    }

    private static ByteString address(String ip) {
        return network(ip, "").first();
    }

    private static NftnlSet.Element element(String ip, int flags) {
        return new NftnlSet.Element(address(ip).toArray(), flags);
    }
}
