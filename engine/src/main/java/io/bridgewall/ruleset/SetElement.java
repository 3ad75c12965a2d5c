package io.bridgewall.ruleset;

/**
 * One element of a set: a single key ({@code first == last}) or, in an interval set, the
 * inclusive range first..last. {@code note} says why it is there (e.g. which Docker network);
 * it is shown to humans and never sent to the kernel.
 */
public record SetElement(ByteString first, ByteString last, String note) {
    public SetElement {
        if (first.length() != last.length()) {
            throw new IllegalArgumentException("range ends differ in length: " + first + " " + last);
        }
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("range starts after it ends: " + first + " " + last);
        }
        note = note == null ? "" : note;
    }

    public static SetElement single(ByteString key, String note) {
        return new SetElement(key, key, note);
    }

    public boolean isSingle() {
        return first.equals(last);
    }

    /** The same element without its human note, for comparing against the kernel. */
    public SetElement withoutNote() {
        return note.isEmpty() ? this : new SetElement(first, last, "");
    }
}
