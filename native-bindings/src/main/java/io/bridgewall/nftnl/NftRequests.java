package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.MessageBuffer;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.netlink.NetlinkSocket;
import java.util.function.Consumer;
import jnr.ffi.Pointer;

/** Single nf_tables requests outside a batch: dumps for read-back, and the generation id. */
public final class NftRequests {
    private static final LibNftnl NFTNL = NativeLibraries.nftnl();

    private NftRequests() {
    }

    /** Asks for every object of one kind (filtered by what {@code payload} writes). */
    public static void dump(NetlinkSocket socket, int nftMessage, int family, String operation,
                            Consumer<Pointer> payload, Consumer<NetlinkMessage> onMessage) {
        send(socket, nftMessage, family, Netlink.NLM_F_DUMP, operation, payload, onMessage);
    }

    /** Asks for one object; the kernel answers with it and an ack, or an error. */
    public static void get(NetlinkSocket socket, int nftMessage, int family, String operation,
                           Consumer<Pointer> payload, Consumer<NetlinkMessage> onMessage) {
        send(socket, nftMessage, family, Netlink.NLM_F_ACK, operation, payload, onMessage);
    }

    /** The ruleset's generation id: it changes with every committed transaction. */
    public static int generation(NetlinkSocket socket) {
        int[] id = {-1};
        get(socket, Netlink.NFT_MSG_GETGEN, 0, "reading the ruleset generation", header -> {
        }, message -> {
            Pointer gen = NFTNL.nftnl_gen_alloc();
            try {
                if (NFTNL.nftnl_gen_nlmsg_parse(message.header(), gen) >= 0) {
                    id[0] = NFTNL.nftnl_gen_get_u32(gen, NftnlAttr.GEN_ID);
                }
            } finally {
                NFTNL.nftnl_gen_free(gen);
            }
        });
        return id[0];
    }

    /**
     * Whether the ruleset is still at {@code generation} once no transaction is being
     * committed: an empty batch carrying that generation. The kernel takes its commit lock for
     * it (so it waits for a commit in progress to finish), answers ERESTART when the generation
     * moved on, and commits nothing (an empty transaction does not make a new generation).
     */
    public static boolean stillAt(NetlinkSocket socket, int generation) {
        MessageBuffer batch = new MessageBuffer(0);
        int beginSequence = socket.allocateSequence();
        Pointer begin = NFTNL.nftnl_batch_begin(batch.reserve(), beginSequence);
        int length = begin.getInt(0);
        begin.putShort(length, (short) 8);
        begin.putShort(length + 2, (short) Netlink.NFNL_BATCH_GENID);
        begin.put(length + 4, new byte[] {(byte) (generation >>> 24), (byte) (generation >>> 16),
                (byte) (generation >>> 8), (byte) generation}, 0, 4);
        begin.putInt(0, length + 8);
        // Only an acked begin message makes the kernel answer an empty batch at all.
        begin.putShort(6, (short) (begin.getShort(6) | Netlink.NLM_F_ACK));
        batch.commit();
        NFTNL.nftnl_batch_end(batch.reserve(), socket.allocateSequence());
        batch.commit();
        try {
            socket.sendBatch(batch, 1, sequence -> "checking that the ruleset is still at generation "
                    + Integer.toUnsignedString(generation), beginSequence);
            return true;
        } catch (KernelException e) {
            if (e.errno() == Netlink.ERESTART) {
                return false;
            }
            throw e;
        }
    }

    private static void send(NetlinkSocket socket, int nftMessage, int family, int flags, String operation,
                             Consumer<Pointer> payload, Consumer<NetlinkMessage> onMessage) {
        MessageBuffer request = new MessageBuffer(0);
        Pointer header = NFTNL.nftnl_nlmsg_build_hdr(request.reserve(), Netlink.nftType(nftMessage), family,
                flags, socket.allocateSequence());
        payload.accept(header);
        request.commit();
        socket.request(request, operation, onMessage);
    }
}
