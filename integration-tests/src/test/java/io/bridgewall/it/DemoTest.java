package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** `bridgewall demo`, the README's first command: proves the policy and leaves nothing behind. */
class DemoTest {
    private static String demoNamespaces() {
        return Shell.run("ip", "netns", "list").orThrow().stdout().lines()
                .filter(l -> l.startsWith("bwdemo-")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void showsEveryProbeAsThePolicySaysAndLeavesNothingBehind() {
        Root.require();
        String before = Shell.run("nft", "list", "tables").stdout();
        Shell.Result demo = Bridgewall.run("demo");
        System.out.println(demo.stdout());
        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        assertThat(demo.stdout())
                .contains("result: every probe behaves as the policy says")
                .containsPattern("container -> public host 203\\.0\\.113\\.1:80 +reach, seen as 203\\.0\\.113\\.2 +blocked +reach, seen as 203\\.0\\.113\\.2")
                .containsPattern("container -> LAN host 192\\.168\\.77\\.2:80 +blocked +reach, seen as 10\\.213\\.0\\.2 +blocked")
                .containsPattern("container -> other container 10\\.213\\.0\\.3:80 +blocked +reach[^\\n]+ +blocked")
                .containsPattern("container -> public host v6 \\[2001:db8:77::1\\]:80 +reach, seen as 2001:db8:77::2 +blocked +reach, seen as 2001:db8:77::2")
                .containsPattern("container -> LAN host v6 \\[fd77::2\\]:80 +blocked +reach, seen as fd00:213::2 +blocked")
                .containsPattern("container -> other container v6 \\[fd00:213::3\\]:80 +blocked +reach[^\\n]+ +blocked");
        assertThat(demoNamespaces()).isEmpty();
        assertThat(Shell.run("nft", "list", "tables").stdout()).as("the machine's own ruleset").isEqualTo(before);
    }

    @Test
    void ctrlCRemovesTheLab() throws Exception {
        Root.require();
        Process demo = new ProcessBuilder("java", "-jar", Bridgewall.jar().toString(), "demo").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.contains("containers 10.213.0.2"));
            assertThat(line).as("the demo built its lab").isNotNull();
            assertThat(demoNamespaces()).isNotEmpty();
            Shell.run("kill", "-INT", Long.toString(demo.pid())).orThrow();
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            demo.destroyForcibly();
        }
        assertThat(demoNamespaces()).isEmpty();
    }
}
