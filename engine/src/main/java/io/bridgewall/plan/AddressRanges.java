package io.bridgewall.plan;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.SetElement;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Networks as interval-set elements: sorted, with overlapping and adjacent networks merged,
 * because the kernel's interval sets refuse overlaps. O(n log n) for the sort, linear after it:
 * a merged range names at most {@link #NAMED_NOTES} of its networks and counts the rest, so
 * 50,000 adjacent networks give one short comment, not one that grows with every network.
 */
final class AddressRanges {
    /** How many distinct notes a merged range spells out before it only counts. */
    static final int NAMED_NOTES = 3;

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
        Notes notes = new Notes();
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
                notes = new Notes();
            }
            notes.add(network.note());
        }
        if (first != null) {
            out.add(element(first, last, family, notes));
        }
        return out;
    }

    private static SetElement element(BigInteger first, BigInteger last, IpFamily family, Notes notes) {
        return new SetElement(ByteString.of(Cidr.toBytes(first, family)), ByteString.of(Cidr.toBytes(last, family)),
                notes.text());
    }

    /** The distinct notes of one merged range: the first few by address, and how many others. */
    private static final class Notes {
        private final Set<String> distinct = new HashSet<>();
        private final List<String> named = new ArrayList<>(NAMED_NOTES);

        void add(String note) {
            if (!note.isEmpty() && distinct.add(note) && named.size() < NAMED_NOTES) {
                named.add(note);
            }
        }

        String text() {
            int more = distinct.size() - named.size();
            String text = String.join("; ", named);
            return more == 0 ? text : text + " and " + more + " more";
        }
    }
}
