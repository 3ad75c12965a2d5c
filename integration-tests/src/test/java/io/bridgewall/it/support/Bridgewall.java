package io.bridgewall.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the real bridgewall jar as a whole process, the way users and boot scripts do. */
public final class Bridgewall {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Bridgewall() {
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("bridgewall.jar", "../cli/target/bridgewall.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("bridgewall jar not found at " + jar + "; build it with 'mvn -DskipTests package'");
        }
        return jar;
    }

    /** The launcher script users run, {@code ./bridgewall} at the top of the repository. */
    public static Path launcher() {
        Path launcher = jar().getParent().getParent().getParent().resolve("bridgewall");
        if (!Files.isExecutable(launcher)) {
            throw new AssertionError("launcher not found at " + launcher);
        }
        return launcher;
    }

    public static Shell.Result run(String... args) {
        return run(List.of(), List.of(args));
    }

    /** Runs {@code prefix... java -jar bridgewall.jar args...}, e.g. with a prefix of setpriv or ip netns exec. */
    public static Shell.Result run(List<String> prefix, List<String> args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("java", "-jar", jar().toString()));
        command.addAll(args);
        return Shell.run(TIMEOUT, null, command);
    }
}
