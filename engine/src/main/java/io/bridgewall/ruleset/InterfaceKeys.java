package io.bridgewall.ruleset;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Interface names as the kernel keys them (16 bytes, zero-padded), and the ranges of such keys
 * nft writes as a trailing-{@code *} wildcard: "br-" padded with zeros up to "br-" padded with
 * 0xff is {@code br-*}.
 */
public final class InterfaceKeys {
    private static final int NAME_LENGTH = 16;

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

    /**
     * An {@code ifname . ifname} element as nft writes it ({@code "br-x" . "br-x"}), or empty if
     * it is a range or either half is not a plain name.
     */
    public static Optional<String> pairText(SetElement element) {
        if (!element.isSingle() || element.first().length() != 2 * NAME_LENGTH) {
            return Optional.empty();
        }
        byte[] key = element.first().toArray();
        Optional<String> in = text(SetElement.single(ByteString.of(java.util.Arrays.copyOfRange(key, 0, NAME_LENGTH)), ""));
        Optional<String> out = text(SetElement.single(ByteString.of(java.util.Arrays.copyOfRange(key, NAME_LENGTH, key.length)), ""));
        if (in.isEmpty() || out.isEmpty() || in.get().endsWith("*") || out.get().endsWith("*")) {
            return Optional.empty();
        }
        return Optional.of("\"" + in.get() + "\" . \"" + out.get() + "\"");
    }

    /** The key of the pair (in, out): two zero-padded 16-byte names. */
    public static ByteString pairKey(byte[] in, byte[] out) {
        byte[] key = new byte[2 * NAME_LENGTH];
        System.arraycopy(in, 0, key, 0, Math.min(in.length, NAME_LENGTH));
        System.arraycopy(out, 0, key, NAME_LENGTH, Math.min(out.length, NAME_LENGTH));
        return ByteString.of(key);
    }

    private static int nameLength(byte[] key) {
        int end = 0;
        while (end < key.length && key[end] != 0) {
            end++;
        }
        return end;
    }
}
