package io.bridgewall.netlink;

import io.bridgewall.nativelib.LibC;
import io.bridgewall.nativelib.LibMnl;
import io.bridgewall.nativelib.NativeLibraries;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The one owner of a libmnl netfilter socket. Opened inside a named network namespace when
 * asked; sends whole batches in one datagram and ties every kernel error to the message that
 * caused it.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 256 * 1024;
    private static final int REPLY_TIMEOUT_SECONDS = 10;

    private final LibMnl mnl;
    private Pointer socket;
    private final Pointer receiveBuffer;
    private int nextSequence = (int) (System.currentTimeMillis() / 1000);

    private NetlinkSocket(Pointer socket) {
        this.mnl = NativeLibraries.mnl();
        this.socket = socket;
        this.receiveBuffer = Memory.allocateDirect(NativeLibraries.runtime(), RECEIVE_BUFFER);
    }

    /** Opens a socket in the given namespace, or in the caller's when none is given. */
    public static NetlinkSocket open(Optional<String> netns) {
        return open(netns, Netlink.NETLINK_NETFILTER);
    }

    /** The same for another netlink protocol, e.g. NETLINK_ROUTE (0). */
    public static NetlinkSocket open(Optional<String> netns, int protocol) {
        NativeLibraries.requireAll();
        return netns.map(name -> NetworkNamespace.callInside(name, () -> openHere(protocol)))
                .orElseGet(() -> openHere(protocol));
    }

    private static NetlinkSocket openHere(int protocol) {
        LibMnl mnl = NativeLibraries.mnl();
        Pointer socket = mnl.mnl_socket_open(protocol);
        if (socket == null) {
            throw new KernelException(NativeLibraries.lastErrno(), "opening a netfilter netlink socket", null);
        }
        NetlinkSocket owner = new NetlinkSocket(socket);
        try {
            if (mnl.mnl_socket_bind(socket, 0, LibMnl.MNL_SOCKET_AUTOPID) < 0) {
                throw new KernelException(NativeLibraries.lastErrno(), "binding the netlink socket", null);
            }
            owner.configure();
            return owner;
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    private void configure() {
        // Errors echo only the failing header, not the whole (possibly 64 KiB) message...
        setNetlinkOption(Netlink.NETLINK_CAP_ACK, 1);
        // ...and carry the kernel's own explanation when it has one. Both are optional.
        setNetlinkOption(Netlink.NETLINK_EXT_ACK, 1);
        Pointer timeout = Memory.allocateDirect(NativeLibraries.runtime(), 16, true);
        timeout.putLong(0, REPLY_TIMEOUT_SECONDS);
        NativeLibraries.libc().setsockopt(fd(), LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, 16);
        setSocketBuffer(LibC.SO_RCVBUFFORCE, LibC.SO_RCVBUF, 4 * 1024 * 1024);
    }

    private void setNetlinkOption(int option, int value) {
        Pointer flag = Memory.allocateDirect(NativeLibraries.runtime(), 4, true);
        flag.putInt(0, value);
        mnl.mnl_socket_setsockopt(socket(), option, flag, 4);
    }

    /** Grows a socket buffer; the FORCE variant needs CAP_NET_ADMIN, the plain one is capped by sysctl. */
    private void setSocketBuffer(int forceOption, int plainOption, int bytes) {
        Pointer size = Memory.allocateDirect(NativeLibraries.runtime(), 4, true);
        size.putInt(0, bytes);
        LibC libc = NativeLibraries.libc();
        if (libc.setsockopt(fd(), LibC.SOL_SOCKET, forceOption, size, 4) != 0) {
            libc.setsockopt(fd(), LibC.SOL_SOCKET, plainOption, size, 4);
        }
    }

    public int allocateSequence() {
        return nextSequence++;
    }

    /**
     * Sends a batch as one datagram and waits for the kernel's answer to every message that
     * asked for one. The first error is thrown, naming the message it belongs to.
     */
    public void sendBatch(MessageBuffer batch, int acksExpected, IntFunction<String> describeSequence,
                          int beginSequence) {
        // The whole batch must fit in one skb: grow the send buffer to its size.
        setSocketBuffer(LibC.SO_SNDBUFFORCE, LibC.SO_SNDBUF, batch.length() + 64 * 1024);
        send(batch.memory(), batch.length(), "sending the batch");
        KernelException first = null;
        int acks = 0;
        while (acks < acksExpected) {
            for (NetlinkMessage message : receive("waiting for the kernel to answer the batch")) {
                if (!message.isError()) {
                    continue;
                }
                acks++;
                int errno = message.errno();
                if (errno != 0 && first == null) {
                    first = new KernelException(errno, describeSequence.apply(message.answeredSequence()),
                            message.extendedAckMessage());
                }
                if (message.answeredSequence() == beginSequence) {
                    // The kernel refused the batch as a whole: nothing else will be answered.
                    acks = acksExpected;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Sends one request and passes every data message of the answer to {@code onMessage},
     * until NLMSG_DONE (dumps) or the ack (single requests).
     */
    public void request(MessageBuffer request, String operation, Consumer<NetlinkMessage> onMessage) {
        send(request.memory(), request.length(), operation);
        while (true) {
            for (NetlinkMessage message : receive(operation)) {
                if (message.isDone()) {
                    int errno = message.length() >= Netlink.NLMSG_HDRLEN + 4 ? message.errno() : 0;
                    if (errno != 0) {
                        throw new KernelException(errno, operation, message.extendedAckMessage());
                    }
                    return;
                }
                if (message.isError()) {
                    if (message.errno() != 0) {
                        throw new KernelException(message.errno(), operation, message.extendedAckMessage());
                    }
                    return;
                }
                onMessage.accept(message);
            }
        }
    }

    private void send(Pointer buffer, int length, String operation) {
        long sent = mnl.mnl_socket_sendto(socket(), buffer, length);
        if (sent < 0) {
            throw new KernelException(NativeLibraries.lastErrno(), operation, null);
        }
        if (sent != length) {
            throw new KernelException(5 /* EIO */, operation, "sent " + sent + " of " + length + " bytes");
        }
    }

    private List<NetlinkMessage> receive(String operation) {
        long received = mnl.mnl_socket_recvfrom(socket(), receiveBuffer, RECEIVE_BUFFER);
        if (received < 0) {
            int errno = NativeLibraries.lastErrno();
            throw new KernelException(errno, operation, errno == 11 /* EAGAIN */
                    ? "no answer within " + REPLY_TIMEOUT_SECONDS + " s" : null);
        }
        return NetlinkMessages.split(receiveBuffer, (int) received);
    }

    private int fd() {
        return mnl.mnl_socket_get_fd(socket());
    }

    private Pointer socket() {
        if (socket == null) {
            throw new IllegalStateException("netlink socket is closed");
        }
        return socket;
    }

    @Override
    public void close() {
        if (socket != null) {
            mnl.mnl_socket_close(socket);
            socket = null;
        }
    }
}
