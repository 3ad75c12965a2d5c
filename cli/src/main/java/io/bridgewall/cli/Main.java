package io.bridgewall.cli;

import picocli.CommandLine;

/** Entry point of the bridgewall command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code: 0 success, 1 failure at run time, 2 bad input. */
    public static int run(String... args) {
        return new CommandLine(new BridgewallCommand())
                .setExecutionExceptionHandler(new ErrorReporter())
                .setParameterExceptionHandler(ErrorReporter::usageError)
                .execute(args);
    }
}
