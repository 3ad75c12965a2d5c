package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --bridges-file: the same lines --bridge takes, and one FILE:LINE error for anything else. */
class BridgesFileTest {
    @TempDir
    Path dir;

    private static BridgesFile.Contents parse(String text) {
        return BridgesFile.parse("bridges.txt", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String text) {
        return error(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(byte[] bytes) {
        try {
            BridgesFile.parse("bridges.txt", bytes);
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("expected the file to be refused");
    }

    @Test
    void readsOneBridgePerLineAsBridgeWouldWithCommentsAndBlankLinesSkipped() {
        BridgesFile.Contents contents = parse("""
                # bridges of the build farm
                docker0=172.17.0.0/16

                  br-web=10.1.0.0/24,fd00:1::/64   # web tier
                br-db=10.2.0.0/24\r
                """);

        assertThat(contents.bridges()).containsExactly(
                PolicyOptions.parseBridge("docker0=172.17.0.0/16"),
                PolicyOptions.parseBridge("br-web=10.1.0.0/24,fd00:1::/64"),
                PolicyOptions.parseBridge("br-db=10.2.0.0/24"));
        assertThat(contents.where(InterfaceName.of("br-db"))).isEqualTo("bridges.txt:5");
    }

    @Test
    void anEmptyFileGivesNoBridges() {
        assertThat(parse("").bridges()).isEmpty();
        assertThat(parse("# nothing yet\n\n").bridges()).isEmpty();
    }

    @Test
    void tenThousandBridgesKeepTheirOrder() {
        String text = IntStream.range(0, 10_000).mapToObj(i -> "bw" + i + "=10." + (i / 256) + "." + (i % 256) + ".0/24")
                .collect(Collectors.joining("\n"));

        List<Bridge> bridges = parse(text).bridges();

        assertThat(bridges).hasSize(10_000);
        assertThat(bridges.get(9_999).name().value()).isEqualTo("bw9999");
        assertThat(bridges.get(9_999).subnets()).containsExactly(Cidr.parse("10.39.15.0/24"));
    }

    @Test
    void aBadLineIsOneErrorNamingFileLineAndTheFix() {
        assertThat(error("docker0=172.17.0.0/16\nbr-web\n"))
                .isEqualTo("bridges.txt:2: 'br-web' must look like NAME=CIDR[,CIDR...], e.g. docker0=172.17.0.0/16");
        assertThat(error("br-web=10.1.0.0/33\n")).startsWith("bridges.txt:1: ").contains("/33");
        assertThat(error("this-name-is-far-too-long=10.1.0.0/24")).startsWith("bridges.txt:1: interface name")
                .contains("at most 15");
        assertThat(error("br-web=10.1.0.0/24,\n")).startsWith("bridges.txt:1: ");
        assertThat(error("br-web = 10.1.0.0/24")).isEqualTo("bridges.txt:1: 'br-web = 10.1.0.0/24' has a blank or "
                + "control character inside; write one NAME=CIDR[,CIDR...] per line, without spaces");
    }

    @Test
    void aBridgeListedTwiceIsRefusedNamingBothLines() {
        assertThat(error("br-a=10.1.0.0/24\nbr-b=10.2.0.0/24\nbr-a=10.3.0.0/24\n"))
                .isEqualTo("bridges.txt:3: bridge br-a is already given on line 1; give each bridge once "
                        + "(all its subnets on one line, comma-separated)");
    }

    @Test
    void controlCharactersAndNonUtf8AreRefusedWithoutEchoingThemRaw() {
        assertThat(error("br-a=10.1.0.0/24\u0000x")).isEqualTo("bridges.txt:1: 'br-a=10.1.0.0/24\\x00x' has a blank "
                + "or control character inside; write one NAME=CIDR[,CIDR...] per line, without spaces");
        assertThat(error(new byte[] {'b', 'r', '=', '1', '\n', (byte) 0xff, (byte) 0xfe}))
                .isEqualTo("bridges.txt:2: not UTF-8 text; write one NAME=CIDR[,CIDR...] per line in plain text");
    }

    @Test
    void sizeLineLengthAndLineCountAreBounded() {
        assertThat(error("br-a=" + "10.1.0.0/24,".repeat(400) + "10.1.0.0/24"))
                .isEqualTo("bridges.txt:1: line longer than 4096 characters; write one NAME=CIDR[,CIDR...] per line");
        assertThat(error("\n".repeat(BridgesFile.MAX_LINES + 1)))
                .startsWith("bridges.txt:" + (BridgesFile.MAX_LINES + 1) + ": more than " + BridgesFile.MAX_LINES + " lines");
        assertThat(error(new byte[BridgesFile.MAX_BYTES + 1])).isEqualTo("bridges.txt: larger than 64 MiB; this is "
                + "not a list of bridges (one NAME=CIDR[,CIDR...] per line)");
    }

    @Test
    void readsAFileOrStandardInputAndSaysWhatIsWrongWithThePath() throws Exception {
        Path file = dir.resolve("bridges");
        Files.writeString(file, "br-a=10.1.0.0/24\n");
        assertThat(BridgesFile.read(file.toString(), InputStream.nullInputStream()).bridges())
                .containsExactly(PolicyOptions.parseBridge("br-a=10.1.0.0/24"));

        InputStream stdin = new ByteArrayInputStream("br-b=10.2.0.0/24\nbr-c\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> BridgesFile.read("-", stdin)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("<stdin>:2: 'br-c' must look like NAME=CIDR");

        assertThatThrownBy(() -> BridgesFile.read(dir.resolve("missing").toString(), InputStream.nullInputStream()))
                .hasMessage("--bridges-file " + dir.resolve("missing") + " does not exist; give a file with one "
                        + "NAME=CIDR[,CIDR...] per line");
        assertThatThrownBy(() -> BridgesFile.read(dir.toString(), InputStream.nullInputStream()))
                .hasMessage("--bridges-file " + dir + " is a directory; give a file with one NAME=CIDR[,CIDR...] per line");
    }

    @Test
    void planTakesTheFileAndTheFlagsTogether() throws Exception {
        Path file = dir.resolve("bridges");
        Files.writeString(file, "bwfile0=10.91.0.0/24\nbwfile1=10.91.1.0/24\n");

        Cli cli = Cli.run("plan", "--no-config", "--no-docker", "--no-dns-exception", "--bridges-file", file.toString(),
                "--bridge", "bwflag0=10.92.0.0/24");

        assertThat(cli.exitCode()).as(cli.stderr()).isZero();
        assertThat(cli.stdout()).contains("\"bwfile0\"", "\"bwfile1\"", "\"bwflag0\"", "10.91.1.0/24", "10.92.0.0/24");
    }

    @Test
    void aBridgeInTheFileAndInAFlagIsRefusedAsABridgeGivenTwiceIs() throws Exception {
        Path file = dir.resolve("bridges");
        Files.writeString(file, "# farm\nbwfile0=10.91.0.0/24\n");

        Cli both = Cli.run("plan", "--no-config", "--no-docker", "--no-dns-exception", "--bridges-file", file.toString(),
                "--bridge", "bwfile0=10.92.0.0/24");
        Cli flagsTwice = Cli.run("plan", "--no-config", "--no-docker", "--no-dns-exception",
                "--bridge", "bwfile0=10.91.0.0/24", "--bridge", "bwfile0=10.92.0.0/24");

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errorLine()).isEqualTo("bridgewall: invalid input: " + file + ":2: bridge bwfile0 is also given with --bridge; "
                + "give each bridge once (drop one of them)");
        assertThat(both.stdout()).isEmpty();
        assertThat(flagsTwice.exitCode()).isEqualTo(2);
        assertThat(flagsTwice.errorLine()).contains("bridge bwfile0 is given twice");
    }

    @Test
    void aBadFileIsInputErrorTwoWithOneLine() throws Exception {
        Path file = dir.resolve("bridges");
        Files.writeString(file, "bwfile0=10.91.0.0/24\nbwfile1=10.91.1.0/99\n");

        Cli cli = Cli.run("plan", "--no-config", "--no-docker", "--no-dns-exception", "--bridges-file", file.toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errorLine()).startsWith("bridgewall: invalid input: " + file + ":2: ").contains("/99");
        assertThat(cli.stdout()).isEmpty();
    }
}
