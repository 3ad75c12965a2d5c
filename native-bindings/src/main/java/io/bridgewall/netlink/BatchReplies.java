package io.bridgewall.netlink;

import java.util.BitSet;
import java.util.function.IntFunction;

/**
 * Matches the kernel's answers to one sent batch; pure, fed one message at a time.
 *
 * <p>What the kernel sends (nfnetlink_rcv_batch): an error on BATCH_BEGIN when it refuses the
 * batch as a whole (ERESTART for a stale generation, EPERM, or a failed commit, after which the
 * per-message acks may still follow); otherwise one ack (errno 0) or error per message that asked
 * for an ack, all of them, in order, also when one failed. Anything not addressed to our port,
 * not numbered within this batch, or NLMSG_NOOP is not ours and is skipped, which also drains
 * leftovers of earlier requests.
 *
 * <p>A batch without BATCH_END gets the same answers (the kernel queues them while it runs the
 * messages and delivers them after its abort), and none for the missing end, so every answer is
 * still matched to its request; all of them clean is {@link BatchOutcome.Validated}.
 */
final class BatchReplies {
    private final int portId;
    private final int firstSequence;
    private final int size;
    private final BitSet expected = new BitSet();
    private final BitSet answered = new BitSet();
    private final IntFunction<String> describe;
    private final boolean commits;
    private KernelException firstError;
    private BatchOutcome outcome;

    /**
     * @param describe the description of message i (0 is BATCH_BEGIN)
     */
    BatchReplies(int portId, WireBatch batch, int firstSequence) {
        this.portId = portId;
        this.firstSequence = firstSequence;
        this.size = batch.messages().size();
        for (int i = 0; i < size; i++) {
            if (batch.messages().get(i).asksForAck()) {
                expected.set(i);
            }
        }
        this.describe = i -> batch.messages().get(i).description();
        this.commits = batch.commits();
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("a batch without a message that asks for an ack cannot be confirmed");
        }
    }

    boolean finished() {
        return outcome != null;
    }

    BatchOutcome outcome() {
        if (outcome == null) {
            throw new IllegalStateException("the batch is not answered yet");
        }
        return outcome;
    }

    /** Takes one received message; throws StateUnknownException when the kernel says replies were lost. */
    void offer(NetlinkMessage message) {
        if (outcome != null || message.portId() != portId || message.type() == Netlink.NLMSG_NOOP) {
            return;
        }
        if (message.type() == Netlink.NLMSG_OVERRUN) {
            throw new StateUnknownException(StateUnknownException.Reason.REPLIES_LOST, Netlink.ENOBUFS,
                    "waiting for the kernel to answer the batch");
        }
        int index = message.sequence() - firstSequence;
        if (!message.isError() || index < 0 || index >= size) {
            return; // stale, or a data message (echo) we did not ask for
        }
        int errno = message.errno();
        if (!expected.get(index)) {
            if (errno != 0) {
                // BATCH_BEGIN (or END) refused: the kernel committed nothing.
                outcome = new BatchOutcome.Refused(error(errno, index, message));
            }
            return;
        }
        if (answered.get(index)) {
            return;
        }
        answered.set(index);
        if (errno != 0 && firstError == null) {
            firstError = error(errno, index, message);
        }
        if (answered.cardinality() == expected.cardinality()) {
            int messages = expected.cardinality();
            outcome = firstError != null ? new BatchOutcome.Refused(firstError)
                    : commits ? new BatchOutcome.Committed(messages) : new BatchOutcome.Validated(messages);
        }
    }

    private KernelException error(int errno, int index, NetlinkMessage message) {
        return new KernelException(errno, describe.apply(index), message.extendedAck().message());
    }
}
