package io.bridgewall.cli;

import io.bridgewall.docker.DockerException;
import io.bridgewall.nativelib.MissingNativeLibraryException;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.NamespaceNotFoundException;
import io.bridgewall.policy.InvalidInputException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr and an exit code: 2 for input the user can
 * fix (nothing was sent to the kernel), 1 for a failure while running. The line says what
 * happened and what to do; it never names a Java class or prints a stack trace (set
 * BRIDGEWALL_DEBUG=1 for one).
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int RUNTIME_FAILURE = 1;
    static final int BAD_INPUT = 2;
    private static final String REPORT_IT = "this is a bug in bridgewall: please report it with the command you ran "
            + "(BRIDGEWALL_DEBUG=1 adds the stack trace)";

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof InvalidInputException || e instanceof NamespaceNotFoundException) {
            return report(err, "invalid input: " + e.getMessage(), BAD_INPUT, e);
        }
        if (e instanceof KernelException || e instanceof MissingNativeLibraryException || e instanceof DockerException
                || e instanceof CommandFailedException) {
            // These messages already name what failed and what to do.
            return report(err, e.getMessage(), RUNTIME_FAILURE, e);
        }
        if (e instanceof UncheckedIOException io) {
            return report(err, describe(io) + ": " + describe(io.getCause()), RUNTIME_FAILURE, e);
        }
        return reportUnexpected(err, e);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        return report(e.getCommandLine().getErr(), e.getMessage() + " (see 'bridgewall help')", BAD_INPUT, null);
    }

    /** The last resort, for what no handler above expected: still one line, still no class name. */
    static int reportUnexpected(PrintWriter err, Throwable e) {
        String message;
        if (e instanceof OutOfMemoryError) {
            message = "out of memory (" + describe(e) + "); give the JVM more heap, e.g. BRIDGEWALL_JAVA_OPTS=-Xmx512m";
        } else if (e instanceof LinkageError) {
            message = "cannot load part of bridgewall (" + describe(e) + "); rebuild the jar with "
                    + "'mvn -DskipTests package' and check that libnftnl11 and libmnl0 are installed";
        } else if (e instanceof InterruptedException || e.getCause() instanceof InterruptedException) {
            message = "interrupted (" + describe(e) + "); nothing more was done";
        } else {
            message = "internal error: " + describe(e) + "; " + REPORT_IT;
        }
        return report(err, message, RUNTIME_FAILURE, e);
    }

    private static int report(PrintWriter err, String message, int exitCode, Throwable e) {
        // One line: a line break inside a message (from Docker, from a flag) is shown, not obeyed.
        err.println("bridgewall: " + TerminalText.escape(message));
        if (e != null && System.getenv("BRIDGEWALL_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    /**
     * What went wrong, in words: the first message along the cause chain that is not just the
     * cause's own class and message repeated (what {@code new RuntimeException(cause)} makes).
     */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            boolean wrapsCause = t.getCause() != null && t.getCause().toString().equals(message);
            if (message != null && !message.isBlank() && !wrapsCause) {
                return message;
            }
        }
        return "no details";
    }
}
