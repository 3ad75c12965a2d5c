package io.bridgewall.cli;

import picocli.CommandLine;

/** Entry point of the bridgewall command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Timing.start();
        int status = run(args);
        Timing.end();
        System.exit(status);
    }

    /** Runs the command and returns its exit code: 0 success, 1 failure at run time, 2 bad input. */
    public static int run(String... args) {
        try {
            return new CommandLine(new BridgewallCommand())
                    .setExecutionExceptionHandler(new ErrorReporter())
                    .setParameterExceptionHandler(ErrorReporter::usageError)
                    .execute(args);
        } catch (LinkageError | StackOverflowError e) {
            // Errors bypass picocli's handler; they still get one line and a non-zero exit.
            System.err.println("bridgewall: internal error: " + e);
            return ErrorReporter.RUNTIME_FAILURE;
        }
    }
}
