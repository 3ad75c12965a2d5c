package io.bridgewall.ruleset;

/**
 * The rule the fast path's connection-mark match and stamp share: a mask with at least one
 * bit (-1: the whole mark) and a value inside it; one check for both records.
 */
final class MarkBits {
    private MarkBits() {
    }

    /** Throws unless {@code mask} has a bit and {@code value} lies inside it; {@code what} names the record. */
    static void check(String what, int mask, int value) {
        if (mask == 0 || (value & ~mask) != 0) {
            throw new IllegalArgumentException(String.format("%s needs a mask and a value inside it, not 0x%08x/0x%08x",
                    what, value, mask));
        }
    }

    static boolean whole(int mask) {
        return mask == -1;
    }
}
