package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A netlink socket that only listens: joined to a multicast group, it receives what the kernel
 * broadcasts there (for nf_tables: every committed change, as `nft monitor` shows them). It
 * sends nothing, so there are no answers to match; what it adds to the transport is waiting
 * with a deadline, being woken from another thread, and telling lost notifications apart
 * from silence.
 *
 * <p>A wait is cut into short receive timeouts (SO_RCVTIMEO) rather than parked on a second
 * file descriptor: {@link #wakeUp()} and {@link #close()} are noticed within one slice, and
 * the same code runs over a recorded transport in tests.
 */
public final class NetlinkSubscription implements AutoCloseable {
    /** wakeUp and close are noticed within this long (plus the kernel's timer tick). */
    static final Duration SLICE = Duration.ofMillis(25);
    /** Longer waits are cut to this: a deadline in the far future is "wait", not an overflow. */
    private static final Duration LONGEST_WAIT = Duration.ofDays(1);

    private final NetlinkTransport transport;
    /** Held while receiving: close() waits for a receive in progress before freeing the socket. */
    private final ReentrantLock receiving = new ReentrantLock();
    private volatile boolean wakeUpRequested;
    private volatile boolean closed;
    private Duration receiveTimeout;

    private NetlinkSubscription(NetlinkTransport transport) {
        this.transport = transport;
    }

    /** What one {@link #receive(Duration)} brought. */
    public sealed interface Delivery {
        /** One datagram's messages, every length checked. */
        record Messages(List<NetlinkMessage> messages) implements Delivery {
            public Messages {
                messages = List.copyOf(messages);
            }
        }

        /** Some of the group's messages are gone: whoever follows the group must read the state again. */
        record Lost(Loss cause, String why) implements Delivery {
        }

        /** Nothing arrived: the timeout passed, someone woke the receiver, or the subscription was closed. */
        record Nothing(Quiet reason) implements Delivery {
        }
    }

    public enum Loss {
        /** The kernel dropped messages because this socket's receive queue was full (ENOBUFS). */
        QUEUE_FULL,
        /** A datagram that does not parse (a length that lies, a truncated message). */
        UNREADABLE
    }

    public enum Quiet {
        TIMED_OUT,
        /** {@link #wakeUp()} was called, or the receiving thread was interrupted. */
        WOKEN_UP,
        CLOSED
    }

    /** Opens a socket of {@code protocol} in the named namespace (or the caller's) and joins {@code group}. */
    public static NetlinkSubscription open(Optional<String> netns, int protocol, int group) {
        NetlinkTransport transport = NetlinkSocket.openTransport(netns, protocol);
        try {
            return over(transport, group);
        } catch (RuntimeException | Error e) {
            transport.close();
            throw e;
        }
    }

    /** A subscription over a transport already opened: a recording one, or a replay in tests. */
    public static NetlinkSubscription over(NetlinkTransport transport, int group) {
        transport.joinGroup(group);
        return new NetlinkSubscription(transport);
    }

    /** The port id of the listening socket. */
    public int portId() {
        return transport.portId();
    }

    /**
     * Waits up to {@code timeout} for the next datagram. Returns early, with
     * {@link Quiet#WOKEN_UP}, after {@link #wakeUp()} (a wake-up asked while nobody waits ends
     * the next wait at once, so none is missed) and with {@link Quiet#CLOSED} after close.
     */
    public Delivery receive(Duration timeout) {
        long deadline = System.nanoTime() + clamp(timeout).toNanos();
        receiving.lock();
        try {
            while (true) {
                if (closed) {
                    return new Delivery.Nothing(Quiet.CLOSED);
                }
                if (wakeUpRequested || Thread.currentThread().isInterrupted()) {
                    wakeUpRequested = false;
                    return new Delivery.Nothing(Quiet.WOKEN_UP);
                }
                long left = deadline - System.nanoTime();
                setReceiveTimeout(left <= 0 ? Duration.ofNanos(1) : Duration.ofNanos(Math.min(left, SLICE.toNanos())));
                ByteBuffer datagram;
                try {
                    datagram = transport.receive();
                } catch (KernelException e) {
                    switch (e.errno()) {
                        case Netlink.EAGAIN, Netlink.EINTR -> {
                            if (deadline - System.nanoTime() <= 0) {
                                return new Delivery.Nothing(Quiet.TIMED_OUT);
                            }
                            continue;
                        }
                        case Netlink.ENOBUFS -> {
                            return new Delivery.Lost(Loss.QUEUE_FULL,
                                    "the kernel dropped notifications: this socket's receive queue was full");
                        }
                        case Netlink.ENOSPC -> {
                            return new Delivery.Lost(Loss.UNREADABLE, "a notification larger than the receive buffer was cut");
                        }
                        default -> throw e;
                    }
                }
                try {
                    return new Delivery.Messages(NetlinkMessages.split(datagram));
                } catch (KernelException e) {
                    return new Delivery.Lost(Loss.UNREADABLE, "unreadable notification: " + e.getMessage());
                }
            }
        } finally {
            receiving.unlock();
        }
    }

    /** Ends a wait in {@link #receive(Duration)} from another thread, within one slice. */
    public void wakeUp() {
        wakeUpRequested = true;
    }

    /** Sizes the kernel's receive queue for this socket (it drops notifications when full). */
    public void setReceiveQueue(int bytes) {
        receiving.lock();
        try {
            if (!closed) {
                transport.setReceiveQueue(bytes);
            }
        } finally {
            receiving.unlock();
        }
    }

    private void setReceiveTimeout(Duration timeout) {
        if (!timeout.equals(receiveTimeout)) {
            transport.setReceiveTimeout(timeout);
            receiveTimeout = timeout;
        }
    }

    private static Duration clamp(Duration timeout) {
        if (timeout.isNegative()) {
            return Duration.ZERO;
        }
        return timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout;
    }

    /** Safe from any thread: a receive in progress returns {@link Quiet#CLOSED} first, then the socket is closed. */
    @Override
    public void close() {
        closed = true;
        receiving.lock();
        try {
            transport.close();
        } finally {
            receiving.unlock();
        }
    }
}
