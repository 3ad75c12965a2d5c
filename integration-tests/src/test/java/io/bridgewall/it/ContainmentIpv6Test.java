package io.bridgewall.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.cli.demo.NamespaceLab;
import io.bridgewall.it.support.Bridgewall;
import io.bridgewall.it.support.Root;
import io.bridgewall.it.support.Shell;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Containment over IPv6, with no Docker and no subnet known: a bridge named br-* in the host
 * namespace, a "container" namespace behind it with a ULA address, a public host with no route
 * back to that ULA (it only answers masqueraded traffic), and an outside host that routes the
 * container's subnet through the host (it would reach the container if nothing stopped it).
 * ICMPv6 echo is the probe: a new "connection" like any other to conntrack.
 */
@Timeout(120)
class ContainmentIpv6Test {
    private static final String CONTAINER = "fd00:55::2";
    private static final String PUB = "2001:db8:77::1";
    private static final String OUTSIDE_ULA = "fd77::2";

    @Test
    void aBridgeNobodyNamedIsContainedAndMasqueradedOverIpv6() {
        Root.require();
        try (NamespaceLab lab = NamespaceLab.create("bw-c6")) {
            String host = lab.add("host");
            String container = lab.add("ctr");
            String pub = lab.add("pub");
            String outside = lab.add("out");
            lab.ip(host, "link", "add", "br-0123456789ab", "type", "bridge");
            lab.veth(host, "vethc", container, "eth0");
            lab.ip(host, "link", "set", "vethc", "master", "br-0123456789ab", "up");
            lab.ip(host, "addr", "add", "fd00:55::1/64", "dev", "br-0123456789ab");
            lab.ip(host, "link", "set", "br-0123456789ab", "up");
            lab.ip(container, "addr", "add", CONTAINER + "/64", "dev", "eth0");
            lab.ip(container, "link", "set", "eth0", "up");
            lab.ip(container, "-6", "route", "add", "default", "via", "fd00:55::1");

            lab.veth(host, "uplink", pub, "uplink");
            lab.ip(host, "addr", "add", "2001:db8:77::2/64", "dev", "uplink");
            lab.ip(host, "link", "set", "uplink", "up");
            lab.ip(pub, "addr", "add", PUB + "/64", "dev", "uplink");
            lab.ip(pub, "link", "set", "uplink", "up");
            lab.ip(host, "-6", "route", "add", "default", "via", PUB);

            lab.veth(host, "lan0", outside, "lan0");
            lab.ip(host, "addr", "add", "fd77::1/64", "dev", "lan0");
            lab.ip(host, "link", "set", "lan0", "up");
            lab.ip(outside, "addr", "add", OUTSIDE_ULA + "/64", "dev", "lan0");
            lab.ip(outside, "link", "set", "lan0", "up");
            lab.ip(outside, "-6", "route", "add", "fd00:55::/64", "via", "fd77::1");
            lab.sysctl(host, "net.ipv6.conf.all.forwarding=1");

            // The control: without containment the outside reaches the container, the container the outside.
            apply(host, "--contain", "none");
            assertThat(ping(outside, CONTAINER)).as("outside -> container, not contained").isTrue();
            assertThat(ping(container, OUTSIDE_ULA)).as("container -> outside ULA, not contained").isTrue();
            assertThat(ping(container, PUB)).as("container -> pub, no masquerade, no answer").isFalse();

            apply(host);
            assertThat(ping(outside, CONTAINER)).as("outside -> container").isFalse();
            assertThat(ping(container, OUTSIDE_ULA)).as("container -> outside ULA").isFalse();
            assertThat(ping(container, PUB)).as("container -> pub, masqueraded by interface").isTrue();
        }
    }

    private static void apply(String netns, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("apply", "--no-docker", "--netns", netns));
        args.addAll(List.of(extra));
        Shell.Result result = Bridgewall.run(List.of(), args);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    /** One echo request, answered within a second or not at all. */
    private static boolean ping(String netns, String address) {
        return Shell.inNetns(netns, "busybox", "ping", "-6", "-c", "1", "-W", "1", address).ok();
    }
}
