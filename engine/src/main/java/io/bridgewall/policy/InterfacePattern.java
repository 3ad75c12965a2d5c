package io.bridgewall.policy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An interface name, or a prefix of one followed by {@code *} (nft's only wildcard: a trailing
 * {@code *} matches every name that starts with the prefix). Validated like an interface name:
 * at most 15 bytes in all, the same characters, and a wildcard needs a prefix, so no pattern
 * matches every interface (lo and the uplink included).
 */
public record InterfacePattern(String value) implements Comparable<InterfacePattern> {
    public static final String WILDCARD = "*";

    public InterfacePattern {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException("interface pattern is empty: give a name such as docker0 or a prefix "
                    + "and '*' such as br-*");
        }
        if (value.equals(WILDCARD)) {
            throw new InvalidInputException("interface pattern '*' matches every interface, loopback and uplinks too; "
                    + "give a prefix before the '*', e.g. br-*");
        }
        String name = value.endsWith(WILDCARD) ? value.substring(0, value.length() - 1) : value;
        if (name.contains(WILDCARD)) {
            throw new InvalidInputException("interface pattern '" + value + "' has a '*' before its "
                    + "end; '*' is a wildcard only as the last character, e.g. br-*");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > InterfaceName.KERNEL_LENGTH - 1) {
            throw new InvalidInputException("interface pattern '" + value + "' is " + bytes
                    + " bytes long; interface names have at most 15");
        }
        try {
            InterfaceName.of(name);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("interface pattern '" + value
                    + "' has invalid characters; use letters, digits and . _ - @ +, and '*' only at the end");
        }
    }

    public static InterfacePattern of(String value) {
        return new InterfacePattern(value);
    }

    public boolean isWildcard() {
        return value.endsWith(WILDCARD);
    }

    /** The exact name, or the prefix a wildcard matches. */
    public String prefix() {
        return isWildcard() ? value.substring(0, value.length() - 1) : value;
    }

    public boolean matches(String interfaceName) {
        return isWildcard() ? interfaceName.startsWith(prefix()) : interfaceName.equals(value);
    }

    /** Whether every name this pattern matches is matched by {@code other} too. */
    public boolean within(InterfacePattern other) {
        return other.isWildcard() ? prefix().startsWith(other.prefix()) : !isWildcard() && value.equals(other.value);
    }

    /**
     * The first and last kernel key this pattern matches, as the kernel compares interface
     * names (16 bytes, zero-padded): an exact name is one key; {@code br-*} is every key from
     * "br-" padded with zeros to "br-" padded with 0xff, which is how nft encodes the wildcard
     * as an interval-set element.
     */
    public byte[] firstKey() {
        return InterfaceName.of(prefix()).kernelBytes();
    }

    public byte[] lastKey() {
        byte[] key = firstKey();
        if (isWildcard()) {
            Arrays.fill(key, prefix().getBytes(StandardCharsets.UTF_8).length, key.length, (byte) 0xff);
        }
        return key;
    }

    @Override
    public int compareTo(InterfacePattern other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
