package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Moves datagrams between {@link NetlinkSocket} and the kernel. The real one is a libmnl
 * socket ({@link MnlTransport}); tests feed a recorded or made-up reply stream instead, so
 * every rule about matching replies is tested without root.
 */
public interface NetlinkTransport extends AutoCloseable {
    /** The port id the socket is bound to: the kernel addresses every answer to it. */
    int portId();

    /** Sends one datagram whole; throws a {@link KernelException} carrying errno on failure. */
    void send(ByteBuffer datagram);

    /**
     * Receives one datagram. Failures are {@link KernelException}s carrying errno: EAGAIN
     * (timeout), EINTR, ENOBUFS (replies were dropped) and others.
     */
    ByteBuffer receive();

    /**
     * Throws away every datagram already queued, without waiting: called before a new request
     * when the last exchange ended early, so its leftovers cannot fill the queue the next answer
     * needs. Returns how many were discarded.
     */
    default int discardPending() {
        return 0;
    }

    /**
     * Joins a multicast group (NETLINK_ADD_MEMBERSHIP): the kernel then queues the group's
     * notifications on this socket. Transports that play a recording already hold them.
     */
    default void joinGroup(int group) {
    }

    /** How long {@link #receive()} waits before failing with EAGAIN; at least the kernel's timer tick. */
    default void setReceiveTimeout(Duration timeout) {
    }

    /** Sizes the kernel's receive queue for this socket: when it is full, the kernel drops (ENOBUFS). */
    default void setReceiveQueue(int bytes) {
    }

    @Override
    void close();
}
