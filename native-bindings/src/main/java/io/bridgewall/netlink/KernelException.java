package io.bridgewall.netlink;

import io.bridgewall.nativelib.NativeLibraries;

/**
 * The kernel (or the netlink socket) refused an operation. Carries errno and names the
 * message that failed, matched through its sequence number.
 */
public class KernelException extends RuntimeException {
    public static final int EPERM = Netlink.EPERM;
    public static final int ENOENT = Netlink.ENOENT;

    private final int errno;
    private final String operation;

    public KernelException(int errno, String operation, String detail) {
        this(errno, operation, operation + ": " + NativeLibraries.describeErrno(errno) + " (errno " + errno + ")"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail)
                + (detail != null && detail.contains("CAP_") ? "" : hint(errno)), null);
    }

    /** For subclasses that word the whole message themselves. */
    protected KernelException(int errno, String operation, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
        this.operation = operation;
    }

    public int errno() {
        return errno;
    }

    public String operation() {
        return operation;
    }

    private static String hint(int errno) {
        return errno == EPERM ? "; bridgewall needs root or CAP_NET_ADMIN: run it as root (e.g. with sudo)" : "";
    }
}
