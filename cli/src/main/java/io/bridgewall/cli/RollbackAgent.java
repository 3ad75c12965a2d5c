package io.bridgewall.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs `bridgewall rollback` at the deadline, from outside the `apply` process: the rollback
 * must happen when the terminal, the SSH session or apply itself is gone.
 *
 * <p>Where systemd is the service manager (sd_booted: /run/systemd/system exists), a transient
 * timer and service ({@code systemd-run --on-active}): systemd owns it, outside the login
 * session's cgroup, so neither a hangup nor logind's KillUserProcesses nor apply's death
 * reaches it, and it is in the journal. Elsewhere (containers, other init systems, this
 * machine's CI) a detached process: {@code setsid} puts it in a session and process group of
 * its own with no terminal (no SIGHUP when the SSH session ends, no signal to apply's group),
 * stdin from /dev/null and output to the rollback log; it sleeps until the deadline. Under
 * systemd a detached process is not enough: logind may kill everything a session started.
 */
final class RollbackAgent {
    private static final Path SYSTEMD_RUNNING = Path.of("/run/systemd/system");
    /** JVM options passed on to the rollback's JVM: heap and the launcher's startup flags, nothing that writes files. */
    private static final List<String> PASSED_ON = List.of("-Xmx", "-Xms", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=",
            "-XX:CICompilerCount=", "-XX:-UsePerfData", "-Djnr.ffi.asm.enabled=");
    private static final Duration SYSTEMD_TIMEOUT = Duration.ofSeconds(30);

    private RollbackAgent() {
    }

    static boolean systemdRuns() {
        return Files.isDirectory(SYSTEMD_RUNNING);
    }

    static String unitName(String id) {
        return "bridgewall-rollback-" + id;
    }

    /** Starts the agent for {@code pending} and returns how it is known ("systemd UNIT" or "process PID"). */
    static String start(PendingRollback pending, RollbackFiles files, long delaySeconds) {
        List<String> rollback = rollbackCommand(pending, files);
        if (systemdRuns()) {
            List<String> command = systemdCommand(pending.id(), files, delaySeconds, rollback);
            run(command, "start the rollback timer");
            return "systemd " + unitName(pending.id());
        }
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(rollback);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
                .redirectErrorStream(true);
        builder.environment().put(RollbackFiles.DIRECTORY_ENV, files.directory().toString());
        try {
            Process process = builder.start();
            return "process " + process.pid();
        } catch (IOException e) {
            throw new CommandFailedException("cannot start the rollback process (" + ErrorReporter.describe(e)
                    + "); nothing was applied: is setsid (util-linux) installed?", e);
        }
    }

    /** The transient timer: fires once, {@code delaySeconds} from now, and is gone afterwards. */
    static List<String> systemdCommand(String id, RollbackFiles files, long delaySeconds, List<String> rollback) {
        List<String> command = new ArrayList<>(List.of("systemd-run", "--quiet", "--collect",
                "--unit=" + unitName(id),
                "--description=bridgewall: roll back unless 'bridgewall confirm' runs in time",
                "--on-active=" + delaySeconds + "s",
                "--timer-property=AccuracySec=100ms",
                "--setenv=" + RollbackFiles.DIRECTORY_ENV + "=" + files.directory()));
        command.addAll(rollback);
        return command;
    }

    /** This JVM and jar again, running the hidden `rollback` command. */
    static List<String> rollbackCommand(PendingRollback pending, RollbackFiles files) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> PASSED_ON.stream().anyMatch(option::startsWith))
                .forEach(command::add);
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator)));
        command.add(Main.class.getName());
        command.add("rollback");
        command.add("--id=" + pending.id());
        pending.netns().ifPresent(name -> command.add("--netns=" + name));
        return command;
    }

    /** Stops the agent of a rollback that is confirmed or replaced; it would do nothing anyway (its id is gone). */
    static void stop(PendingRollback pending) {
        String agent = pending.agent();
        if (agent.startsWith("systemd ")) {
            String unit = agent.substring("systemd ".length());
            try {
                run(List.of("systemctl", "stop", unit + ".timer", unit + ".service"), "stop the rollback timer");
            } catch (CommandFailedException e) {
                // Not fatal: without its state the service does nothing when it fires.
            }
        } else if (agent.startsWith("process ")) {
            long pid = Long.parseLong(agent.substring("process ".length()));
            // A pid is reused: end it only while it is still this rollback's process.
            Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(p -> commandLine(pid).contains("--id=" + pending.id()));
            process.ifPresent(ProcessHandle::destroy);
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void run(List<String> command, String what) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String output = new String(process.getInputStream().readNBytes(2000), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(SYSTEMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new CommandFailedException("cannot " + what + ": " + command.get(0) + " did not finish in "
                        + SYSTEMD_TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new CommandFailedException("cannot " + what + ": " + command.get(0) + " exited with "
                        + process.exitValue() + (output.isEmpty() ? "" : " (" + output.lines().findFirst().orElse("") + ")"));
            }
        } catch (IOException e) {
            throw new CommandFailedException("cannot " + what + ": " + ErrorReporter.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while trying to " + what, e);
        }
    }
}
