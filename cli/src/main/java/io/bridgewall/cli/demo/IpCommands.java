package io.bridgewall.cli.demo;

import io.bridgewall.cli.CommandFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the iproute2 and sysctl commands that build a namespace lab, each with a timeout. */
final class IpCommands {
    private static final long TIMEOUT_SECONDS = 15;

    private IpCommands() {
    }

    static void run(String... command) {
        String output = runAllowingFailure(command);
        if (output != null) {
            throw new CommandFailedException("'" + String.join(" ", command) + "' failed: " + output.strip());
        }
    }

    /** Returns null on success, else what the command printed. */
    static String runAllowingFailure(String... command) {
        Finished finished = execute(command);
        return finished.ok() ? null : finished.output();
    }

    /** What the command printed when it succeeded; "" when it failed. */
    static String output(String... command) {
        Finished finished = execute(command);
        return finished.ok() ? finished.output() : "";
    }

    private record Finished(boolean ok, String output) {
    }

    private static Finished execute(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Finished(false, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Finished(process.exitValue() == 0, output);
        } catch (IOException e) {
            return new Finished(false, e.getMessage() + " (apt-get install iproute2)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Finished(false, "interrupted");
        }
    }
}
