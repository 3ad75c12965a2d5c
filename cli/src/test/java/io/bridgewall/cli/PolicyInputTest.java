package io.bridgewall.cli;

import static io.bridgewall.docker.FakeDockerd.response;
import static io.bridgewall.docker.FakeDockerd.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.docker.FakeDockerd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `plan` makes of the policy's input: the options, and Docker's answer (a fake dockerd,
 * for answers a real one would not give). `plan` checks the bridges against the interfaces of
 * the namespace it runs in, read over rtnetlink: here the machine's own, read only; `lo`
 * exists everywhere, and names like br-0123456789ab never do.
 */
class PolicyInputTest {
    private static final String ID = "9c1b5e3d7a2f4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
    private static final String BRIDGE = "br-9c1b5e3d7a2f";

    @TempDir
    Path dir;
    private FakeDockerd fake;

    @AfterEach
    void stopFake() throws Exception {
        if (fake != null) {
            fake.close();
        }
    }

    record Run(int exitCode, String stdout, String stderr) {
    }

    /** Main.run with stdout and stderr captured. */
    private static Run run(String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exitCode = Main.run(new PrintWriter(stdout), new PrintWriter(stderr), args);
        return new Run(exitCode, stdout.toString(), stderr.toString());
    }

    /** A fake dockerd listing one network, described by the JSON fields given. */
    private String dockerListing(String fields) throws Exception {
        String networks = "[{\"Name\":\"web\",\"Id\":\"" + ID + "\"" + fields + "}]";
        fake = FakeDockerd.start(dir, (line, out) -> {
            write(out, line.startsWith("GET /_ping") ? response(200, "Api-Version: 1.41\r\n", "OK")
                    // no running containers: the DNS exception's container query finds nothing to read
                    : line.contains("/containers/json") ? response(200, "Content-Type: application/json\r\n", "[]")
                    : response(200, "Content-Type: application/json\r\n", networks));
            return true;
        });
        return fake.endpoint().toString();
    }

    private static void assertBadInput(Run run, String message) {
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
        assertThat(run.stderr().strip()).doesNotContain("\n").startsWith("bridgewall: ").contains(message);
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void containmentPatternsAreCheckedLikeInterfaceNames() {
        assertBadInput(run("plan", "--no-docker", "--contain", "*"), "--contain: interface pattern '*' matches every interface");
        assertBadInput(run("plan", "--no-docker", "--contain", "br*x"), "'*' is a wildcard only as the last character");
        assertBadInput(run("plan", "--no-docker", "--contain", "abcdefghijklmnop"), "is 16 bytes long");
        assertBadInput(run("plan", "--no-docker", "--contain", "br-\u001b[31m*"), "has invalid characters");
        assertBadInput(run("plan", "--no-docker", "--uncontain", "br lan"), "--uncontain: interface name 'br lan' has invalid characters");
    }

    @Test
    void containmentOffGoesWithNoPatternAndNoExemption() {
        assertBadInput(run("plan", "--no-docker", "--contain", "none", "--contain", "br-*"),
                "--contain none turns containment off; it cannot go with other --contain patterns");
        assertBadInput(run("plan", "--no-docker", "--contain", "none", "--uncontain", "br-lan"),
                "--uncontain has no effect with --contain none");
        assertBadInput(run("plan", "--no-docker", "--uncontain", "eth0"),
                "--uncontain eth0 has no effect: it matches no containment pattern (br-*, docker0)");
    }

    @Test
    void planShowsTheContainmentItHolds() {
        Run defaults = run("plan", "--no-docker");
        Run custom = run("plan", "--no-docker", "--contain", "vmbr*", "--contain", "br-*", "--uncontain", "vmbr0");
        Run off = run("plan", "--no-docker", "--contain", "none");

        assertThat(defaults.exitCode()).as(defaults.stderr()).isZero();
        assertThat(defaults.stdout()).contains("#   containment by name: br-*, docker0 (contained from the first packet")
                .contains("\t\t\t\"br-*\", # name pattern\n");
        assertThat(custom.stdout()).contains("#   containment by name: br-*, vmbr*, except vmbr0 (")
                .contains("\t\t\t\"vmbr0\" # not a container bridge\n");
        assertThat(off.stdout()).contains("#   containment by name: off (--contain none)")
                .contains("\tset contained {\n\t\ttype ifname\n\t\tflags interval\n\t}\n");
    }

    @Test
    void aDockerHostWithoutSchemeIsBadInput() {
        assertBadInput(run("plan", "--docker-host", "/var/run/docker.sock"),
                "--docker-host: '/var/run/docker.sock' has no scheme; write the socket as a URL: unix:///var/run/docker.sock");
    }

    @Test
    void aDefaultRouteAsBridgeSubnetIsBadInput() {
        assertBadInput(run("plan", "--no-docker", "--bridge", "docker0=0.0.0.0/0"),
                "subnet 0.0.0.0/0 of bridge docker0 is the default route");
        assertBadInput(run("plan", "--no-docker", "--bridge", "docker0=172.17.0.0/16,::/0"),
                "subnet ::/0 of bridge docker0 is the default route");
    }

    @Test
    void aHostInterfaceGivenAsBridgeIsBadInput() {
        assertBadInput(run("plan", "--no-docker", "--bridge", "lo=10.99.0.0/24"),
                "--bridge lo: lo is a device without a link kind (loopback or hardware) on this host, not a bridge");
    }

    @Test
    void aBridgeSubnetHoldingTheHostsOwnAddressIsBadInput() {
        assertBadInput(run("plan", "--no-docker", "--bridge", "br-0123456789ab=127.0.0.0/8"),
                "subnet 127.0.0.0/8 of bridge br-0123456789ab (given with --bridge) contains 127.0.0.1/8 of lo on this host");
    }

    @Test
    void dockerNamingAHostInterfaceAsItsBridgeIsBadInput() throws Exception {
        String host = dockerListing(",\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},"
                + "\"Options\":{\"com.docker.network.bridge.name\":\"lo\"}");

        assertBadInput(run("plan", "--docker-host", host),
                "docker network \"web\" (id 9c1b5e3d7a2f) names lo as its bridge, but lo is a device without a link kind");
    }

    @Test
    void anOverrideKeepsDockersEnableIccFalseAndPlanSaysSo() throws Exception {
        String host = dockerListing(",\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},"
                + "\"Options\":{\"com.docker.network.bridge.enable_icc\":\"false\"}");

        Run plan = run("plan", "--docker-host", host, "--bridge", BRIDGE + "=10.99.2.0/24", "--bridge", "br-extra=10.99.3.0/24");
        Run strict = run("plan", "--docker-host", host, "--bridge", "br-extra=10.99.3.0/24", "--isolation", "strict");

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout()).contains("bridge " + BRIDGE + " [10.99.2.0/24] masquerade containers-isolated (enable_icc=false)")
                .contains("bridge br-extra [10.99.3.0/24] masquerade containers-talk");
        assertThat(section(plan.stdout(), "set icc_pairs")).contains("\"br-extra\" . \"br-extra\"").doesNotContain(BRIDGE);
        assertThat(strict.exitCode()).as(strict.stderr()).isZero();
        assertThat(strict.stdout()).contains("isolation: strict").contains("br-extra [10.99.3.0/24] masquerade "
                + "containers-isolated (isolation strict)");
        assertThat(section(strict.stdout(), "set icc_pairs")).doesNotContain("br-extra");
    }

    @Test
    void anUnknownIsolationIsBadInput() throws Exception {
        assertBadInput(run("plan", "--no-docker", "--isolation", "loose"), "isolation 'loose' is not known; give strict or docker");
    }

    @Test
    void anOverrideOfAnInternalNetworkKeepsItInternalAndPlanSaysWhereEachPartCameFrom() throws Exception {
        String host = dockerListing(",\"Driver\":\"bridge\",\"Internal\":true,"
                + "\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},\"Options\":{}");

        Run plan = run("plan", "--docker-host", host, "--bridge", BRIDGE + "=10.99.2.0/24", "--bridge", "br-extra=10.99.3.0/24");

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout())
                .contains("bridge " + BRIDGE + " [10.99.2.0/24] internal no-masquerade containers-talk - docker network \"web\" (id "
                        + "9c1b5e3d7a2f), subnets given with --bridge (Docker has 10.99.1.0/24)")
                .contains("bridge br-extra [10.99.3.0/24] masquerade containers-talk - given with --bridge");
        // internal: in @internal_bridges, and its subnet is not masqueraded
        assertThat(section(plan.stdout(), "set internal_bridges")).contains("\"" + BRIDGE + "\"");
        assertThat(section(plan.stdout(), "set masquerade_nets_v4")).contains("10.99.3.0/24").doesNotContain("10.99.2.0/24");
    }

    @Test
    void anUnreadableEnableIccIsOneWarningAndThePlanGoesOn() throws Exception {
        String host = dockerListing(",\"Driver\":\"bridge\",\"EnableIPv6\":\"sometimes\","
                + "\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},"
                + "\"Options\":{\"com.docker.network.bridge.enable_icc\":\"perhaps\"}");

        Run plan = run("plan", "--docker-host", host);

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stderr().lines()).containsExactly(
                "bridgewall: warning: docker network \"web\" (id 9c1b5e3d7a2f) has option "
                        + "com.docker.network.bridge.enable_icc=\"perhaps\", which is not a boolean; bridgewall keeps its containers from reaching each other",
                "bridgewall: warning: docker network \"web\" (id 9c1b5e3d7a2f) has EnableIPv6=\"sometimes\", which is not "
                        + "true or false; bridgewall does not use it and goes on");
        assertThat(section(plan.stdout(), "set bridge_nets_v4")).contains("10.99.1.0/24");
    }

    @Test
    void aNetworkWithoutDriverIsNotTakenAsABridge() throws Exception {
        String host = dockerListing(",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},\"Options\":{}");

        Run plan = run("plan", "--docker-host", host);

        assertThat(plan.exitCode()).as(plan.stderr()).isEqualTo(1);
        assertThat(plan.stderr()).contains("Docker's network list lacks Driver in network #0");
        assertThat(plan.stdout()).isEmpty();
    }

    @Test
    void noPublishedPortsWhereThereIsNothingToTurnOffIsBadInput() {
        assertBadInput(run("plan", "--no-published-ports", "--no-input", "--no-docker"),
                "--no-published-ports has no effect with --no-input; drop one of them");
        assertBadInput(run("plan", "--no-published-ports", "--no-docker"),
                "--no-published-ports has no effect with --no-docker (published ports come from Docker); drop one of them");
    }

    @Test
    void aContainerListDockerCouldNotHaveWrittenIsWarnedAboutEscapedAndItsBadPortsStayClosed() throws Exception {
        // A real dockerd never lists a name with escape sequences, a port 70000 or an IP that is a network.
        String containers = "[{\"Id\":\"" + ID + "\",\"Names\":[\"/we\\u001b]0;owned\\u0007b\"],\"Ports\":["
                + "{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":70000,\"Type\":\"tcp\"},"
                + "{\"IP\":\"10.0.0.0/8\",\"PrivatePort\":80,\"PublicPort\":8082,\"Type\":\"tcp\"},"
                + "{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":8081,\"Type\":\"tcp\"}]}]";
        fake = FakeDockerd.start(dir, (line, out) -> {
            write(out, line.startsWith("GET /_ping") ? response(200, "Api-Version: 1.41\r\n", "OK")
                    : response(200, "Content-Type: application/json\r\n", line.contains("/containers/json") ? containers : "[]"));
            return true;
        });

        // DNS discovery's own look at the containers (it warns about them too) is not what this test is about.
        Cli plan = Cli.run("plan", "--docker-host", fake.endpoint().toString(), "--no-dns-exception");
        Cli off = Cli.run("plan", "--docker-host", fake.endpoint().toString(), "--no-published-ports", "--no-dns-exception");

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stderr().lines()).hasSize(2).allSatisfy(line -> assertThat(line)
                .startsWith("bridgewall: warning: container we?]0;owned?b (id 9c1b5e3d7a2f) publishes ")
                .endsWith("; bridgewall leaves it closed"));
        assertThat(plan.stderr().codePoints()).allSatisfy(c -> assertThat(c == '\n' || !TerminalText.isControl(c)).isTrue());
        assertThat(plan.stdout()).contains("#   published ports: 1, accepted for their protocol on the host address they "
                + "are published on\n#   published 8081/tcp on every IPv4 address - we?]0;owned?b (id 9c1b5e3d7a2f) port 80\n");
        assertThat(section(plan.stdout(), "set published_v4")).contains("tcp . 8081 # we?]0;owned?b (id 9c1b5e3d7a2f) port 80")
                .doesNotContain("70000");
        assertThat(section(plan.stdout(), "set published_addr_v4")).doesNotContain("elements");
        assertThat(off.exitCode()).as(off.stderr()).isZero();
        assertThat(off.stderr()).isEmpty();
        assertThat(off.stdout()).contains("#   published ports: not opened (--no-published-ports)");
        assertThat(section(off.stdout(), "set published_v4")).doesNotContain("elements");
    }

    /** The lines of one set or chain of the plan, from its opening line to its closing brace. */
    private static String section(String plan, String opening) {
        int start = plan.indexOf(opening + " {");
        assertThat(start).as(opening + " in " + plan).isNotNegative();
        return plan.substring(start, plan.indexOf("\n\t}", start));
    }

    @Test
    void badExceptionsAreOneLineNamingTheOption() {
        assertBadInput(run("plan", "--no-docker", "--allow", "10.0.0.5:0"), "--allow '10.0.0.5:0': port 0 is out of range");
        assertBadInput(run("plan", "--no-docker", "--allow", "10.0.0.1/24"),
                "--allow '10.0.0.1/24': 10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?");
        assertBadInput(run("plan", "--no-docker", "--allow", "::/0"), "--allow '::/0': ::/0 is every address");
        assertBadInput(run("plan", "--no-docker", "--allow", "10.0.0.5:90-80/tcp"),
                "--allow '10.0.0.5:90-80/tcp': port range 90-80 is reversed; write it as 80-90");
        assertBadInput(run("plan", "--no-docker", "--allow", "10.0.0.5", "--allow", "2001:db8::5:5432/tcp"),
                "--allow '2001:db8::5:5432/tcp': an IPv6 destination with a port or protocol goes in brackets");
        assertBadInput(run("plan", "--no-docker", "--allow-port", "22/tcp@"), "--allow-port '22/tcp@' names no source after '@'");
        assertBadInput(run("plan", "--no-docker", "--allow-port", "22", "--allow-port", "22/tcp@10.1.0.0/16"),
                "--allow-port host port 22/tcp is opened to everyone and also limited to [10.1.0.0/16]");
    }

    @Test
    void planListsTheExceptionsAndForWhomEachIs() throws Exception {
        String host = dockerListing(",\"Driver\":\"bridge\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.99.1.0/24\"}]},\"Options\":{}");

        Run plan = run("plan", "--docker-host", host, "--bridge", BRIDGE + "=10.99.2.0/24",
                "--allow", "10.0.0.5:5432/tcp", "--allow", "web=[fd00::5]:53", "--allow", "ghost,web=10.0.0.6");

        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout())
                .contains("#   exception 10.0.0.5:5432/tcp - --allow (every container)")
                .contains("#   exception web=[fd00::5]:53 - --allow (containers on " + BRIDGE + ")")
                .contains("#   exception ghost,web=10.0.0.6 - --allow (containers on " + BRIDGE + ")")
                .contains("iifname \"" + BRIDGE + "\" ip6 daddr fd00::5 udp dport 53 counter accept");
        assertThat(plan.stderr()).contains("warning: network 'ghost' of an exception is not a Docker network or bridge known "
                + "to Docker; that part allows nothing until the network exists");
    }

    @Test
    void planSaysWhenThePortsGivenCloseSsh() {
        Run closed = run("plan", "--no-docker", "--allow-port", "443");
        Run limited = run("plan", "--no-docker", "--allow-port", "443", "--allow-port", "22/tcp@10.1.0.0/16");

        assertThat(closed.stdout()).contains("open ports [443/tcp]")
                .contains("#   note: 22/tcp (SSH), open by default, is closed: the ports given replace the default; "
                        + "add --allow-port 22/tcp to keep it");
        assertThat(limited.stdout()).contains("open ports [443/tcp, 22/tcp from 10.1.0.0/16]").doesNotContain("note: 22/tcp")
                .contains("ip saddr 10.1.0.0/16 tcp dport 22 counter accept comment \"host port 22/tcp from 10.1.0.0/16\"");
        assertThat(run("plan", "--no-docker").stdout()).doesNotContain("note: 22/tcp");
    }
}
