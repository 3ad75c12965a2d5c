package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.docker.DockerException;
import io.bridgewall.policy.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Whatever is thrown, the user reads one line in words, with no Java class name or stack trace. */
class ErrorReporterTest {
    private final StringWriter err = new StringWriter();

    private int handle(Exception e) {
        CommandLine commandLine = Main.commandLine().setErr(new PrintWriter(err));
        return new ErrorReporter().handleExecutionException(e, commandLine, null);
    }

    private String line() {
        assertThat(err.toString().lines()).hasSize(1);
        String line = err.toString().strip();
        assertThat(line).startsWith("bridgewall: ").doesNotContain("java.", "Exception", "\tat ");
        return line;
    }

    @Test
    void invalidInputIsExitTwo() {
        assertThat(handle(new InvalidInputException("--bridge 'x' is wrong"))).isEqualTo(2);
        assertThat(line()).isEqualTo("bridgewall: invalid input: --bridge 'x' is wrong");
    }

    @Test
    void dockerFailureIsItsOwnMessage() {
        assertThat(handle(new DockerException("cannot reach Docker at /x; is dockerd running?"))).isEqualTo(1);
        assertThat(line()).isEqualTo("bridgewall: cannot reach Docker at /x; is dockerd running?");
    }

    @Test
    void anIoFailureSaysWhatAndWhy() {
        int exit = handle(new UncheckedIOException("cannot write /proc/sys/net/bridge/bridge-nf-call-iptables (needs root)",
                new IOException("Read-only file system")));

        assertThat(exit).isEqualTo(1);
        assertThat(line()).isEqualTo("bridgewall: cannot write /proc/sys/net/bridge/bridge-nf-call-iptables "
                + "(needs root): Read-only file system");
    }

    @Test
    void aBugIsAnInternalErrorToReportWithoutClassNames() {
        int exit = handle(new IllegalStateException(new NullPointerException("table is null")));

        assertThat(exit).isEqualTo(1);
        assertThat(line()).isEqualTo("bridgewall: internal error: table is null; this is a bug in bridgewall: "
                + "please report it with the command you ran (BRIDGEWALL_DEBUG=1 adds the stack trace)");
    }

    @Test
    void anExceptionWithoutAnyMessageStillGetsALine() {
        assertThat(handle(new RuntimeException())).isEqualTo(1);
        assertThat(line()).startsWith("bridgewall: internal error: no details; ");
    }

    @Test
    void outOfMemorySaysHowToGiveMoreHeap() {
        assertThat(ErrorReporter.reportUnexpected(new PrintWriter(err), new OutOfMemoryError("Java heap space"))).isEqualTo(1);
        assertThat(line()).isEqualTo("bridgewall: out of memory (Java heap space); give the JVM more heap, "
                + "e.g. BRIDGEWALL_JAVA_OPTS=-Xmx512m");
    }
}
