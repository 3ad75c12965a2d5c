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
        if (args.length > 0 && KERNEL_COMMANDS.contains(args[0])) {
            // Bound on the second core while this one builds the command line (about 80 ms each, cold).
            io.bridgewall.nativelib.NativeLibraries.warmUpInBackground();
        }
        if (args.length > 0 && DOCKER_COMMANDS.contains(args[0]) && !java.util.Arrays.asList(args).contains("--no-docker")) {
            io.bridgewall.docker.DockerDiscovery.warmUpInBackground();
        }
        // A thread other than main (a shutdown hook, a demo probe) gets one line too, never a stack trace.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) ->
                ErrorReporter.reportUnexpected(TerminalText.escaping(new PrintWriter(System.err), "\n"), e));
        int status = run(new PrintWriter(System.out), new PrintWriter(System.err), Environment.system(), args);
        Timing.end();
        System.exit(status);
    }

    /** The commands that talk to the kernel through libnftnl and libmnl (plan reads the interfaces). */
    private static final java.util.Set<String> KERNEL_COMMANDS =
            java.util.Set.of("apply", "plan", "show", "remove", "watch", "demo", "doctor", "confirm", "rollback");

    /** The commands that ask Docker for its networks unless told --no-docker. */
    private static final java.util.Set<String> DOCKER_COMMANDS = java.util.Set.of("apply", "plan", "watch");

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
            CommandLine commandLine = commandLineFor(args);
            Timing.mark("picocli: command model");
            return commandLine.setOut(safeOut).setErr(safeErr).execute(args);
        } catch (RuntimeException | Error e) {
            // What bypasses picocli's handlers (building the command model, Errors) still gets one line.
            return ErrorReporter.reportUnexpected(safeErr, e);
        } finally {
            safeOut.flush();
            safeErr.flush();
        }
    }

    /**
     * The whole command tree: what help lists and describes, what a word that names no command
     * gets its "did you mean" from. Tests inspect every command through it.
     */
    static CommandLine commandLine() {
        return configured(new CommandLine(new BridgewallCommand()));
    }

    /**
     * The tree that runs {@code args}: when the first word names a command, the top level with
     * only that command under it; otherwise the whole tree ({@link #commandLine()}: no command,
     * help, --help, --version, a misspelt command). picocli builds each command's model by
     * reflection on its annotations at every start: building apply's alone costs about a third
     * less than building all ten. The one built is the same as in the whole tree (CommandTreeTest).
     */
    static CommandLine commandLineFor(String... args) {
        return (args.length == 0 ? Optional.<Class<?>>empty() : BridgewallCommand.command(args[0]))
                .map(command -> configured(new CommandLine(new TopLevelCommand()).addSubcommand(command)))
                .orElseGet(Main::commandLine);
    }

    /** The settings every tree gets; after its commands are added (picocli passes them only to those already there). */
    private static CommandLine configured(CommandLine commandLine) {
        // "@file" would read any file named on the command line and print its lines in the
        // error, or spin forever on @/dev/zero: arguments are taken as they are typed.
        ErrorReporter errors = new ErrorReporter();
        commandLine.setExpandAtFiles(false)
                .setExecutionStrategy(new Execution())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
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

    /**
     * Runs the command that was typed, after acting on its -q/-v (OutputOptions). A class, not a
     * method reference: picocli as published is compiled for Java 5, and the class-data archive
     * leaves out such an interface once a lambda made it link (and every class implementing it,
     * picocli's own among them), so each start would load them from the jar. (bridgewall now
     * compiles picocli for Java 17, picocli-java17; this keeps working with the published jar.)
     */
    private static final class Execution implements CommandLine.IExecutionStrategy {
        @Override
        public int execute(CommandLine.ParseResult parseResult) {
            return Main.execute(parseResult);
        }
    }

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
        // A loop, not a stream over CommandSpec::userObject: that lambda would keep picocli's
        // CommandSpec (a Java 5 class file as published) out of the class-data archive (see Execution).
        for (CommandLine.Model.CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof OutputOptions output) {
                return Optional.of(output);
            }
        }
        return Optional.empty();
    }
}
