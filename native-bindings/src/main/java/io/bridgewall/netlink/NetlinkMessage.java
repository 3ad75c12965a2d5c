package io.bridgewall.netlink;

import io.bridgewall.nativelib.NativeLibraries;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * One received netlink message, already checked to lie wholly inside its datagram. Its bytes
 * are a Java copy, so it stays valid after the next receive; {@link #header()} hands libnftnl a
 * native copy of them.
 */
public final class NetlinkMessage {
    /** struct nlmsgerr: the error code, then the echoed request header. */
    private static final int ERROR_CODE_OFFSET = Netlink.NLMSG_HDRLEN;
    private static final int ECHOED_HEADER_OFFSET = Netlink.NLMSG_HDRLEN + 4;

    private final ByteBuffer bytes;
    private Pointer nativeCopy;

    NetlinkMessage(ByteBuffer bytes) {
        this.bytes = bytes.slice().order(ByteOrder.nativeOrder()).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    public int length() {
        return bytes.getInt(0);
    }

    public int type() {
        return bytes.getShort(4) & 0xffff;
    }

    public int flags() {
        return bytes.getShort(6) & 0xffff;
    }

    public int sequence() {
        return bytes.getInt(8);
    }

    /** The port id the kernel addressed this message to: ours, for every answer to our requests. */
    public int portId() {
        return bytes.getInt(12);
    }

    public boolean isError() {
        return type() == Netlink.NLMSG_ERROR;
    }

    public boolean isDone() {
        return type() == Netlink.NLMSG_DONE;
    }

    public boolean isInterruptedDump() {
        return (flags() & Netlink.NLM_F_DUMP_INTR) != 0;
    }

    /** The message's bytes, header included (read-only, native byte order). */
    public ByteBuffer bytes() {
        return bytes.duplicate().order(ByteOrder.nativeOrder());
    }

    /**
     * The whole message in native memory, for libnftnl's parsers. While the socket hands the
     * message on, this is its reusable delivery buffer (valid during that call); a message kept
     * longer gets a copy of its own on first use.
     */
    public synchronized Pointer header() {
        if (nativeCopy == null) {
            nativeCopy = Memory.allocateDirect(NativeLibraries.runtime(), length());
            copyTo(nativeCopy);
        }
        return nativeCopy;
    }

    /** Puts the message into {@code buffer} for the duration of one delivery. */
    synchronized void lend(Pointer buffer) {
        copyTo(buffer);
        nativeCopy = buffer;
    }

    /** Ends the delivery: the lent buffer will hold the next message. */
    synchronized void endLoan() {
        nativeCopy = null;
    }

    private void copyTo(Pointer target) {
        byte[] copy = new byte[length()];
        bytes().get(copy);
        target.put(0, copy, 0, copy.length);
    }

    /**
     * For NLMSG_ERROR: 0 for an ack, else a positive errno. For NLMSG_DONE: the dump's error,
     * 0 when the kernel sent no code.
     */
    public int errno() {
        if (isDone() && length() < Netlink.NLMSG_HDRLEN + 4) {
            return 0;
        }
        return -bytes.getInt(ERROR_CODE_OFFSET);
    }

    /** For NLMSG_ERROR: the sequence number of the message this answers (from the echoed header). */
    public int answeredSequence() {
        return bytes.getInt(ECHOED_HEADER_OFFSET + 8);
    }

    /** For NLMSG_ERROR: the type of the message this answers. */
    public int answeredType() {
        return bytes.getShort(ECHOED_HEADER_OFFSET + 4) & 0xffff;
    }

    /** For NLMSG_ERROR and NLMSG_DONE: the kernel's extended ack, empty when it sent none. */
    public ExtendedAck extendedAck() {
        if ((flags() & Netlink.NLM_F_ACK_TLVS) == 0) {
            return ExtendedAck.NONE;
        }
        int start = attributesStart();
        if (start < 0) {
            return ExtendedAck.NONE;
        }
        String text = "";
        OptionalInt offset = OptionalInt.empty();
        int position = start;
        int end = length();
        while (position + 4 <= end) {
            int attrLength = bytes.getShort(position) & 0xffff;
            int attrType = bytes.getShort(position + 2) & 0x3fff;
            if (attrLength < 4 || position + attrLength > end) {
                break; // a TLV that lies about its length ends the walk; what came before stands
            }
            if (attrType == Netlink.NLMSGERR_ATTR_MSG && attrLength > 4) {
                text = cString(position + 4, attrLength - 4);
            } else if (attrType == Netlink.NLMSGERR_ATTR_OFFS && attrLength == 8) {
                offset = OptionalInt.of(bytes.getInt(position + 4));
            }
            position += (attrLength + 3) & ~3;
        }
        return new ExtendedAck(text, offset);
    }

    /** Kept for callers that only want the text. */
    public String extendedAckMessage() {
        return extendedAck().message();
    }

    /**
     * Where the extended-ack TLVs begin. NLMSG_DONE: right after the 4-byte error code.
     * NLMSG_ERROR: after the echoed request, which is its header only when the kernel says
     * NLM_F_CAPPED (or for a plain ack), and the whole request otherwise (NETLINK_CAP_ACK off).
     */
    private int attributesStart() {
        if (isDone()) {
            return Netlink.NLMSG_HDRLEN + 4;
        }
        if (!isError()) {
            return -1;
        }
        boolean capped = (flags() & Netlink.NLM_F_CAPPED) != 0 || errno() == 0;
        int echoed = Netlink.NLMSG_HDRLEN;
        if (!capped) {
            echoed = bytes.getInt(ECHOED_HEADER_OFFSET);
            if (echoed < Netlink.NLMSG_HDRLEN || ECHOED_HEADER_OFFSET + echoed > length()) {
                return -1;
            }
        }
        return ECHOED_HEADER_OFFSET + ((echoed + 3) & ~3);
    }

    private String cString(int offset, int maxLength) {
        byte[] raw = new byte[maxLength];
        bytes().position(offset).get(raw);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "NetlinkMessage[type=" + type() + ", flags=0x" + Integer.toHexString(flags()) + ", seq="
                + Integer.toUnsignedString(sequence()) + ", port=" + Integer.toUnsignedString(portId())
                + ", length=" + length() + (isError() ? ", errno=" + errno() : "") + "]";
    }

    /**
     * What the kernel said beyond the errno.
     *
     * @param message         its explanation, "" when none
     * @param attributeOffset where in the refused request the offending attribute starts
     */
    public record ExtendedAck(String message, OptionalInt attributeOffset) {
        public static final ExtendedAck NONE = new ExtendedAck("", OptionalInt.empty());
    }
}
