package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.BadInput;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.NftMonitor;
import io.bridgewall.it.support.NftRuleset;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --bridges-file}: thousands of bridges in one option, into a namespace of the test's own,
 * checked with {@code nft -j list ruleset}; a bad file is one line, exit 2, and the kernel exactly
 * as it was (same ruleset text, no new generation).
 */
class BridgesFileApplyTest {
    private static final String TABLE = "bridgewall";
    private Netns netns;
    private Path file;

    @BeforeEach
    void createNamespace() throws IOException {
        Root.require();
        netns = Netns.create("bfile");
        file = Files.createTempFile("bridgewall-bridges", ".txt");
    }

    @AfterEach
    void deleteNamespace() throws IOException {
        if (netns != null) {
            netns.close();
        }
        Files.deleteIfExists(file);
    }

    /** Network i: bw<i> on a /24 not adjacent to its neighbours, as bench/run.sh lays them out. */
    private static String line(int i) {
        return "bw" + i + "=10." + (i / 128) + "." + ((i % 128) * 2) + ".0/24";
    }

    @Test
    void tenThousandBridgesFromAFileCommitAsOneTransaction() throws IOException {
        Files.writeString(file, "# a large host\n" + IntStream.range(0, 10_000).mapToObj(BridgesFileApplyTest::line)
                .collect(Collectors.joining("\n")) + "\n");
        Shell.Result result;
        int generations;
        try (NftMonitor monitor = NftMonitor.startCountingGenerations(netns)) {
            result = Bridgewall.run("apply", "--no-config", "--no-docker", "--no-dns-exception", "--netns", netns.name(),
                    "--bridges-file", file.toString(), "--bridge", "docker0=172.17.0.0/16");
            generations = monitor.generationsSinceStart();
        }
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(generations).isEqualTo(1);
        NftRuleset kernel = NftRuleset.of(netns);
        assertThat(kernel.elements(TABLE, "bridges")).hasSize(10_001).contains("docker0", "bw0", "bw9999");
        assertThat(kernel.elements(TABLE, "bridge_nets_v4")).hasSize(10_001)
                .contains("172.17.0.0/16", "10.0.0.0/24", "10.78.30.0/24");
        assertThat(kernel.rules(TABLE)).hasSize(25);
    }

    @Test
    void standardInputServesAsTheFile() {
        Shell.Result result = Shell.run(Shell.DEFAULT_TIMEOUT, null, List.of("sh", "-c",
                "printf 'bw0=10.0.0.0/24\\nbw1=10.0.2.0/24\\n' | " + Bridgewall.launcher() + " apply --no-config --no-docker "
                        + "--no-dns-exception --netns " + netns.name() + " --bridges-file -"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(NftRuleset.of(netns).elements(TABLE, "bridges")).containsExactlyInAnyOrder("bw0", "bw1");
    }

    static Stream<Arguments> badFiles() {
        String many = IntStream.range(0, 5_000).mapToObj(BridgesFileApplyTest::line).collect(Collectors.joining("\n"));
        return Stream.of(
                Arguments.of("no subnet on the 5,002nd line", (many + "\nbw-late\n").getBytes(StandardCharsets.UTF_8),
                        List.of(), ":5001: 'bw-late' must look like NAME=CIDR[,CIDR...]"),
                Arguments.of("host bits set", "# x\nbw0=10.0.0.1/24\n".getBytes(StandardCharsets.UTF_8), List.of(),
                        ":2: 10.0.0.1/24 has host bits set"),
                Arguments.of("a bridge twice", "bw0=10.0.0.0/24\n\nbw0=10.0.2.0/24\n".getBytes(StandardCharsets.UTF_8),
                        List.of(), ":3: bridge bw0 is already given on line 1; give each bridge once"),
                Arguments.of("also given with --bridge", "bw0=10.0.0.0/24\n".getBytes(StandardCharsets.UTF_8),
                        List.of("--bridge", "bw0=10.0.0.0/24"), ":1: bridge bw0 is also given with --bridge"),
                Arguments.of("binary junk", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, (byte) 0xff}, List.of(),
                        ":1: not UTF-8 text"),
                Arguments.of("overlapping subnets", "bw0=10.0.0.0/16\nbw1=10.0.2.0/24\n".getBytes(StandardCharsets.UTF_8),
                        List.of(), "overlaps"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void aBadFileIsOneLineAndLeavesTheKernelAsItWas(String what, byte[] contents, List<String> more, String expected)
            throws IOException {
        Shell.Result installed = Bridgewall.run("apply", "--no-config", "--no-docker", "--no-dns-exception", "--netns",
                netns.name(), "--bridge", "docker0=172.17.0.0/16");
        assertThat(installed.exitCode()).as(installed.stderr()).isZero();
        Files.write(file, contents);

        List<String> args = new ArrayList<>(List.of("apply", "--no-config", "--no-docker", "--netns", netns.name(),
                "--bridges-file", file.toString()));
        args.addAll(more);
        BadInput.assertRefused(netns, args, what, expected.startsWith(":") ? file + expected : expected);
    }

    @Test
    void aFileThatDoesNotExistIsBadInput() {
        Shell.Result result = Bridgewall.run("apply", "--no-config", "--no-docker", "--netns", netns.name(),
                "--bridges-file", "/nonexistent/bridges.txt");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).doesNotContain("\n").contains("--bridges-file /nonexistent/bridges.txt does not exist");
        assertThat(NftRuleset.text(netns)).isEmpty();
    }
}
