package io.bridgewall.netlink;

/** The named network namespace does not exist or the name is not a valid namespace name. */
public class NamespaceNotFoundException extends RuntimeException {
    public NamespaceNotFoundException(String message) {
        super(message);
    }
}
