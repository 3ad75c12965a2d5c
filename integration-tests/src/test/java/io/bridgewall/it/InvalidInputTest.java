package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.BadInput;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is refused with one line that says what is wrong, exit status 2, and the kernel
 * exactly as it was: same `nft list ruleset` text, and not a single new generation.
 */
class InvalidInputTest {
    private static Netns netns;

    @BeforeAll
    static void installAPolicyToProtect() {
        Root.require();
        netns = Netns.create("invalid");
        Shell.Result applied = Bridgewall.run("apply", "--no-docker", "--netns", netns.name(), "--bridge", "docker0=172.17.0.0/16");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    }

    @AfterAll
    static void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("not a CIDR", List.of("--bridge", "docker0=172.17.0.0.0/16"), "not an IP network"),
                Arguments.of("IPv4 prefix over 32", List.of("--bridge", "docker0=172.17.0.0/33"), "out of range"),
                Arguments.of("IPv6 prefix over 128", List.of("--bridge", "docker0=fd00::/129"), "out of range"),
                Arguments.of("host bits set", List.of("--bridge", "docker0=172.17.0.1/16"), "did you mean 172.17.0.0/16"),
                Arguments.of("interface name of 16 bytes", List.of("--bridge", "br-0123456789abc=10.1.0.0/24"), "at most 15"),
                Arguments.of("quote in interface name", List.of("--bridge", "br\"x=10.1.0.0/24"), "invalid characters"),
                Arguments.of("no subnet", List.of("--bridge", "docker0"), "NAME=CIDR"),
                Arguments.of("duplicate bridge", List.of("--bridge", "docker0=172.17.0.0/16", "--bridge", "docker0=10.1.0.0/24"),
                        "given twice"),
                Arguments.of("overlapping bridges", List.of("--bridge", "a=10.1.0.0/16", "--bridge", "b=10.1.2.0/24"), "overlaps"),
                Arguments.of("port out of range", List.of("--allow-port", "70000"), "out of range"),
                Arguments.of("unknown protocol", List.of("--allow-port", "22/sctp"), "use tcp or udp"),
                Arguments.of("unknown option", List.of("--bridgee", "docker0=172.17.0.0/16"), "Unknown option"),
                Arguments.of("missing namespace", List.of("--netns-override"), "Unknown option"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void isRefusedWithOneLineAndLeavesTheKernelAsItWas(String what, List<String> options, String expectedMessage) {
        List<String> args = new ArrayList<>(List.of("apply", "--no-docker", "--netns", netns.name()));
        args.addAll(options);
        BadInput.assertRefused(netns, args, what, expectedMessage);
    }

    static Stream<Arguments> badConfigFiles() {
        String laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nblocked: *c\n";
        return Stream.of(
                Arguments.of("unknown key", "isolaton: strict\n".getBytes(), ":1: unknown key 'isolaton'; did you mean 'isolation'?"),
                Arguments.of("bad CIDR", "extra-blocked:\n  - 10.0.0.0/8\n  - 10.0.0.1/8\n".getBytes(),
                        ":3: extra-blocked[1]: 10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?"),
                Arguments.of("wrong type", "host-input:\n  tcp: 22\n".getBytes(), ":2: host-input.tcp: expected a list"),
                Arguments.of("billion laughs", laughs.getBytes(), ":1: anchor '&a': anchors and aliases are not supported"),
                Arguments.of("binary junk", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, (byte) 0xff}, ":1: not UTF-8 text (byte 0xff)"),
                Arguments.of("duplicate key", "isolation: strict\nisolation: docker\n".getBytes(),
                        ":2: key 'isolation' is given twice (first at line 1)"));
    }

    @ParameterizedTest(name = "config file: {0}")
    @MethodSource("badConfigFiles")
    void aBadConfigFileIsRefusedWithItsLineAndLeavesTheKernelAsItWas(String what, byte[] contents, String expected)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("bridgewall-bad", ".yaml");
        try {
            java.nio.file.Files.write(file, contents);
            isRefusedWithOneLineAndLeavesTheKernelAsItWas(what, List.of("--config", file.toString()), file + expected);
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aConfigFileThatDoesNotExistIsBadInput() {
        isRefusedWithOneLineAndLeavesTheKernelAsItWas("missing config file", List.of("--config", "/nonexistent/bridgewall.yaml"),
                "/nonexistent/bridgewall.yaml:1: no such file; give an existing file or leave --config out");
    }

    @Test
    void aNamespaceThatDoesNotExistIsBadInput() {
        Shell.Result result = Bridgewall.run("apply", "--no-docker", "--netns", "bw-does-not-exist", "--bridge", "docker0=172.17.0.0/16");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("network namespace 'bw-does-not-exist' does not exist").contains("ip netns add");
    }

    @Test
    void withoutPrivilegesApplyFailsAtRunTimeSayingWhatItNeeds() {
        String before = NftRuleset.text(netns);
        // Enter the test namespace as root, then drop to nobody: the apply targets that namespace only.
        Shell.Result result = Bridgewall.run(
                List.of("ip", "netns", "exec", netns.name(), "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                List.of("apply", "--no-docker", "--bridge", "docker0=172.17.0.0/16"));
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stderr()).contains("needs root or CAP_NET_ADMIN");
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }

    @Test
    void aMissingLibnftnlIsOneLineNamingThePackage() {
        String library = Shell.run("sh", "-c", "readlink -f $(ldconfig -p | awk '/libnftnl.so.11 / {print $NF; exit}')")
                .orThrow().stdout().strip();
        assertThat(library).as("libnftnl is installed here").isNotEmpty();
        String before = NftRuleset.text(netns);
        // Hide the library in a private mount namespace only this command lives in.
        Shell.Result result = Shell.run(Shell.DEFAULT_TIMEOUT, null, List.of("unshare", "--mount", "sh", "-c",
                "mount --bind /dev/null " + library + " && exec java -jar " + Bridgewall.jar()
                        + " apply --no-docker --netns " + netns.name() + " --bridge docker0=172.17.0.0/16"));
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stderr().strip()).doesNotContain("\n")
                .contains("libnftnl.so.11 not found: apt-get install libnftnl11");
        assertThat(NftRuleset.text(netns)).isEqualTo(before);
    }
}
