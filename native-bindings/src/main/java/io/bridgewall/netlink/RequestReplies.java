package io.bridgewall.netlink;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches the kernel's answers to one request (a get with ack, or a dump); pure, fed one
 * message at a time. Data messages are kept until the answer is complete, so a dump the kernel
 * flagged NLM_F_DUMP_INTR, or one that ends in an error, hands nothing on.
 */
final class RequestReplies {
    private final int portId;
    private final int sequence;
    private final String operation;
    private final List<NetlinkMessage> data = new ArrayList<>();
    private boolean interrupted;
    private boolean finished;

    RequestReplies(int portId, int sequence, String operation) {
        this.portId = portId;
        this.sequence = sequence;
        this.operation = operation;
    }

    boolean finished() {
        return finished;
    }

    /**
     * Takes one received message. Throws the kernel's error, {@link DumpInterruptedException}
     * at the end of an inconsistent dump, or {@link StateUnknownException} on an overrun.
     */
    void offer(NetlinkMessage message) {
        if (finished || message.portId() != portId || message.type() == Netlink.NLMSG_NOOP) {
            return;
        }
        if (message.type() == Netlink.NLMSG_OVERRUN) {
            throw new StateUnknownException(StateUnknownException.Reason.REPLIES_LOST, Netlink.ENOBUFS, operation);
        }
        if (message.sequence() != sequence) {
            return; // left over from an earlier request on this socket
        }
        interrupted |= message.isInterruptedDump();
        if (message.isError() || message.isDone()) {
            finished = true;
            int errno = message.errno();
            if (errno != 0) {
                throw new KernelException(errno, operation, message.extendedAck().message());
            }
            if (interrupted) {
                throw new DumpInterruptedException(operation, 1);
            }
            return;
        }
        data.add(message);
    }

    /** The answer's data messages, once finished. */
    List<NetlinkMessage> data() {
        if (!finished) {
            throw new IllegalStateException("the request is not answered yet");
        }
        return data;
    }
}
