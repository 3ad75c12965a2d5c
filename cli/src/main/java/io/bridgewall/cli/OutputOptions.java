package io.bridgewall.cli;

import picocli.CommandLine.Option;

/**
 * How much a command prints, the same on every command that has it. Main acts on these before
 * the command runs (see {@link Main#commandLine}), so commands need no code of their own for it.
 */
final class OutputOptions {
    @Option(names = {"-q", "--quiet"},
            description = "Print nothing on stdout; only warnings and errors, on stderr. The exit code tells the outcome.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"},
            description = "Print more: where the time went, phase by phase, on stderr.")
    boolean verbose;
}
