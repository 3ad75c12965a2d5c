package io.bridgewall.policy;

/**
 * Input that bridgewall refuses before it touches the kernel: a bad CIDR, interface name,
 * port, duplicate bridge, or a malformed answer from Docker. The message is one line that
 * says what is wrong and how to fix it; the CLI prints it and exits with status 2.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
