package io.bridgewall.netlink;

import io.bridgewall.nativelib.NativeLibraries;

/**
 * The kernel's answer was lost or never came (ENOBUFS or NLMSG_OVERRUN: the socket's queue
 * overflowed; or no answer within the timeout). The request may or may not have taken effect:
 * read the state again. For a read this means "ask again"; for a batch, read the generation to
 * learn whether it committed.
 */
public final class StateUnknownException extends KernelException {
    /** Why the answer is missing. */
    public enum Reason {
        /** ENOBUFS / NLMSG_OVERRUN: the kernel dropped replies because our queue was full. */
        REPLIES_LOST,
        /** No answer within the socket's receive timeout. */
        TIMEOUT,
        /** sendto failed after the kernel may have taken the datagram. */
        SEND_FAILED
    }

    private final Reason reason;

    public StateUnknownException(Reason reason, int errno, String operation) {
        super(errno, operation, operation + ": the kernel's answer was lost (" + describe(reason, errno)
                + "); the state is unknown: read it again", null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    private static String describe(Reason reason, int errno) {
        return switch (reason) {
            case REPLIES_LOST -> "receive queue overflowed, errno " + errno;
            case TIMEOUT -> "no answer in time";
            case SEND_FAILED -> NativeLibraries.describeErrno(errno) + " while sending, errno " + errno;
        };
    }
}
