package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
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
