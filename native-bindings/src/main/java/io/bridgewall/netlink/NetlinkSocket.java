package io.bridgewall.netlink;

import io.bridgewall.nativelib.LibC;
import io.bridgewall.nativelib.NativeLibraries;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one owner of a netfilter netlink socket. Opened inside a named network namespace when
 * asked; sends whole batches in one datagram; matches every answer to its request by sequence
 * number and port id, so leftovers of an earlier request (the acks after a refused commit) are
 * skipped instead of being taken for the answer to the next one.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** EINTR only means "call again": nothing was lost. Bounded all the same. */
    private static final int RECEIVE_ATTEMPTS_ON_EINTR = 100;

    private final NetlinkTransport transport;
    private final Optional<String> netns;
    private int nextSequence;

    private NetlinkSocket(NetlinkTransport transport, Optional<String> netns, int firstSequence) {
        this.transport = transport;
        this.netns = netns;
        this.nextSequence = firstSequence;
    }

    /** Opens a socket in the given namespace, or in the caller's when none is given. */
    public static NetlinkSocket open(Optional<String> netns) {
        return new NetlinkSocket(openTransport(netns), netns, (int) (System.currentTimeMillis() / 1000));
    }

    /** The bare netfilter netlink transport, for tools that wrap it (recording a transcript). */
    public static NetlinkTransport openTransport(Optional<String> netns) {
        NativeLibraries.requireAll();
        return netns
                .map(name -> NetworkNamespace.callInside(name,
                        () -> MnlTransport.open(Netlink.NETLINK_NETFILTER), MnlTransport::close))
                .orElseGet(() -> MnlTransport.open(Netlink.NETLINK_NETFILTER));
    }

    /** A socket over another transport: a recorded or made-up reply stream in tests. */
    public static NetlinkSocket over(NetlinkTransport transport, int firstSequence) {
        return over(transport, Optional.empty(), firstSequence);
    }

    /** As {@link #over(NetlinkTransport, int)}, for a transport opened in the named namespace. */
    public static NetlinkSocket over(NetlinkTransport transport, Optional<String> netns, int firstSequence) {
        return new NetlinkSocket(transport, netns, firstSequence);
    }

    /** The named network namespace this socket talks to; empty for the one it was opened in. */
    public Optional<String> netns() {
        return netns;
    }

    /** The port id the kernel addresses our answers to. */
    public int portId() {
        return transport.portId();
    }

    public int allocateSequence() {
        return nextSequence++;
    }

    /**
     * Shrinks or grows the kernel's receive queue for this socket (default 4 MiB). A queue too
     * small for a batch's acks makes the kernel drop them (ENOBUFS): how the soak test provokes
     * an unknown outcome.
     */
    public void setReceiveQueue(int bytes) {
        NetlinkTransport inner = transport instanceof RecordingTransport recording ? recording.inner() : transport;
        if (inner instanceof MnlTransport mnl) {
            mnl.setSocketBuffer(LibC.SO_RCVBUFFORCE, LibC.SO_RCVBUF, bytes);
        }
    }

    /**
     * Sends a batch as one datagram and reads the kernel's answer to it. Never throws for what
     * the kernel did: the outcome says committed, refused (with the first error, naming its
     * message), or unknown (the answer was lost after the kernel took the batch).
     */
    public BatchOutcome send(WireBatch batch) {
        int first = nextSequence;
        nextSequence += batch.messages().size();
        // A failed sendto never reaches nfnetlink: the kernel cannot have committed anything.
        transport.send(batch.datagram(first));
        BatchReplies replies = new BatchReplies(transport.portId(), batch, first);
        try {
            while (!replies.finished()) {
                for (NetlinkMessage message : receive("waiting for the kernel to answer the batch")) {
                    replies.offer(message);
                }
            }
        } catch (StateUnknownException e) {
            return new BatchOutcome.Unknown(e);
        }
        return replies.outcome();
    }

    /**
     * Sends one request and passes every data message of the answer to {@code onMessage},
     * once the answer is complete: NLMSG_DONE for a dump, the ack for a single request. The
     * kernel's error, an interrupted dump ({@link DumpInterruptedException}) and lost replies
     * ({@link StateUnknownException}) are thrown; nothing was handed on then.
     */
    public void request(MessageBuffer request, String operation, Consumer<NetlinkMessage> onMessage) {
        byte[] bytes = new byte[request.length()];
        request.memory().get(0, bytes, 0, bytes.length);
        int sequence = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(WireMessage.SEQUENCE_OFFSET);
        transport.send(ByteBuffer.wrap(bytes));
        RequestReplies replies = new RequestReplies(transport.portId(), sequence, operation);
        StateUnknownException lost = null;
        while (!replies.finished()) {
            List<NetlinkMessage> messages;
            try {
                messages = receive(operation);
            } catch (StateUnknownException e) {
                if (e.reason() != StateUnknownException.Reason.REPLIES_LOST) {
                    throw e;
                }
                // Read on to the end of this answer, so a dump still running on the socket
                // does not meet the next request; then say the answer is incomplete.
                lost = e;
                continue;
            }
            for (NetlinkMessage message : messages) {
                try {
                    replies.offer(message);
                } catch (StateUnknownException e) {
                    lost = e;
                }
            }
        }
        if (lost != null) {
            throw lost;
        }
        replies.data().forEach(onMessage);
    }

    private List<NetlinkMessage> receive(String operation) {
        for (int attempt = 1; ; attempt++) {
            try {
                return NetlinkMessages.split(transport.receive());
            } catch (StateUnknownException e) {
                throw e;
            } catch (KernelException e) {
                switch (e.errno()) {
                    case Netlink.EINTR -> {
                        if (attempt == RECEIVE_ATTEMPTS_ON_EINTR) {
                            throw new StateUnknownException(StateUnknownException.Reason.TIMEOUT, e.errno(), operation);
                        }
                    }
                    case Netlink.EAGAIN -> throw new StateUnknownException(StateUnknownException.Reason.TIMEOUT,
                            e.errno(), operation);
                    case Netlink.ENOBUFS -> throw new StateUnknownException(StateUnknownException.Reason.REPLIES_LOST,
                            e.errno(), operation);
                    default -> throw new KernelException(e.errno(), operation, null);
                }
            }
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
