package io.bridgewall.netlink;

/**
 * What became of a batch: committed, refused or unknown for a batch that commits; validated,
 * refused or unknown for one sent for validation only ({@link WireBatch#forValidation()}), which
 * never commits, so for it even an unknown outcome changed nothing.
 */
public sealed interface BatchOutcome {
    /** The kernel acked every message: one new generation holds all of it. */
    record Committed(int messages) implements BatchOutcome {
    }

    /**
     * The kernel took every message of a batch without BATCH_END and discarded them: it would
     * commit this transaction at the generation the batch named. Nothing was committed.
     */
    record Validated(int messages) implements BatchOutcome {
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
