package io.bridgewall.ruleset;

import java.util.List;

/** A named set in our table; rules look keys up in it, so rule count stays constant. */
public record NamedSet(String name, SetType type, boolean interval, List<SetElement> elements) {
    /** NFT_SET_INTERVAL */
    public static final int FLAG_INTERVAL = 0x4;

    public NamedSet {
        elements = List.copyOf(elements);
        for (SetElement element : elements) {
            if (element.first().length() != type.keyLength()) {
                throw new IllegalArgumentException("set " + name + " holds " + type.keyLength()
                        + "-byte keys, got " + element.first());
            }
            if (!interval && !element.isSingle()) {
                throw new IllegalArgumentException("set " + name + " is not an interval set: " + element);
            }
        }
    }

    public int flags() {
        return interval ? FLAG_INTERVAL : 0;
    }

    public NamedSet withoutNotes() {
        return new NamedSet(name, type, interval, elements.stream().map(SetElement::withoutNote).toList());
    }
}
