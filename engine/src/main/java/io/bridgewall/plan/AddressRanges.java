package io.bridgewall.plan;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.SetElement;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Networks as interval-set elements: sorted, with overlapping and adjacent networks merged,
 * because the kernel's interval sets refuse overlaps. O(n log n).
 */
final class AddressRanges {
    private AddressRanges() {
    }

    /** A network with the reason it is in the set. */
    record Noted(Cidr cidr, String note) {
    }

    static List<SetElement> merge(List<Noted> networks, IpFamily family) {
        List<Noted> sorted = networks.stream()
                .filter(n -> n.cidr().family() == family)
                .sorted(Comparator.comparing(Noted::cidr))
                .toList();
        List<SetElement> out = new ArrayList<>();
        BigInteger first = null;
        BigInteger last = null;
        List<String> notes = new ArrayList<>();
        for (Noted network : sorted) {
            BigInteger start = network.cidr().first();
            if (last != null && start.compareTo(last.add(BigInteger.ONE)) <= 0) {
                last = last.max(network.cidr().last());
            } else {
                if (first != null) {
                    out.add(element(first, last, family, notes));
                }
                first = start;
                last = network.cidr().last();
                notes = new ArrayList<>();
            }
            if (!network.note().isEmpty() && !notes.contains(network.note())) {
                notes.add(network.note());
            }
        }
        if (first != null) {
            out.add(element(first, last, family, notes));
        }
        return out;
    }

    private static SetElement element(BigInteger first, BigInteger last, IpFamily family, List<String> notes) {
        return new SetElement(ByteString.of(Cidr.toBytes(first, family)), ByteString.of(Cidr.toBytes(last, family)),
                String.join("; ", notes));
    }
}
