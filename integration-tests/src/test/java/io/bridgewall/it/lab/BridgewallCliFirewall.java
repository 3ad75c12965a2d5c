package io.bridgewall.it.lab;

import io.bridgewall.it.support.Shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * bridgewall itself, as the core team ships it: the CLI jar applied to the lab's host
 * namespace and dockerd. The jar path comes from the surefire property {@code bridgewall.jar}.
 */
public final class BridgewallCliFirewall implements Firewall {
    private final Path jar;

    public BridgewallCliFirewall(Path jar) {
        this.jar = jar;
    }

    /** The jar the cli module builds, as configured in integration-tests/pom.xml. */
    public static BridgewallCliFirewall fromBuild() {
        return new BridgewallCliFirewall(Path.of(System.getProperty("bridgewall.jar", "cli/target/bridgewall.jar")));
    }

    /**
     * Whether the built jar has an {@code apply} command yet. The skeleton already builds a jar
     * without a main class, so the file existing is not enough. Once the CLI is done, tests
     * should stop asking and require it.
     */
    public boolean available() {
        return Files.isRegularFile(jar)
                && Shell.run(Duration.ofSeconds(30), null, List.of(java(), "-jar", jar.toString(), "apply", "--help")).ok();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public String name() {
        return "bridgewall";
    }

    @Override
    public void apply(Lab lab) {
        Shell.run(Duration.ofSeconds(60), null, List.of(java(), "-jar", jar.toString(), "apply",
                "--netns", lab.host().name(), "--docker-host", lab.docker().host())).orThrow();
    }
}
