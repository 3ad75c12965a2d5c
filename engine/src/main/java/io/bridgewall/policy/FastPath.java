package io.bridgewall.policy;

/**
 * The per-packet fast path of the forward chain, on by default: every connection the checks let
 * through is stamped with a mark naming the policy that admitted it (a hash of everything the
 * forward decision depends on), and established packets of connections with the current mark skip
 * the checks. A policy that decides differently has another mark, so connections admitted before
 * it are checked again once; those it no longer allows are cut as before.
 *
 * <p>{@code markMask} is the part of the connection mark that is bridgewall's: all 32 bits by
 * default (a changed policy keeps its old mark with probability 2^-32). Hosts where another tool
 * keeps its own bits in the connection mark (connmark-based routing, a multi-WAN setup) give
 * bridgewall the other bits; with k bits the chance is 2^-k, so fewer than 16 are refused.
 */
public record FastPath(boolean enabled, int markMask) {
    /** Below this many bits a changed policy keeps its mark too often (1 in 65,536 at 16). */
    public static final int MIN_MASK_BITS = 16;

    public FastPath {
        if (enabled && Integer.bitCount(markMask) < MIN_MASK_BITS) {
            throw new InvalidInputException(String.format("fast-path mark mask 0x%08x has %d bits; give at least %d "
                    + "(e.g. 0xffff0000), or turn the fast path off", markMask, Integer.bitCount(markMask), MIN_MASK_BITS));
        }
    }

    /** On, owning the whole connection mark. */
    public static FastPath on() {
        return new FastPath(true, -1);
    }

    public static FastPath off() {
        return new FastPath(false, -1);
    }

    public String describe() {
        return !enabled ? "off" : markMask == -1 ? "on (connection mark, all 32 bits)"
                : String.format("on (connection mark bits 0x%08x)", markMask);
    }
}
