package io.bridgewall.nftnl;

import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.netlink.BatchOutcome;
import io.bridgewall.netlink.MessageBuffer;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.StateUnknownException;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.netlink.WireMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import jnr.ffi.Pointer;

/**
 * Builds one nf_tables transaction: each message is written by libnftnl and copied out at once
 * into a {@link WireMessage}, so the result is a {@link WireBatch} value that can be printed and
 * compared before (or without) a socket sends it. Every message asks for an ack, so each error
 * comes back with the sequence number of the message that caused it.
 */
public final class Batch {
    private final NetlinkSocket socket;
    private final OptionalInt generation;
    /** Where libnftnl writes each message before it is copied out: one per thread, reused. */
    private static final ThreadLocal<MessageBuffer> SCRATCH = ThreadLocal.withInitial(() -> new MessageBuffer(0));
    private final List<WireMessage> body = new ArrayList<>();
    private boolean sent;

    /** A batch to build only ({@link #toWire()}); a socket sends it later. */
    public Batch(OptionalInt generation) {
        this.socket = null;
        this.generation = generation;
    }

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
        this.generation = generation;
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
        MessageBuffer scratch = SCRATCH.get();
        scratch.clear();
        Pointer header = NativeLibraries.nftnl().nftnl_nlmsg_build_hdr(scratch.reserve(), Netlink.nftType(nftMessage),
                family, flags | Netlink.NLM_F_ACK, 0);
        payload.accept(header);
        scratch.commit();
        body.add(WireMessage.of(description, ByteBuffer.wrap(scratch.toBytes())));
    }

    /** Appends one message built whole in Java ({@link SetElementsMessage}); it must ask for an ack, as every message here does. */
    public void add(WireMessage message) {
        if (sent) {
            throw new IllegalStateException("batch already sent");
        }
        if ((message.flags() & Netlink.NLM_F_ACK) == 0) {
            throw new IllegalArgumentException(message.description() + ": a batch message without NLM_F_ACK");
        }
        body.add(message);
    }

    /** Messages the kernel answers (BATCH_BEGIN and BATCH_END excluded). */
    public int messageCount() {
        return body.size();
    }

    public int byteLength() {
        return toWire().byteLength();
    }

    /** The transaction as it goes on the wire. */
    public WireBatch toWire() {
        return WireBatch.of(generation, body);
    }

    /** Hands the transaction to the kernel; throws the first error it reports. */
    public void commit() {
        if (socket == null) {
            throw new IllegalStateException("this batch has no socket: send toWire() through one");
        }
        if (sent) {
            throw new IllegalStateException("batch already sent");
        }
        sent = true;
        commit(socket, toWire());
    }

    /**
     * Sends a batch and turns its outcome into a return or an exception: the kernel's error
     * when it refused, {@link StateUnknownException} when its answer was lost.
     */
    public static void commit(NetlinkSocket socket, WireBatch batch) {
        BatchOutcome outcome = socket.send(batch);
        if (outcome instanceof BatchOutcome.Refused refused) {
            throw refused.error();
        }
        if (outcome instanceof BatchOutcome.Unknown unknown) {
            throw unknown.cause();
        }
    }
}
