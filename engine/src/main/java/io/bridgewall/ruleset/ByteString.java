package io.bridgewall.ruleset;

import java.util.Arrays;
import java.util.HexFormat;

/** Immutable bytes with value equality and unsigned big-endian ordering: kernel keys and data. */
public final class ByteString implements Comparable<ByteString> {
    private final byte[] bytes;

    private ByteString(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ByteString of(byte... bytes) {
        return new ByteString(bytes.clone());
    }

    /** A 32-bit value in host (little-endian) byte order, as the kernel keeps ct state. */
    public static ByteString hostU32(int value) {
        return new ByteString(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }

    /** A 16-bit value in network byte order, as ports travel. */
    public static ByteString bigEndianU16(int value) {
        return new ByteString(new byte[] {(byte) (value >>> 8), (byte) value});
    }

    public byte[] toArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public int byteAt(int index) {
        return bytes[index] & 0xff;
    }

    public int hostU32() {
        if (bytes.length != 4) {
            throw new IllegalStateException("not a 32-bit value: " + this);
        }
        return (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 24;
    }

    public int bigEndianU16() {
        if (bytes.length != 2) {
            throw new IllegalStateException("not a 16-bit value: " + this);
        }
        return (bytes[0] & 0xff) << 8 | (bytes[1] & 0xff);
    }

    @Override
    public int compareTo(ByteString other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteString that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
