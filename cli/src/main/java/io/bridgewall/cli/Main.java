package io.bridgewall.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the bridgewall command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Timing.start();
        // A thread other than main (a shutdown hook, a demo probe) gets one line too, never a stack trace.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) ->
                ErrorReporter.reportUnexpected(TerminalText.escaping(new PrintWriter(System.err), "\n"), e));
        int status = run(new PrintWriter(System.out), new PrintWriter(System.err), args);
        Timing.end();
        System.exit(status);
    }

    /**
     * Runs the command, printing to {@code out} and {@code err}, and returns its exit code: 0
     * success, 1 failure at run time, 2 bad input, 3 `show` found nothing installed. Never exits
     * the JVM, so tests can call it.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        // Everything printed passes through the escaping writers: no raw control characters.
        PrintWriter safeOut = TerminalText.escaping(out, "\n\t");
        PrintWriter safeErr = TerminalText.escaping(err, "\n");
        try {
            return commandLine().setOut(safeOut).setErr(safeErr).execute(args);
        } catch (RuntimeException | Error e) {
            // What bypasses picocli's handlers (building the command model, Errors) still gets one line.
            return ErrorReporter.reportUnexpected(safeErr, e);
        } finally {
            safeOut.flush();
            safeErr.flush();
        }
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new BridgewallCommand())
                // "@file" would read any file named on the command line and print its lines in the
                // error, or spin forever on @/dev/zero: arguments are taken as they are typed.
                .setExpandAtFiles(false)
                .setExecutionExceptionHandler(new ErrorReporter())
                .setParameterExceptionHandler(ErrorReporter::usageError);
        // Every subcommand's --version prints the one version there is.
        String[] version = commandLine.getCommandSpec().version();
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(version));
        return commandLine;
    }
}
