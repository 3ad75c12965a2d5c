package io.bridgewall.policy;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A Linux network interface name as the kernel accepts it: 1 to 15 bytes (IFNAMSIZ - 1).
 * We accept a conservative character set so a name can never break out of nft syntax or
 * reach a libnftnl assertion.
 */
public record InterfaceName(String value) implements Comparable<InterfaceName> {
    /** IFNAMSIZ: the kernel's fixed key length for interface names, terminator included. */
    public static final int KERNEL_LENGTH = 16;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.@+-]+");

    public InterfaceName {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException("interface name is empty: give a bridge name such as docker0");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > KERNEL_LENGTH - 1) {
            throw new InvalidInputException("interface name '" + value + "' is " + bytes
                    + " bytes long; Linux allows at most 15");
        }
        if (!ALLOWED.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new InvalidInputException("interface name '" + value
                    + "' has invalid characters; use letters, digits and . _ - @ +");
        }
    }

    public static InterfaceName of(String value) {
        return new InterfaceName(value);
    }

    /** The name as the kernel compares it: zero-padded to {@link #KERNEL_LENGTH} bytes. */
    public byte[] kernelBytes() {
        byte[] out = new byte[KERNEL_LENGTH];
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    @Override
    public int compareTo(InterfaceName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
