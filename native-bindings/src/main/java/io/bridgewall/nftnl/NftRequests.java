package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.DumpInterruptedException;
import io.bridgewall.netlink.WireMessage;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.netlink.BatchOutcome;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.MessageBuffer;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkAttributes;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.netlink.NetlinkPeers;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.StateUnknownException;
import java.util.ArrayList;
import java.util.List;

import java.util.OptionalInt;
import java.util.function.Consumer;
import jnr.ffi.Pointer;

/** Single nf_tables requests outside a batch: dumps for read-back, and the generation id. */
public final class NftRequests {
    /**
     * A dump the kernel flags NLM_F_DUMP_INTR (someone committed while it was being dumped), or
     * whose replies were dropped, is asked for again, up to this many times in all.
     */
    public static final int READ_ATTEMPTS = 10;

    /** nf_tables.h: NFTA_TABLE_FLAGS, NFTA_TABLE_OWNER, NFT_TABLE_F_OWNER. */
    private static final int NFTA_TABLE_FLAGS = 2;
    private static final int NFTA_TABLE_OWNER = 7;
    private static final int NFT_TABLE_F_OWNER = 0x2;
    private static final int NFGENMSG_LENGTH = 4;

    /** One request buffer per thread, reused: a long-lived socket sends thousands of requests. */
    private static final ThreadLocal<MessageBuffer> REQUEST = ThreadLocal.withInitial(() -> new MessageBuffer(0));

    /** Reads asked again in this JVM because a dump was interrupted or its replies dropped. */
    private static final java.util.concurrent.atomic.AtomicLong REREADS = new java.util.concurrent.atomic.AtomicLong();

    private NftRequests() {
    }

    /** How many reads were asked again (interrupted dumps, dropped replies) since the JVM started: for soak figures. */
    public static long rereads() {
        return REREADS.get();
    }

    /**
     * Asks for every object of one kind (filtered by what {@code payload} writes). The messages
     * reach {@code onMessage} only from a complete, consistent dump: an interrupted one is read
     * again, transparently.
     */
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
        List<Integer> ids = new ArrayList<>();
        try {
            get(socket, Netlink.NFT_MSG_GETGEN, 0, "reading the ruleset generation", header -> {
            }, message -> {
                try (NftnlGen gen = NftnlGen.parse(message)) {
                    ids.add(gen.id());
                }
            });
        } catch (KernelException e) {
            // nfnetlink answers a request for a subsystem it has (and could load) no code for with
            // EINVAL, a batch with EOPNOTSUPP: every kernel with nf_tables answers GETGEN.
            if (e.getClass() == KernelException.class
                    && (e.errno() == Netlink.EINVAL || e.errno() == Netlink.EOPNOTSUPP)) {
                throw new KernelException(e.errno(), e.operation(), "the kernel has no nf_tables; run 'modprobe "
                        + "nf_tables' (a kernel built with CONFIG_NF_TABLES, Linux 4.14 or later for what bridgewall "
                        + "uses) and run it again; nothing was changed");
            }
            throw e;
        }
        if (ids.size() != 1) {
            throw new KernelException(Netlink.EPROTO, "reading the ruleset generation",
                    "the kernel answered with " + ids.size() + " generation messages instead of one");
        }
        return ids.get(0);
    }

    /**
     * The netlink port id holding the table with the owner flag (NFT_TABLE_F_OWNER), if it is
     * held so: only that socket may change it, even root's others are refused with EPERM.
     */
    public static OptionalInt tableOwner(NetlinkSocket socket, String table, int family) {
        List<OptionalInt> owner = new ArrayList<>();
        try (NftnlTable request = NftnlTable.create(table, family)) {
            get(socket, Netlink.NFT_MSG_GETTABLE, family, "reading table " + table, request::buildPayload, message -> {
                NetlinkAttributes attributes = NetlinkAttributes.of(message, Netlink.NLMSG_HDRLEN + NFGENMSG_LENGTH);
                int flags = attributes.u32(NFTA_TABLE_FLAGS).orElse(0);
                owner.add((flags & NFT_TABLE_F_OWNER) != 0 ? attributes.u32(NFTA_TABLE_OWNER) : OptionalInt.empty());
            });
        }
        return owner.isEmpty() ? OptionalInt.empty() : owner.get(0);
    }

    /**
     * Explains an EPERM on our table: when another socket holds it with the owner flag, the
     * answer is a {@link TableOwnedException} naming that process; otherwise the error as it is.
     */
    public static KernelException explainRefusal(NetlinkSocket socket, String table, int family, String tableId,
                                                 KernelException refused) {
        if (refused.errno() != Netlink.EPERM) {
            return refused;
        }
        OptionalInt owner;
        try {
            owner = tableOwner(socket, table, family);
        } catch (KernelException e) {
            refused.addSuppressed(e);
            return refused;
        }
        if (owner.isEmpty() || owner.getAsInt() == socket.portId()) {
            return refused;
        }
        return new TableOwnedException(tableId, refused.operation(), owner.getAsInt(),
                NetlinkPeers.holderOf(socket.netns(), Netlink.NETLINK_NETFILTER, owner.getAsInt()));
    }

    /**
     * Whether the ruleset is still at {@code generation} once no transaction is being
     * committed: an empty batch carrying that generation. The kernel takes its commit lock for
     * it (so it waits for a commit in progress to finish), answers ERESTART when the generation
     * moved on, and commits nothing (an empty transaction does not make a new generation).
     */
    public static boolean stillAt(NetlinkSocket socket, int generation) {
        return stillAt(socket, generation, GenerationProbe.forRunningKernel());
    }

    /**
     * How to ask the kernel whether the generation is still {@code generation}: both hold its
     * commit lock and are refused with ERESTART on their begin message when it moved.
     */
    public enum GenerationProbe {
        /**
         * An empty batch whose begin message asks for an ack: the cheap one (an empty commit
         * returns at once), answered only from Linux 6.10 on, which acks batch begin messages.
         */
        EMPTY_BATCH,
        /**
         * One acked message (a throwaway table) and no BATCH_END: the kernel validates the batch
         * and aborts it, as for `nft -c`, so nothing is committed; answered by every kernel, but an
         * abort waits for an RCU grace period, so it is slower.
         */
        VALIDATED_BATCH;

        /**
         * The running kernel's (every network namespace shares it); the unit tests that replay
         * recorded exchanges name the recording's kernel with -Dbridgewall.kernel.release.
         */
        public static GenerationProbe forRunningKernel() {
            return forKernelRelease(System.getProperty("bridgewall.kernel.release", System.getProperty("os.version", "")));
        }

        /** 6.10 and later ack an empty batch's begin; anything older, or unreadable, gets the probe all kernels answer. */
        public static GenerationProbe forKernelRelease(String release) {
            java.util.regex.Matcher version = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
            if (!version.find()) {
                return VALIDATED_BATCH;
            }
            int major = Integer.parseInt(version.group(1));
            int minor = Integer.parseInt(version.group(2));
            return major > 6 || major == 6 && minor >= 10 ? EMPTY_BATCH : VALIDATED_BATCH;
        }
    }

    /** {@link #stillAt(NetlinkSocket, int)} with the probe given (tests replay both kinds). */
    public static boolean stillAt(NetlinkSocket socket, int generation, GenerationProbe kind) {
        WireBatch probe = switch (kind) {
            case EMPTY_BATCH -> new WireBatch(List.of(WireMessage.batchBegin(OptionalInt.of(generation)).withAck(),
                    WireMessage.batchEnd()));
            case VALIDATED_BATCH -> validatedProbe(generation);
        };
        BatchOutcome outcome = socket.send(probe);
        if (outcome instanceof BatchOutcome.Refused refused) {
            if (refused.error().errno() == Netlink.ERESTART) {
                return false;
            }
            throw refused.error();
        }
        if (outcome instanceof BatchOutcome.Unknown unknown) {
            throw unknown.cause();
        }
        return true;
    }

    private static WireBatch validatedProbe(int generation) {
        Batch batch = new Batch(OptionalInt.of(generation));
        try (NftnlTable table = NftnlTable.create(STILL_AT_PROBE_TABLE, INET)) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, INET, Netlink.NLM_F_CREATE, "probing the generation", table::buildPayload);
        }
        return batch.toWire().forValidation();
    }

    /** Never committed: only ever in a batch the kernel validates and aborts. */
    static final String STILL_AT_PROBE_TABLE = "bridgewall_generation_probe";
    private static final int INET = 1;

    private static void send(NetlinkSocket socket, int nftMessage, int family, int flags, String operation,
                             Consumer<Pointer> payload, Consumer<NetlinkMessage> onMessage) {
        for (int attempt = 1; ; attempt++) {
            MessageBuffer request = REQUEST.get();
            request.clear();
            Pointer header = NativeLibraries.nftnl().nftnl_nlmsg_build_hdr(request.reserve(), Netlink.nftType(nftMessage),
                    family, flags, socket.allocateSequence());
            payload.accept(header);
            request.commit();
            try {
                socket.request(request, operation, onMessage);
                return;
            } catch (DumpInterruptedException e) {
                if (attempt == READ_ATTEMPTS) {
                    throw new DumpInterruptedException(operation, attempt);
                }
            } catch (StateUnknownException e) {
                // Reading twice changes nothing; a read whose answer was dropped is simply asked again.
                if (e.reason() != StateUnknownException.Reason.REPLIES_LOST || attempt == READ_ATTEMPTS) {
                    throw e;
                }
            }
            REREADS.incrementAndGet();
        }
    }


    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
