package io.bridgewall.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the bridgewall command in-process, as {@code main} would, with its output captured. */
record Cli(int exitCode, String stdout, String stderr) {
    static Cli run(String... args) {
        // Output captured is not a terminal, whatever the test runs in: never coloured.
        return run(new Environment(System.getenv(), false, false), args);
    }

    /** Runs it as it would run in {@code environment} (terminals, NO_COLOR). */
    static Cli run(Environment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.run(new PrintWriter(out), new PrintWriter(err), environment, args);
        return new Cli(exitCode, out.toString(), err.toString());
    }

    /** Lines on stderr. */
    List<String> errorLines() {
        return stderr.lines().toList();
    }

    /** The one line a failure prints, failing when there is not exactly one. */
    String errorLine() {
        if (errorLines().size() != 1) {
            throw new AssertionError("expected exactly one line on stderr, got " + errorLines().size() + ":\n" + stderr);
        }
        return errorLines().get(0);
    }
}
