package io.bridgewall.cli;

import static io.bridgewall.docker.FakeDockerd.response;
import static io.bridgewall.docker.FakeDockerd.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.docker.FakeDockerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config file as the command sees it: `plan --config FILE` plans what the file says, an
 * option typed on the command line wins over it, and a bad file is one line and exit 2 with
 * nothing printed on stdout. Docker's networks come from a fake dockerd (isolation per network
 * needs network names without a real dockerd here); `plan` touches no kernel.
 */
class ConfigFileTest {
    private static final String WEB_ID = "9c1b5e3d7a2f4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
    private static final String ADMIN_ID = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80";
    private static final String WEB_BRIDGE = "br-9c1b5e3d7a2f";
    private static final String ADMIN_BRIDGE = "br-1a2b3c4d5e6f";

    @TempDir
    Path dir;
    private FakeDockerd fake;

    @AfterEach
    void stopFake() throws Exception {
        if (fake != null) {
            fake.close();
        }
    }

    private Path file(String yaml) throws Exception {
        Path file = dir.resolve("bridgewall.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Cli plan(Path config, String... more) {
        List<String> args = new ArrayList<>(List.of("plan", "--config", config.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static Cli succeeded(Cli run) {
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return run;
    }

    private static void assertBadInput(Cli run, String line) {
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
        assertThat(run.errorLine()).isEqualTo("bridgewall: invalid input: " + line);
        assertThat(run.stdout()).isEmpty();
    }

    /** A fake dockerd with two user networks: web (10.99.1.0/24) and admin (10.99.2.0/24). */
    private String twoNetworks() throws Exception {
        String networks = "[" + network("web", WEB_ID, "10.99.1.0/24") + "," + network("admin", ADMIN_ID, "10.99.2.0/24") + "]";
        fake = FakeDockerd.start(dir, (line, out) -> {
            write(out, line.startsWith("GET /_ping") ? response(200, "Api-Version: 1.41\r\n", "OK")
                    : response(200, "Content-Type: application/json\r\n", networks));
            return true;
        });
        return fake.endpoint().toString();
    }

    private static String network(String name, String id, String subnet) {
        return "{\"Name\":\"" + name + "\",\"Id\":\"" + id + "\",\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\""
                + subnet + "\"}]},\"Options\":{}}";
    }

    @Test
    void planReflectsTheFile() throws Exception {
        Path config = file("""
                isolation: strict
                extra-blocked: [198.51.100.0/24]
                host-input:
                  tcp: [22, 443]
                  udp: [51820]
                contain: [docker0, br-*, vmbr*]
                uncontain: [vmbr0]
                docker:
                  enabled: false
                """);

        Cli plan = succeeded(Cli.run("plan", "--config", config.toString()));

        assertThat(plan.stdout())
                .contains("# bridgewall plan: 0 bridge(s), host input managed, open ports [22/tcp, 443/tcp, 51820/udp]")
                .contains("#   containment by name: br-*, docker0, vmbr*, except vmbr0 (")
                .contains("#   isolation: strict (no container reaches another, on any network)");
        assertThat(section(plan.stdout(), "set blocked_v4")).contains("198.51.100.0/24").contains("10.0.0.0/8");
        assertThat(section(plan.stdout(), "set host_tcp_ports")).contains("22, 443");
        assertThat(section(plan.stdout(), "set host_udp_ports")).contains("51820");
    }

    @Test
    void blockedReplacesTheDefaultsAndExtraBlockedAddsToThem() throws Exception {
        Cli plan = succeeded(plan(file("blocked: [10.0.0.0/8, \"fd00::/8\"]\nextra-blocked: [203.0.113.0/24]\n"), "--no-docker"));

        assertThat(section(plan.stdout(), "set blocked_v4")).contains("10.0.0.0/8").contains("203.0.113.0/24")
                .doesNotContain("192.168.0.0/16").doesNotContain("169.254.0.0/16");
        assertThat(section(plan.stdout(), "set blocked_v6")).contains("fd00::/8").doesNotContain("fe80::/10");
    }

    @Test
    void isolationPerNetworkNameComesFromTheFileAndPlanSaysWhichApplies() throws Exception {
        String host = twoNetworks();
        Path config = file("""
                isolation:
                  default: strict
                  networks:
                    web: docker
                    later: strict
                """);

        Cli plan = succeeded(plan(config, "--docker-host", host));

        assertThat(plan.stdout()).contains("#   isolation of network later: strict (no such network now; holds when Docker reports it)")
                .contains("#   isolation of network web: docker\n")
                .contains("bridge " + WEB_BRIDGE + " [10.99.1.0/24] masquerade containers-talk")
                .contains("bridge " + ADMIN_BRIDGE + " [10.99.2.0/24] masquerade containers-isolated (isolation strict)");
        assertThat(section(plan.stdout(), "set icc_pairs")).contains("\"" + WEB_BRIDGE + "\" . \"" + WEB_BRIDGE + "\"")
                .doesNotContain(ADMIN_BRIDGE);

        Cli oneStrict = succeeded(plan(file("isolation:\n  networks:\n    admin: strict\n"), "--docker-host", host));
        assertThat(oneStrict.stdout())
                .contains("bridge " + ADMIN_BRIDGE + " [10.99.2.0/24] masquerade containers-isolated (isolation strict for network admin)")
                .contains("bridge " + WEB_BRIDGE + " [10.99.1.0/24] masquerade containers-talk");
    }

    @Test
    void optionsTypedWinOverTheFileAndAListOptionReplacesTheFilesList() throws Exception {
        Path config = file("""
                isolation:
                  default: strict
                  networks: {web: docker}
                host-input:
                  tcp: [443]
                contain: [vmbr*]
                uncontain: [vmbr0]
                docker:
                  timeout: 7
                """);

        Cli isolation = succeeded(plan(config, "--no-docker", "--isolation", "docker"));
        Cli ports = succeeded(plan(config, "--no-docker", "--allow-port", "2222"));
        Cli noInput = succeeded(plan(config, "--no-docker", "--no-input"));
        Cli contain = succeeded(plan(config, "--no-docker", "--contain", "br-*"));
        Cli off = succeeded(plan(config, "--no-docker", "--contain", "none"));

        assertThat(isolation.stdout()).contains("#   isolation: docker (").doesNotContain("isolation of network web");
        assertThat(ports.stdout()).contains("open ports [2222/tcp]");
        assertThat(noInput.stdout()).contains("host input left alone");
        // --contain (or --uncontain) typed takes both lists from the command line: vmbr0 means nothing against br-*.
        assertThat(contain.stdout()).contains("#   containment by name: br-* (");
        assertThat(off.stdout()).contains("#   containment by name: off");
    }

    @Test
    void theFilesDockerSettingsApplyUnlessDockerOptionsAreTyped() throws Exception {
        String host = twoNetworks();
        Path config = file("docker:\n  host: \"" + host + "\"\n  timeout: 7\n");

        Cli fromFile = succeeded(plan(config));
        Cli noDocker = succeeded(plan(config, "--no-docker"));

        assertThat(fromFile.stdout()).contains("# bridgewall plan: 2 bridge(s)");
        // The file's host does not turn into "--docker-host has no effect with --no-docker".
        assertThat(noDocker.stdout()).contains("# bridgewall plan: 0 bridge(s)");
    }

    @Test
    void watchReadsTheFileToo() throws Exception {
        Path config = file("docker:\n  enabled: false\n");
        Cli watch = Cli.run("watch", "--config", config.toString());

        assertThat(watch.exitCode()).as(watch.stderr()).isEqualTo(2);
        assertThat(watch.errorLine()).contains("'docker: {enabled: false}' in the config file").contains("apply --no-docker");
        assertBadInput(Cli.run("watch", "--config", file("isolation: loose\n").toString()),
                dir.resolve("bridgewall.yaml") + ":1: isolation: 'loose' is not one of strict, docker");
    }

    @Test
    void theFileMayOpenHostInputThatTheDefaultsKeepClosedAndCloseWhatTheyOpen() throws Exception {
        Cli closed = succeeded(plan(file("host-input:\n  tcp: []\n"), "--no-docker"));
        Cli unmanaged = succeeded(plan(file("host-input:\n  policy: unmanaged\n"), "--no-docker"));
        Cli typedOpensAgain = succeeded(plan(file("host-input:\n  policy: unmanaged\n"), "--no-docker", "--allow-port", "22"));

        assertThat(closed.stdout()).contains("host input managed, open ports []");
        assertThat(unmanaged.stdout()).contains("host input left alone");
        assertThat(typedOpensAgain.stdout()).contains("host input managed, open ports [22/tcp]");
    }

    @Test
    void aBadFileIsOneLineWithFileLineAndFieldAndExitTwo() throws Exception {
        Path config = file("isolation: strict\nhost-input:\n  tcp: [22, 70000]\n");
        assertBadInput(plan(config, "--no-docker"), config + ":3: host-input.tcp[1]: 70000 is out of range; use 1 to 65535");

        Path typo = file("isolaton: strict\n");
        assertBadInput(plan(typo, "--no-docker"), typo + ":1: unknown key 'isolaton'; did you mean 'isolation'?");

        Path cidr = file("extra-blocked:\n  - 198.51.100.0/24\n  - 10.0.0.1/8\n");
        assertBadInput(plan(cidr, "--no-docker"), cidr + ":3: extra-blocked[1]: 10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?");
    }

    @Test
    void aConfigFileThatIsNotThereIsAnErrorAndNoConfigGoesWithoutOne() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertBadInput(Cli.run("plan", "--no-docker", "--config", missing.toString()),
                missing + ":1: no such file; give an existing file or leave --config out");
        assertBadInput(Cli.run("plan", "--no-docker", "--no-config", "--config", file("").toString()),
                "--config has no effect with --no-config; drop one of them");
        succeeded(Cli.run("plan", "--no-docker", "--no-config"));
    }

    @Test
    void theFilesExceptionsSourceRangesAndLoggingAreEnforcedAndTheirErrorsNameTheirLine() throws Exception {
        Path allow = file("isolation: strict\nallow:\n  - 10.0.0.5:5432/tcp\n");
        assertThat(succeeded(plan(allow, "--no-docker", "--no-dns-exception")).stdout())
                .contains("ip daddr 10.0.0.5 tcp dport 5432 counter accept");
        Path badAllow = file("allow:\n  - 10.0.0.1/24:5432/tcp\n");
        assertThat(plan(badAllow, "--no-docker").errorLine()).startsWith("bridgewall: invalid input: " + badAllow + ":2: allow[0]: ");
        Path sources = file("host-input:\n  tcp:\n    - port: 22\n      from: [192.168.10.0/24]\n");
        assertThat(succeeded(plan(sources, "--no-docker", "--no-dns-exception")).stdout())
                .contains("ip saddr 192.168.10.0/24 tcp dport 22 counter accept");
        Path logging = file("logging:\n  enabled: true\n  rate: 5/minute\n");
        assertThat(succeeded(plan(logging, "--no-docker", "--no-dns-exception")).stdout())
                .contains("limit rate 5/minute").contains("log prefix \"bridgewall blocked: \"");
        // Switched off in the file: as the flags would, but never refused where a flag would be pointless.
        succeeded(plan(file("dns-exception: false\npublished-ports: false\nlogging:\n  enabled: false\nallow: []\n"),
                "--no-docker"));
    }

    private static String section(String plan, String opening) {
        int start = plan.indexOf(opening + " {");
        assertThat(start).as(opening + " in " + plan).isNotNegative();
        return plan.substring(start, plan.indexOf("\n\t}", start));
    }
}
