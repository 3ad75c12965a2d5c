package io.bridgewall.netlink;

/** What became of a batch: the three things that can be true after sending one. */
public sealed interface BatchOutcome {
    /** The kernel acked every message: one new generation holds all of it. */
    record Committed(int messages) implements BatchOutcome {
    }

    /** The kernel refused the batch; nothing of it was committed. */
    record Refused(KernelException error) implements BatchOutcome {
    }

    /**
     * The kernel took the datagram but its answer was lost (timeout, ENOBUFS, overrun): it may
     * have committed. Read the generation to learn which.
     */
    record Unknown(StateUnknownException cause) implements BatchOutcome {
    }
}
