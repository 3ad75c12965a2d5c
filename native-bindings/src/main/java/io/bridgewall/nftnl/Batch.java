package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.netlink.MessageBuffer;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import jnr.ffi.Pointer;

/**
 * One nf_tables transaction: BATCH_BEGIN, the messages, BATCH_END, sent in a single datagram.
 * The kernel commits all of it in one new generation or none of it. Every message asks for
 * an ack, so each error comes back with the sequence number of the message that caused it.
 */
public final class Batch {
    private static final LibNftnl NFTNL = NativeLibraries.nftnl();

    private final NetlinkSocket socket;
    private final MessageBuffer buffer;
    private final Map<Integer, String> descriptions = new HashMap<>();
    private final int beginSequence;
    private int acksExpected;
    private boolean sent;

    public Batch(NetlinkSocket socket, int sizeHint) {
        this(socket, sizeHint, OptionalInt.empty());
    }

    /**
     * A batch the kernel commits only while the ruleset is still at {@code generation}
     * (NFNL_BATCH_GENID); otherwise it refuses it whole with ERESTART, so a change computed
     * from a read-back never lands on a ruleset someone else changed in between.
     */
    public Batch(NetlinkSocket socket, int sizeHint, OptionalInt generation) {
        this.socket = socket;
        this.buffer = new MessageBuffer(sizeHint);
        this.beginSequence = socket.allocateSequence();
        Pointer begin = NFTNL.nftnl_batch_begin(buffer.reserve(), beginSequence);
        generation.ifPresent(id -> appendGenerationId(begin, id));
        buffer.commit();
        descriptions.put(beginSequence, generation.isPresent()
                ? "starting the transaction at generation " + Integer.toUnsignedString(generation.getAsInt())
                : "starting the transaction");
    }

    /** libnftnl's batch_begin has no genid; append the attribute by hand: len, type, big-endian u32. */
    private static void appendGenerationId(Pointer begin, int generation) {
        int length = begin.getInt(0);
        begin.putShort(length, (short) 8);
        begin.putShort(length + 2, (short) Netlink.NFNL_BATCH_GENID);
        begin.put(length + 4, new byte[] {(byte) (generation >>> 24), (byte) (generation >>> 16),
                (byte) (generation >>> 8), (byte) generation}, 0, 4);
        begin.putInt(0, length + 8);
    }

    /**
     * Appends one nf_tables message whose payload {@code payload} writes after the header.
     *
     * @param description what the message does, in nft words, for error messages
     */
    public void add(int nftMessage, int family, int flags, String description, Consumer<Pointer> payload) {
        if (sent) {
            throw new IllegalStateException("batch already sent");
        }
        int sequence = socket.allocateSequence();
        Pointer header = NFTNL.nftnl_nlmsg_build_hdr(buffer.reserve(), Netlink.nftType(nftMessage), family,
                flags | Netlink.NLM_F_ACK, sequence);
        payload.accept(header);
        buffer.commit();
        descriptions.put(sequence, description);
        acksExpected++;
    }

    public int messageCount() {
        return acksExpected;
    }

    public int byteLength() {
        return buffer.length();
    }

    /** Closes the transaction and hands it to the kernel; throws the first error it reports. */
    public void commit() {
        if (sent) {
            throw new IllegalStateException("batch already sent");
        }
        sent = true;
        NFTNL.nftnl_batch_end(buffer.reserve(), socket.allocateSequence());
        buffer.commit();
        socket.sendBatch(buffer, acksExpected,
                sequence -> descriptions.getOrDefault(sequence, "message " + sequence + " of the batch"),
                beginSequence);
    }
}
