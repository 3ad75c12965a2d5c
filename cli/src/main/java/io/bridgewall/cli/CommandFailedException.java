package io.bridgewall.cli;

/** A failure at run time whose message already says what happened and what to do; exit status 1. */
public class CommandFailedException extends RuntimeException {
    public CommandFailedException(String message) {
        super(message);
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
