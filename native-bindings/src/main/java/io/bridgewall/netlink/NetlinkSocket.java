package io.bridgewall.netlink;

import io.bridgewall.nativelib.NativeLibraries;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

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
    /** The last exchange ended before every answer it could get was read: leftovers may be queued. */
    private boolean leftovers;
    private Pointer deliveryBuffer;
    private int deliveryCapacity;

    private NetlinkSocket(NetlinkTransport transport, Optional<String> netns, int firstSequence) {
        this.transport = transport;
        this.netns = netns;
        this.nextSequence = firstSequence;
    }

    /** Opens a netfilter socket in the given namespace, or in the caller's when none is given. */
    public static NetlinkSocket open(Optional<String> netns) {
        return open(netns, Netlink.NETLINK_NETFILTER);
    }

    /** Opens a socket of another netlink protocol (NETLINK_ROUTE for links and addresses). */
    public static NetlinkSocket open(Optional<String> netns, int protocol) {
        return new NetlinkSocket(openTransport(netns, protocol), netns, (int) (System.currentTimeMillis() / 1000));
    }

    /** The bare netfilter netlink transport, for tools that wrap it (recording a transcript). */
    public static NetlinkTransport openTransport(Optional<String> netns) {
        return openTransport(netns, Netlink.NETLINK_NETFILTER);
    }

    static NetlinkTransport openTransport(Optional<String> netns, int protocol) {
        NativeLibraries.requireAll();
        return netns
                .map(name -> NetworkNamespace.callInside(name, () -> MnlTransport.open(protocol), MnlTransport::close))
                .orElseGet(() -> MnlTransport.open(protocol));
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
        transport.setReceiveQueue(bytes);
    }

    /**
     * Sends a batch as one datagram and reads the kernel's answer to it. Never throws for what
     * the kernel did: the outcome says committed, refused (with the first error, naming its
     * message), or unknown (the answer was lost after the kernel took the batch).
     */
    public BatchOutcome send(WireBatch batch) {
        int first = nextSequence;
        nextSequence += batch.messages().size();
        discardLeftovers();
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
            leftovers = true;
            return new BatchOutcome.Unknown(e);
        }
        // Refused at BATCH_BEGIN: the kernel may still ack every message behind that error.
        leftovers = replies.outcome() instanceof BatchOutcome.Refused;
        return replies.outcome();
    }

    /**
     * Sends one request and passes every data message of the answer to {@code onMessage},
     * once the answer is complete: NLMSG_DONE for a dump, the ack for a single request. The
     * kernel's error, an interrupted dump ({@link DumpInterruptedException}) and lost replies
     * ({@link StateUnknownException}) are thrown; nothing was handed on then, and whatever of
     * the answer is still queued is discarded before the next request.
     */
    public void request(MessageBuffer request, String operation, Consumer<NetlinkMessage> onMessage) {
        request(ByteBuffer.wrap(request.toBytes()), operation, onMessage);
    }

    /** As {@link #request(MessageBuffer, String, Consumer)}, for a request already in Java memory. */
    public void request(ByteBuffer request, String operation, Consumer<NetlinkMessage> onMessage) {
        int sequence = request.duplicate().order(ByteOrder.nativeOrder()).getInt(request.position() + WireMessage.SEQUENCE_OFFSET);
        discardLeftovers();
        transport.send(request);
        leftovers = true; // until the answer is read to its end
        try {
            readAnswer(sequence, operation, onMessage);
        } catch (KernelException e) {
            if (!(e instanceof StateUnknownException)) {
                leftovers = false; // the kernel's error (or DONE) ended the answer
            }
            throw e;
        }
        leftovers = false;
    }

    private void readAnswer(int sequence, String operation, Consumer<NetlinkMessage> onMessage) {
        RequestReplies replies = new RequestReplies(transport.portId(), sequence, operation);
        while (!replies.finished()) {
            for (NetlinkMessage message : receive(operation)) {
                replies.offer(message);
            }
        }
        for (NetlinkMessage message : replies.data()) {
            deliver(message, onMessage);
        }
    }

    /**
     * Hands one message on with its native form in a buffer this socket reuses, so reading
     * back a table allocates no native memory per message (a long-lived socket would otherwise
     * leave thousands of small blocks for the garbage collector to free).
     */
    private void deliver(NetlinkMessage message, Consumer<NetlinkMessage> onMessage) {
        if (deliveryBuffer == null || deliveryCapacity < message.length()) {
            deliveryCapacity = Math.max(message.length(), 64 * 1024);
            deliveryBuffer = Memory.allocateDirect(NativeLibraries.runtime(), deliveryCapacity);
        }
        message.lend(deliveryBuffer);
        try {
            onMessage.accept(message);
        } finally {
            message.endLoan();
        }
    }

    /**
     * Empties the queue when the last exchange ended early. Whatever is queued then belongs to
     * finished requests: a full queue of stale acks would make the kernel drop the next answer,
     * silently once it has reported ENOBUFS. (Stale answers that arrive later are still skipped
     * by sequence number.)
     */
    private void discardLeftovers() {
        if (leftovers) {
            transport.discardPending();
            leftovers = false;
        }
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
