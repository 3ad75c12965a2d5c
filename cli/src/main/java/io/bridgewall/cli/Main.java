package io.bridgewall.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Optional;
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
        int status = run(new PrintWriter(System.out), new PrintWriter(System.err), Environment.system(), args);
        Timing.end();
        System.exit(status);
    }

    /** {@link #run(PrintWriter, PrintWriter, Environment, String...)} in this process's environment. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, Environment.system(), args);
    }

    /**
     * Runs the command, printing to {@code out} and {@code err}, and returns its exit code: 0
     * success, 1 failure at run time, 2 bad input, 3 `show` found nothing installed. Never exits
     * the JVM, so tests can call it. {@code environment} says whether each stream is a terminal
     * (colour) and holds the variables (NO_COLOR).
     */
    static int run(PrintWriter out, PrintWriter err, Environment environment, String... args) {
        // Everything printed passes through the escaping writers: no raw control characters. Colour,
        // when wanted, is added after them (ColouredLines), so only bridgewall's own escapes get through.
        Writer outTarget = environment.colourOn(environment.stdoutIsTerminal())
                ? new ColouredLines(out, ColouredLines.RESULTS) : out;
        Writer errTarget = environment.colourOn(environment.stderrIsTerminal())
                ? new ColouredLines(err, ColouredLines.WARNINGS) : err;
        PrintWriter safeOut = TerminalText.escaping(outTarget, "\n\t");
        PrintWriter safeErr = TerminalText.escaping(errTarget, "\n");
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
                .setExecutionStrategy(Main::execute)
                .setExecutionExceptionHandler(new ErrorReporter())
                .setParameterExceptionHandler(ErrorReporter::usageError);
        // Every subcommand's --version prints the one version there is.
        CommandLine.IVersionProvider version = commandLine.getCommandSpec().versionProvider();
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(version));
        // picocli's own help command cannot be annotated: its examples are set here.
        commandLine.getSubcommands().values().stream()
                .filter(sub -> sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)
                .forEach(help -> help.getCommandSpec().usageMessage()
                        .footerHeading("%nExamples:%n")
                        .footer("  bridgewall help", "  bridgewall help apply", "  bridgewall apply --help"));
        return commandLine;
    }

    /** Runs the command that was typed, after acting on its -q/-v (OutputOptions). */
    private static int execute(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult typed = parseResult;
        boolean helpRequested = typed.isUsageHelpRequested() || typed.isVersionHelpRequested();
        while (typed.hasSubcommand()) {
            typed = typed.subcommand();
            helpRequested |= typed.isUsageHelpRequested() || typed.isVersionHelpRequested();
        }
        CommandLine command = typed.commandSpec().commandLine();
        Optional<OutputOptions> output = outputOptions(typed.commandSpec());
        if (helpRequested || output.isEmpty()) {
            return new CommandLine.RunLast().execute(parseResult);
        }
        if (output.get().quiet && output.get().verbose) {
            throw new CommandLine.ParameterException(command, "-q/--quiet and -v/--verbose exclude each other: give one of them");
        }
        if (output.get().quiet) {
            command.setOut(new PrintWriter(Writer.nullWriter()));
        }
        PrintWriter previousTiming = null;
        if (output.get().verbose) {
            previousTiming = Timing.printTo(command.getErr());
            Timing.mark("start-up, options parsed");
        }
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } finally {
            if (output.get().verbose) {
                Timing.mark(command.getCommandName() + ": the rest");
                Timing.restore(previousTiming);
            }
        }
    }

    private static Optional<OutputOptions> outputOptions(CommandLine.Model.CommandSpec spec) {
        return spec.mixins().values().stream()
                .map(CommandLine.Model.CommandSpec::userObject)
                .filter(OutputOptions.class::isInstance).map(OutputOptions.class::cast)
                .findFirst();
    }
}
