package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With br_netfilter off in the namespace `apply --netns` works in, the warning's fix is a
 * command for that namespace: run as printed, it turns the sysctls on there and nowhere else.
 */
class BridgeNetfilterAdviceTest {
    private static final Path HOST_SYSCTL = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
    private static final Pattern QUOTED_COMMAND = Pattern.compile("run '([^']+)'");

    @Test
    void theWarningUnderNetnsNamesACommandForThatNamespace() throws Exception {
        Root.require();
        String hostBefore = Files.readString(HOST_SYSCTL);
        try (Netns netns = Netns.create("brnf")) {
            netns.exec("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0")
                    .orThrow();
            List<String> apply = List.of("apply", "--netns", netns.name(), "--no-docker", "--bridge", "docker0=172.17.0.0/16");

            Shell.Result warned = Bridgewall.run(List.of(), apply);

            assertThat(warned.exitCode()).as(warned.stderr()).isZero();
            assertThat(warned.stderr().lines()).hasSize(1);
            assertThat(warned.stderr()).startsWith("bridgewall: warning: containers on the same bridge are NOT isolated")
                    .contains("in network namespace " + netns.name())
                    .contains("'ip netns exec " + netns.name() + " sysctl -w net.bridge.bridge-nf-call-iptables=1 "
                            + "net.bridge.bridge-nf-call-ip6tables=1'");
            Matcher advised = QUOTED_COMMAND.matcher(warned.stderr());
            assertThat(advised.find()).isTrue();

            Shell.run(advised.group(1).split(" ")).orThrow();

            assertThat(netns.exec("sysctl", "-n", "net.bridge.bridge-nf-call-iptables").orThrow().stdout().strip())
                    .isEqualTo("1");
            Shell.Result quiet = Bridgewall.run(List.of(), apply);
            assertThat(quiet.exitCode()).isZero();
            assertThat(quiet.stderr()).as("no warning once the advice is followed").isEmpty();
        }
        assertThat(Files.readString(HOST_SYSCTL)).as("this machine's own sysctl").isEqualTo(hostBefore);
    }
}
