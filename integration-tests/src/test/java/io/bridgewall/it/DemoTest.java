package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * `bridgewall demo`, the README's first command: proves the policy and leaves nothing behind.
 * Only what the demo owns is checked (the namespaces it names, a table of its name in this
 * machine's namespace), so other work on the machine, another demo included, cannot disturb it.
 */
class DemoTest {
    private static final String NAMESPACES_LINE = "  network namespaces: ";

    /** The namespaces a demo names in its output. */
    private static List<String> namedNamespaces(String line) {
        assertThat(line).as("the demo names its namespaces").startsWith(NAMESPACES_LINE);
        List<String> names = Arrays.asList(line.substring(NAMESPACES_LINE.length()).strip().split(" "));
        assertThat(names).hasSize(7).allMatch(name -> name.startsWith("bwdemo-"));
        return names;
    }

    private static Set<String> existing(List<String> namespaces) {
        Set<String> all = Shell.run("ip", "netns", "list").orThrow().stdout().lines()
                .map(line -> line.split(" ")[0]).collect(Collectors.toSet());
        return namespaces.stream().filter(all::contains).collect(Collectors.toSet());
    }

    /** Our table in this machine's own namespace, counters aside; "" when there is none (as here). */
    private static String machineTable() {
        Shell.Result table = Shell.run("nft", "list", "table", "inet", "bridgewall");
        return table.ok() ? table.stdout().replaceAll("counter packets \\d+ bytes \\d+", "counter") : "";
    }

    @Test
    void showsEveryProbeAsThePolicySaysAndLeavesNothingBehind() {
        Root.require();
        String machineTableBefore = machineTable();
        Shell.Result demo = Bridgewall.run("demo");
        System.out.println(demo.stdout());
        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        assertThat(demo.stdout())
                .contains("result: every probe behaves as the policy says")
                .containsPattern("container -> public host 203\\.0\\.113\\.1:80 +reach, seen as 203\\.0\\.113\\.2 +blocked +reach, seen as 203\\.0\\.113\\.2")
                .containsPattern("container -> LAN host 192\\.168\\.77\\.2:80 +blocked +reach, seen as 10\\.213\\.0\\.2 +blocked")
                // the exception: the same LAN host's database port, and only that
                .containsPattern("container -> LAN database \\(--allow\\) 192\\.168\\.77\\.2:5432 +reach +reach[^\\n]+ +reach")
                .containsPattern("container -> other container 10\\.213\\.0\\.3:80 +blocked +reach[^\\n]+ +blocked")
                // the compose-style network: its containers talk to each other, and only to each other
                .contains("compose network shop_default: containers web 10.213.1.2 and db 10.213.1.3 on bridge bwdemo1")
                .containsPattern("compose web -> db \\(same network\\) 10\\.213\\.1\\.3:5432 +reach, seen as 10\\.213\\.1\\.2 +reach, seen as 10\\.213\\.1\\.2 +reach, seen as 10\\.213\\.1\\.2")
                .containsPattern("compose web -> docker0 container 10\\.213\\.0\\.3:80 +blocked +reach[^\\n]+ +blocked")
                .containsPattern("container -> public host v6 \\[2001:db8:77::1\\]:80 +reach, seen as 2001:db8:77::2 +blocked +reach, seen as 2001:db8:77::2")
                .containsPattern("container -> LAN host v6 \\[fd77::2\\]:80 +blocked +reach, seen as fd00:213::2 +blocked")
                .containsPattern("container -> other container v6 \\[fd00:213::3\\]:80 +blocked +reach[^\\n]+ +blocked");
        String line = demo.stdout().lines().filter(l -> l.startsWith(NAMESPACES_LINE)).findFirst().orElse("");
        assertThat(existing(namedNamespaces(line))).as("the demo's namespaces left behind").isEmpty();
        assertThat(machineTable()).as("table inet bridgewall in this machine's own namespace").isEqualTo(machineTableBefore);
    }

    @Test
    void ctrlCRemovesTheLab() throws Exception {
        Root.require();
        Process demo = new ProcessBuilder("java", "-jar", Bridgewall.jar().toString(), "demo").redirectErrorStream(true).start();
        List<String> namespaces = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
                if (line != null && line.startsWith(NAMESPACES_LINE)) {
                    namespaces.addAll(namedNamespaces(line));
                }
            } while (line != null && !line.contains("containers 10.213.0.2"));
            assertThat(line).as("the demo built its lab").isNotNull();
            assertThat(existing(namespaces)).as("the lab while the demo runs").containsExactlyInAnyOrderElementsOf(namespaces);
            Shell.run("kill", "-INT", Long.toString(demo.pid())).orThrow();
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            demo.destroyForcibly();
        }
        assertThat(existing(namespaces)).as("the demo's namespaces left behind").isEmpty();
    }
}
