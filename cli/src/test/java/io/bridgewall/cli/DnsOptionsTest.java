package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `plan` with the DNS exception: where resolvers come from, what is skipped, and bad input. Files stand for the host's. */
class DnsOptionsTest {
    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(List<String> args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exitCode = Main.run(new PrintWriter(stdout), new PrintWriter(stderr), args.toArray(String[]::new));
        return new Run(exitCode, stdout.toString(), stderr.toString());
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Run plan(Path resolvConf, String... more) {
        List<String> args = new ArrayList<>(List.of("plan", "--no-docker", "--resolv-conf", resolvConf.toString(),
                "--upstream-resolv-conf", dir.resolve("upstream.conf").toString(),
                "--docker-config", dir.resolve("daemon.json").toString()));
        args.addAll(List.of(more));
        return run(args);
    }

    private static List<String> lines(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).toList();
    }

    @Test
    void planListsEachResolverWithItsSourcesAndOpensPort53Only() throws IOException {
        Path resolv = file("resolv.conf", "nameserver 192.168.1.1\nnameserver 127.0.0.1\nnameserver fd00::53%eth0\n");
        file("daemon.json", "{\"dns\": [\"10.0.0.2\", \"192.168.1.1\"]}");

        Run plan = plan(resolv);

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stderr()).isEmpty();
        assertThat(lines(plan.stdout(), "dns resolver")).hasSize(3);
        assertThat(lines(plan.stdout(), "dns resolver 10.0.0.2")).singleElement().asString()
                .contains("dns in " + dir.resolve("daemon.json"));
        assertThat(lines(plan.stdout(), "dns resolver 192.168.1.1")).singleElement().asString()
                .contains(resolv.toString()).contains("dns in " + dir.resolve("daemon.json"));
        assertThat(lines(plan.stdout(), "dns resolver fd00::53")).hasSize(1);
        assertThat(plan.stdout()).contains("dns: 127.0.0.1 in " + resolv + " is a loopback address");
        // Every rule naming a resolver, in forward and input, is for port 53 only.
        List<String> rules = plan.stdout().lines().filter(l -> !l.startsWith("#"))
                .filter(l -> l.contains("10.0.0.2") || l.contains("192.168.1.1") || l.contains("fd00::53")).toList();
        assertThat(rules).isNotEmpty().allSatisfy(rule -> assertThat(rule).containsPattern("(udp|tcp) dport 53 "));
    }

    @Test
    void systemdResolvedsStubGivesWayToItsUpstreamList() throws IOException {
        Path stub = file("resolv.conf", "nameserver 127.0.0.53\noptions edns0 trust-ad\n");
        file("upstream.conf", "nameserver 10.10.0.2\n");

        Run plan = plan(stub);

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(lines(plan.stdout(), "dns resolver")).singleElement().asString().contains("10.10.0.2")
                .contains("systemd-resolved's upstream");
    }

    @Test
    void noDnsExceptionPlansNoResolverAndSaysSo() throws IOException {
        Run plan = run(List.of("plan", "--no-docker", "--no-dns-exception"));
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout()).contains("dns exception: off (--no-dns-exception)").doesNotContain("dns resolver")
                .doesNotContain("dport 53");
    }

    @Test
    void aHostileFileIsOneWarningAndThePlanStillComes() throws IOException {
        byte[] junk = new byte[200_000];
        new java.util.Random(11).nextBytes(junk);
        Path resolv = Files.write(dir.resolve("resolv.conf"), junk);
        file("daemon.json", "{\"dns\": [\"10.0.0.2\"");

        Run plan = plan(resolv);

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stderr().lines().toList()).hasSize(2).allSatisfy(line -> assertThat(line)
                .startsWith("bridgewall: warning: ").doesNotContain("\u001b").doesNotContain("\u0000"));
        assertThat(plan.stderr()).contains(resolv + ": is larger than 64 KiB").contains(dir.resolve("daemon.json")
                + ": it is not valid JSON");
        assertThat(plan.stdout()).doesNotContain("dns resolver");
    }

    @Test
    void dnsFilesAreCheckedAsInput() {
        Run empty = run(List.of("plan", "--no-docker", "--resolv-conf", ""));
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.stderr()).contains("--resolv-conf needs a file name");
        Run both = run(List.of("plan", "--no-docker", "--no-dns-exception", "--docker-config", "/etc/docker/daemon.json"));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr().strip()).isEqualTo("bridgewall: invalid input: --docker-config has no effect with "
                + "--no-dns-exception; drop one of them");
    }
}
