package io.bridgewall.ruleset;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Interface names as the kernel keys them (16 bytes, zero-padded), and the ranges of such keys
 * nft writes as a trailing-{@code *} wildcard: "br-" padded with zeros up to "br-" padded with
 * 0xff is {@code br-*}.
 */
public final class InterfaceKeys {
    private InterfaceKeys() {
    }

    /** The name or pattern an ifname set element stands for, or empty if it is a range of neither kind. */
    public static Optional<String> text(SetElement element) {
        byte[] first = element.first().toArray();
        byte[] last = element.last().toArray();
        int end = nameLength(first);
        if (end == 0) {
            return Optional.empty();
        }
        String name = new String(first, 0, end, StandardCharsets.UTF_8);
        // A name: zeros after it. A pattern: the same prefix at both ends, zeros after it in the
        // first key and 0xff in the last. A 16-byte key with no terminator is neither.
        boolean single = element.isSingle();
        for (int i = end; i < first.length; i++) {
            if (first[i] != 0 || !single && last[i] != (byte) 0xff) {
                return Optional.empty();
            }
        }
        if (end == first.length || !single && !java.util.Arrays.equals(first, 0, end, last, 0, end)) {
            return Optional.empty();
        }
        return Optional.of(single ? name : name + "*");
    }

    private static int nameLength(byte[] key) {
        int end = 0;
        while (end < key.length && key[end] != 0) {
            end++;
        }
        return end;
    }
}
