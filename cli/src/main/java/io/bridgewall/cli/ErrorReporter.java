package io.bridgewall.cli;

import io.bridgewall.docker.DockerException;
import io.bridgewall.nativelib.MissingNativeLibraryException;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.NamespaceNotFoundException;
import io.bridgewall.policy.InvalidInputException;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr and an exit code: 2 for input the user can
 * fix (nothing was sent to the kernel), 1 for a failure while running.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    static final int RUNTIME_FAILURE = 1;
    static final int BAD_INPUT = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        Throwable cause = e;
        if (cause instanceof InvalidInputException || cause instanceof NamespaceNotFoundException) {
            return report(commandLine, "invalid input: " + cause.getMessage(), BAD_INPUT);
        }
        if (cause instanceof KernelException || cause instanceof MissingNativeLibraryException
                || cause instanceof DockerException) {
            return report(commandLine, cause.getMessage(), RUNTIME_FAILURE);
        }
        return report(commandLine, "failed: " + cause, RUNTIME_FAILURE);
    }

    static int usageError(CommandLine.ParameterException e, String[] args) {
        return report(e.getCommandLine(), e.getMessage() + " (see --help)", BAD_INPUT);
    }

    private static int report(CommandLine commandLine, String message, int exitCode) {
        commandLine.getErr().println("bridgewall: " + message.replace('\n', ' '));
        commandLine.getErr().flush();
        return exitCode;
    }
}
