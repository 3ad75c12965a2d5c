package io.bridgewall.netlink;

import io.bridgewall.nativelib.NativeLibraries;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A growable, contiguous native buffer of netlink messages: the whole batch goes to the
 * kernel in one sendto, which is what makes it one transaction. Messages are built in place
 * by libnftnl; {@link #reserve} guarantees room for one message of at most {@link #MAX_MESSAGE}.
 */
public final class MessageBuffer {
    /** nf_tables attributes carry 16-bit lengths: no message we build may exceed this. */
    public static final int MAX_MESSAGE = 64 * 1024;

    private Pointer memory;
    private int capacity;
    private int length;

    public MessageBuffer(int initialCapacity) {
        capacity = Math.max(initialCapacity, 2 * MAX_MESSAGE);
        memory = Memory.allocateDirect(NativeLibraries.runtime(), capacity, true);
    }

    /** Returns where the next message starts, with at least MAX_MESSAGE zeroed bytes behind it. */
    public Pointer reserve() {
        if (length + MAX_MESSAGE > capacity) {
            int grown = Math.max(capacity * 2, length + MAX_MESSAGE);
            Pointer bigger = Memory.allocateDirect(NativeLibraries.runtime(), grown, true);
            memory.transferTo(0, bigger, 0, length);
            memory = bigger;
            capacity = grown;
        }
        return memory.slice(length);
    }

    /** Accepts the message just built at {@link #reserve()}; returns its length. */
    public int commit() {
        int messageLength = memory.getInt(length);
        if (messageLength < Netlink.NLMSG_HDRLEN || messageLength > MAX_MESSAGE) {
            throw new IllegalStateException("built a netlink message of " + messageLength
                    + " bytes; the limit is " + MAX_MESSAGE);
        }
        length += (messageLength + 3) & ~3;
        return messageLength;
    }

    /** Forgets every message, zeroing the bytes they used, to build the next one in the same memory. */
    public void clear() {
        // Zero at least what reserve() promises, also past a message whose build failed midway.
        memory.setMemory(0, Math.min(capacity, Math.max(length, MAX_MESSAGE)), (byte) 0);
        length = 0;
    }

    /** The bytes of every committed message (padding included), copied out. */
    public byte[] toBytes() {
        byte[] out = new byte[length];
        memory.get(0, out, 0, length);
        return out;
    }

    public Pointer memory() {
        return memory;
    }

    public int length() {
        return length;
    }
}
