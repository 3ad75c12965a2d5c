package io.bridgewall.nativelib;

/** A shared library bridgewall needs is not installed; the message names the package. */
public class MissingNativeLibraryException extends RuntimeException {
    public MissingNativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
