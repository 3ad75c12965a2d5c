package io.bridgewall.plan;

import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.SetElement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Interface names and trailing-{@code *} patterns as elements of an interval set of type
 * ifname: {@code br-*} is the range of keys from "br-" padded with zeros to "br-" padded with
 * 0xff, the way nft encodes it. Two such ranges are either disjoint or one holds the other
 * (they are prefixes), so merging only drops the ones held by another, and every element left
 * is still a name or a pattern nft can print. O(n log n).
 */
final class InterfaceRanges {
    private InterfaceRanges() {
    }

    /** A pattern with the reason it is in the set. */
    record Noted(InterfacePattern pattern, String note) {
        SetElement element() {
            return new SetElement(ByteString.of(pattern.firstKey()), ByteString.of(pattern.lastKey()), note);
        }
    }

    static List<SetElement> merge(List<Noted> patterns) {
        // Widest first among equal starts, so a range is always seen before the ones it holds.
        List<SetElement> sorted = patterns.stream().map(Noted::element)
                .sorted(Comparator.comparing(SetElement::first).thenComparing(SetElement::last, Comparator.reverseOrder()))
                .toList();
        List<SetElement> out = new ArrayList<>();
        for (SetElement element : sorted) {
            SetElement kept = out.isEmpty() ? null : out.get(out.size() - 1);
            if (kept == null || element.last().compareTo(kept.last()) > 0) {
                out.add(element);
            }
        }
        return out;
    }
}
