package io.bridgewall.kernel;

import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.SetElement;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Set elements as the kernel keeps them. An interval set stores each range first..last as a
 * start key and an end key last+1 flagged INTERVAL_END (none when last is the top address),
 * and, like nft, an INTERVAL_END at zero when the first range does not start there.
 */
final class KernelElements {
    record KernelElement(ByteString key, int flags) {
        boolean isEnd() {
            return (flags & NftnlSet.ELEMENT_INTERVAL_END) != 0;
        }
    }

    private KernelElements() {
    }

    static List<KernelElement> encode(NamedSet set) {
        List<KernelElement> out = new ArrayList<>();
        if (!set.interval()) {
            set.elements().forEach(e -> out.add(new KernelElement(e.first(), 0)));
            return out;
        }
        int length = set.type().keyLength();
        BigInteger top = BigInteger.ONE.shiftLeft(8 * length).subtract(BigInteger.ONE);
        List<SetElement> sorted = set.elements().stream().sorted(Comparator.comparing(SetElement::first)).toList();
        if (!sorted.isEmpty() && unsigned(sorted.get(0).first()).signum() != 0) {
            out.add(new KernelElement(ByteString.of(new byte[length]), NftnlSet.ELEMENT_INTERVAL_END));
        }
        for (SetElement element : sorted) {
            addRange(element, length, top, out);
        }
        return out;
    }

    private static void addRange(SetElement element, int length, BigInteger top, List<KernelElement> out) {
        out.add(new KernelElement(element.first(), 0));
        BigInteger last = unsigned(element.last());
        if (!last.equals(top)) {
            out.add(new KernelElement(bytes(last.add(BigInteger.ONE), length), NftnlSet.ELEMENT_INTERVAL_END));
        }
    }

    /** What to delete from and add to a set's kernel elements to turn {@code have} into {@code want}. */
    record Difference(List<KernelElement> gone, List<KernelElement> added) {
    }

    /**
     * The elements to delete and add. In an interval set whole ranges are compared, not keys:
     * the kernel refuses (EEXIST) a new end key inside a range it still holds, which is what a
     * key-by-key difference sends when a range splits (a network in the middle of adjacent
     * subnets removed). A range that changes is deleted whole and its replacements added whole,
     * in the same transaction, deletes first.
     */
    static Difference difference(NamedSet have, NamedSet want) {
        if (!want.interval()) {
            Set<KernelElement> before = new LinkedHashSet<>(encode(have));
            Set<KernelElement> after = new LinkedHashSet<>(encode(want));
            return new Difference(before.stream().filter(e -> !after.contains(e)).toList(),
                    after.stream().filter(e -> !before.contains(e)).toList());
        }
        int length = want.type().keyLength();
        BigInteger top = BigInteger.ONE.shiftLeft(8 * length).subtract(BigInteger.ONE);
        // Notes (which network a range is for) are the plan's words, not the kernel's: compare ranges alone.
        List<SetElement> haveRanges = have.elements().stream().map(SetElement::withoutNote).toList();
        List<SetElement> wantRanges = want.elements().stream().map(SetElement::withoutNote).toList();
        Set<SetElement> before = new HashSet<>(haveRanges);
        Set<SetElement> after = new HashSet<>(wantRanges);
        List<KernelElement> gone = new ArrayList<>();
        List<KernelElement> added = new ArrayList<>();
        boolean zeroEndBefore = startsAboveZero(have);
        boolean zeroEndAfter = startsAboveZero(want);
        KernelElement zeroEnd = new KernelElement(ByteString.of(new byte[length]), NftnlSet.ELEMENT_INTERVAL_END);
        if (zeroEndBefore && !zeroEndAfter) {
            gone.add(zeroEnd);
        }
        if (zeroEndAfter && !zeroEndBefore) {
            added.add(zeroEnd);
        }
        haveRanges.stream().filter(e -> !after.contains(e)).sorted(Comparator.comparing(SetElement::first))
                .forEach(e -> addRange(e, length, top, gone));
        wantRanges.stream().filter(e -> !before.contains(e)).sorted(Comparator.comparing(SetElement::first))
                .forEach(e -> addRange(e, length, top, added));
        return new Difference(gone, added);
    }

    /** Like nft, an interval set whose first range does not start at zero holds an end key at zero. */
    private static boolean startsAboveZero(NamedSet set) {
        return set.elements().stream().map(SetElement::first).min(Comparator.naturalOrder())
                .map(first -> unsigned(first).signum() != 0).orElse(false);
    }

    static List<SetElement> decode(List<NftnlSet.Element> elements, boolean interval, int keyLength) {
        List<SetElement> out = new ArrayList<>();
        if (!interval) {
            elements.stream().map(e -> SetElement.single(ByteString.of(e.key()), ""))
                    .sorted(Comparator.comparing(SetElement::first)).forEach(out::add);
            return out;
        }
        // Ends sort before starts on the same key: a range closing where the next one opens.
        List<NftnlSet.Element> sorted = new ArrayList<>(elements);
        sorted.sort(Comparator.<NftnlSet.Element, ByteString>comparing(e -> ByteString.of(e.key()))
                .thenComparing(e -> !e.isIntervalEnd()));
        ByteString start = null;
        for (NftnlSet.Element element : sorted) {
            ByteString key = ByteString.of(element.key());
            if (element.isIntervalEnd()) {
                if (start != null) {
                    out.add(new SetElement(start, bytes(unsigned(key).subtract(BigInteger.ONE), keyLength), ""));
                    start = null;
                }
            } else {
                if (start != null) {
                    out.add(new SetElement(start, bytes(unsigned(key).subtract(BigInteger.ONE), keyLength), ""));
                }
                start = key;
            }
        }
        if (start != null) {
            out.add(new SetElement(start, bytes(BigInteger.ONE.shiftLeft(8 * keyLength).subtract(BigInteger.ONE),
                    keyLength), ""));
        }
        return out;
    }

    private static BigInteger unsigned(ByteString bytes) {
        return new BigInteger(1, bytes.toArray());
    }

    private static ByteString bytes(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return ByteString.of(out);
    }
}
