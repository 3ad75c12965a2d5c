package io.bridgewall.netlink;

import java.nio.ByteBuffer;

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

    @Override
    void close();
}
