package io.bridgewall.netlink;

import io.bridgewall.nativelib.LibC;
import io.bridgewall.nativelib.LibMnl;
import io.bridgewall.nativelib.NativeLibraries;
import java.nio.ByteBuffer;
import java.time.Duration;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** A libmnl netlink socket: the one owner of the C socket and of its receive buffer. */
final class MnlTransport implements NetlinkTransport {
    private static final int RECEIVE_BUFFER = 256 * 1024;
    static final int REPLY_TIMEOUT_SECONDS = 10;

    private final LibMnl mnl;
    private final Pointer receiveBuffer;
    private Pointer socket;
    private Pointer sendBuffer;
    private Pointer optionValue;
    private Pointer timeoutValue;
    private int sendCapacity;
    private int portId;
    /** Whether the kernel accepted NETLINK_CAP_ACK and NETLINK_EXT_ACK (both optional). */
    private boolean capAck;
    private boolean extAck;

    private MnlTransport(Pointer socket) {
        this.mnl = NativeLibraries.mnl();
        this.socket = socket;
        this.receiveBuffer = Memory.allocateDirect(NativeLibraries.runtime(), RECEIVE_BUFFER);
    }

    /** Opens and binds a socket in the calling thread's network namespace. */
    static MnlTransport open(int protocol) {
        LibMnl mnl = NativeLibraries.mnl();
        Pointer socket = mnl.mnl_socket_open(protocol);
        if (socket == null) {
            int errno = NativeLibraries.lastErrno();
            throw new KernelException(errno, "opening a netlink socket", errno == Netlink.EPROTONOSUPPORT
                    && protocol == Netlink.NETLINK_NETFILTER ? "the kernel has no nfnetlink; run 'modprobe nfnetlink' "
                    + "(CONFIG_NETFILTER_NETLINK) and run it again" : null);
        }
        MnlTransport transport = new MnlTransport(socket);
        try {
            if (mnl.mnl_socket_bind(socket, 0, LibMnl.MNL_SOCKET_AUTOPID) < 0) {
                throw new KernelException(NativeLibraries.lastErrno(), "binding the netlink socket", null);
            }
            transport.portId = mnl.mnl_socket_get_portid(socket);
            transport.configure();
            return transport;
        } catch (RuntimeException | Error e) {
            transport.close();
            throw e;
        }
    }

    private void configure() {
        // Errors echo only the failing header, not the whole (possibly 64 KiB) message...
        capAck = setNetlinkOption(Netlink.NETLINK_CAP_ACK, 1);
        // ...and carry the kernel's own explanation when it has one. Both are optional: the
        // reply parser reads NLM_F_CAPPED / NLM_F_ACK_TLVS on each message rather than assuming.
        extAck = setNetlinkOption(Netlink.NETLINK_EXT_ACK, 1);
        setReceiveTimeout(Duration.ofSeconds(REPLY_TIMEOUT_SECONDS));
        setSocketBuffer(LibC.SO_RCVBUFFORCE, LibC.SO_RCVBUF, 4 * 1024 * 1024);
    }

    @Override
    public String toString() {
        return "netlink socket, port id " + Integer.toUnsignedString(portId) + ", NETLINK_CAP_ACK " + (capAck ? "on" : "off")
                + ", NETLINK_EXT_ACK " + (extAck ? "on" : "off");
    }

    private boolean setNetlinkOption(int option, int value) {
        Pointer flag = Memory.allocateDirect(NativeLibraries.runtime(), 4, true);
        flag.putInt(0, value);
        return mnl.mnl_socket_setsockopt(socket(), option, flag, 4) == 0;
    }

    @Override
    public void joinGroup(int group) {
        if (!setNetlinkOption(Netlink.NETLINK_ADD_MEMBERSHIP, group)) {
            throw new KernelException(NativeLibraries.lastErrno(), "joining netlink multicast group " + group, null);
        }
    }

    /** SO_RCVTIMEO; a zero timeval would mean "wait forever", so the shortest is one microsecond. */
    @Override
    public void setReceiveTimeout(Duration timeout) {
        long micros = Math.max(1, Math.min(timeout.toNanos() / 1000, Long.MAX_VALUE / 2));
        if (timeoutValue == null) {
            timeoutValue = Memory.allocateDirect(NativeLibraries.runtime(), 16, true);
        }
        timeoutValue.putLong(0, micros / 1_000_000); // struct timeval: tv_sec, tv_usec (64-bit longs)
        timeoutValue.putLong(8, micros % 1_000_000);
        if (NativeLibraries.libc().setsockopt(fd(), LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeoutValue, 16) != 0) {
            throw new KernelException(NativeLibraries.lastErrno(), "setting the netlink receive timeout", null);
        }
    }

    @Override
    public void setReceiveQueue(int bytes) {
        setSocketBuffer(LibC.SO_RCVBUFFORCE, LibC.SO_RCVBUF, bytes);
    }

    /** Sizes a socket buffer; the FORCE variant needs CAP_NET_ADMIN, the plain one is capped by sysctl. */
    void setSocketBuffer(int forceOption, int plainOption, int bytes) {
        if (optionValue == null) {
            optionValue = Memory.allocateDirect(NativeLibraries.runtime(), 4, true);
        }
        Pointer size = optionValue;
        size.putInt(0, bytes);
        LibC libc = NativeLibraries.libc();
        if (libc.setsockopt(fd(), LibC.SOL_SOCKET, forceOption, size, 4) != 0) {
            libc.setsockopt(fd(), LibC.SOL_SOCKET, plainOption, size, 4);
        }
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public void send(ByteBuffer datagram) {
        int length = datagram.remaining();
        // The whole batch must fit in one skb: grow the send buffer to its size.
        setSocketBuffer(LibC.SO_SNDBUFFORCE, LibC.SO_SNDBUF, length + 64 * 1024);
        if (sendBuffer == null || sendCapacity < length) {
            sendCapacity = Math.max(length, 64 * 1024);
            sendBuffer = Memory.allocateDirect(NativeLibraries.runtime(), sendCapacity);
        }
        byte[] bytes = new byte[length];
        datagram.duplicate().get(bytes);
        sendBuffer.put(0, bytes, 0, length);
        long sent = mnl.mnl_socket_sendto(socket(), sendBuffer, length);
        if (sent < 0) {
            throw new KernelException(NativeLibraries.lastErrno(), "sending to the kernel", null);
        }
        if (sent != length) {
            throw new KernelException(Netlink.EIO, "sending to the kernel", "sent " + sent + " of " + length + " bytes");
        }
    }

    @Override
    public ByteBuffer receive() {
        long received = mnl.mnl_socket_recvfrom(socket(), receiveBuffer, RECEIVE_BUFFER);
        if (received < 0) {
            throw new KernelException(NativeLibraries.lastErrno(), "receiving from the kernel", null);
        }
        byte[] copy = new byte[(int) received];
        receiveBuffer.get(0, copy, 0, copy.length);
        return ByteBuffer.wrap(copy);
    }

    @Override
    public int discardPending() {
        LibC libc = NativeLibraries.libc();
        int discarded = 0;
        // Bounded: a queue holds at most a few thousand datagrams; stop at the first "nothing more".
        while (discarded < 1_000_000 && libc.recv(fd(), receiveBuffer, RECEIVE_BUFFER, LibC.MSG_DONTWAIT) >= 0) {
            discarded++;
        }
        return discarded;
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
