package io.bridgewall.docker;

/**
 * Docker could not be asked, or answered something bridgewall cannot trust. The message is one
 * line: what failed and what to do about it. The CLI prints it as it is.
 */
public class DockerException extends RuntimeException {
    public DockerException(String message) {
        super(message);
    }

    public DockerException(String message, Throwable cause) {
        super(message, cause);
    }
}
