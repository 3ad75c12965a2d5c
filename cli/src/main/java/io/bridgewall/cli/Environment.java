package io.bridgewall.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the command line reads from the process around it rather than from its arguments: the
 * environment variables, and whether stdout and stderr are terminals. One seam, so that tests
 * can run {@link Main#run} as a terminal user with NO_COLOR set would, without a terminal.
 */
record Environment(Map<String, String> variables, boolean stdoutIsTerminal, boolean stderrIsTerminal) {
    Environment {
        variables = Map.copyOf(variables);
    }

    /** This process's environment and standard streams. */
    static Environment system() {
        return new Environment(System.getenv(), isTerminal(1), isTerminal(2));
    }

    Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name));
    }

    /**
     * Colour on a stream: only when it is a terminal, never with NO_COLOR set to anything but
     * the empty string (no-color.org) and never on TERM=dumb.
     */
    boolean colourOn(boolean terminal) {
        return terminal
                && variable("NO_COLOR").filter(value -> !value.isEmpty()).isEmpty()
                && !variable("TERM").orElse("").equals("dumb");
    }

    /**
     * A file descriptor is a terminal when it is open on a tty device. (Java 17's System.console()
     * answers for stdin and stdout together, and never for stderr.)
     */
    private static boolean isTerminal(int fd) {
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // not Linux, or no /proc: no colour, which is always safe
        }
    }
}
