package io.bridgewall.plan;

import static io.bridgewall.testing.Fixtures.network;
import static io.bridgewall.testing.Fixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.ruleset.SetElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressRangesTest {
    @Test
    void mergesANetworkIntoTheOneContainingIt() {
        assertThat(merge(IpFamily.IPV4, "10.1.0.0/16", "10.0.0.0/8", "10.200.3.0/24"))
                .containsExactly(network("10.0.0.0/8", ""));
    }

    @Test
    void mergesAdjacentNetworksIntoOneRange() {
        assertThat(merge(IpFamily.IPV4, "172.18.0.0/16", "172.17.0.0/16"))
                .containsExactly(range("172.17.0.0", "172.18.255.255", ""));
    }

    @Test
    void keepsSeparateNetworksApartAndSorted() {
        assertThat(merge(IpFamily.IPV4, "192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12"))
                .containsExactly(network("10.0.0.0/8", ""), network("172.16.0.0/12", ""), network("192.168.0.0/16", ""));
    }

    @Test
    void mergesAChainOfNetworksCoveringTheWholeSpace() {
        assertThat(merge(IpFamily.IPV4, "128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"))
                .containsExactly(range("0.0.0.0", "255.255.255.255", ""));
    }

    @Test
    void keepsOnlyTheRequestedFamily() {
        assertThat(merge(IpFamily.IPV6, "10.0.0.0/8", "fe80::/10", "fc00::/7"))
                .containsExactly(network("fc00::/7", ""), network("fe80::/10", ""));
        assertThat(merge(IpFamily.IPV4, "fc00::/7")).isEmpty();
    }

    @Test
    void mergedRangesKeepEveryDistinctNoteInAddressOrder() {
        List<AddressRanges.Noted> networks = List.of(
                new AddressRanges.Noted(Cidr.parse("172.18.0.0/16"), "br-b"),
                new AddressRanges.Noted(Cidr.parse("172.17.0.0/16"), "br-a"),
                new AddressRanges.Noted(Cidr.parse("172.19.0.0/16"), "br-a"),
                new AddressRanges.Noted(Cidr.parse("172.20.0.0/16"), ""),
                new AddressRanges.Noted(Cidr.parse("10.0.0.0/24"), "br-c"));

        assertThat(AddressRanges.merge(networks, IpFamily.IPV4)).containsExactly(
                network("10.0.0.0/24", "br-c"),
                range("172.17.0.0", "172.20.255.255", "br-a; br-b"));
    }

    @Test
    void aLongRunOfAdjacentNetworksNamesAFewAndCountsTheRest() {
        // 50,000 consecutive /24s, as Docker's address pools hand them out: 10.0.0.0 to 10.195.79.255.
        int count = 50_000;
        List<AddressRanges.Noted> networks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            networks.add(new AddressRanges.Noted(Cidr.parse("10." + i / 256 + "." + i % 256 + ".0/24"), "br-" + i));
        }

        List<SetElement> merged = AddressRanges.merge(networks, IpFamily.IPV4);

        // Before, the comment listed all 50,000 names (445 KB) and collecting them was quadratic.
        assertThat(merged).containsExactly(range("10.0.0.0", "10.195.79.255", "br-0; br-1; br-2 and 49997 more"));
    }

    @Test
    void aNoteRepeatedAcrossTheRunIsCountedOnce() {
        List<AddressRanges.Noted> networks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            networks.add(new AddressRanges.Noted(Cidr.parse("10.0." + i + ".0/24"), "br-" + i % 5));
        }

        assertThat(AddressRanges.merge(networks, IpFamily.IPV4))
                .containsExactly(range("10.0.0.0", "10.0.9.255", "br-0; br-1; br-2 and 2 more"));
    }

    @Test
    void mergesNothingIntoNothing() {
        assertThat(AddressRanges.merge(List.of(), IpFamily.IPV4)).isEmpty();
    }

    private static List<SetElement> merge(IpFamily family, String... cidrs) {
        return AddressRanges.merge(Arrays.stream(cidrs).map(c -> new AddressRanges.Noted(Cidr.parse(c), "")).toList(),
                family);
    }
}
