package io.bridgewall.it.lab;

import io.bridgewall.it.support.Netns;
import io.bridgewall.it.support.Shell;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts TCP packets to one port as they arrive in a far-end lab namespace (the LAN host),
 * before anything there can drop them: an independent, packet-level witness that nothing got
 * through the docker host, however short the window. Never loaded into the docker host.
 */
final class ArrivalCounter {
    private static final String TABLE = "bw_arrivals";
    private static final Pattern PACKETS = Pattern.compile("counter packets (\\d+)");

    private final Netns netns;

    private ArrivalCounter(Netns netns) {
        this.netns = netns;
    }

    static ArrivalCounter install(Netns netns, int port) {
        // the first counter is the one read; the others and the set say what arrived, from where
        String ruleset = "table inet " + TABLE + " {\n"
                + "  set seen { type ipv4_addr . inet_service; flags dynamic; size 4096; }\n"
                + "  chain arrivals { type filter hook prerouting priority raw - 10; policy accept;\n"
                + "    tcp dport " + port + " counter\n"
                + "    tcp dport " + port + " tcp flags & (syn | ack) == syn counter comment \"syn\"\n"
                + "    tcp dport " + port + " tcp flags & rst == rst counter comment \"rst\"\n"
                + "    tcp dport " + port + " tcp flags & (syn | rst) == 0 counter comment \"other\"\n"
                + "    tcp dport " + port + " add @seen { ip saddr . tcp sport }\n"
                + "  }\n"
                + "}\n";
        Shell.run(Shell.DEFAULT_TIMEOUT, ruleset, List.of("ip", "netns", "exec", netns.name(), "nft", "-f", "-")).orThrow();
        return new ArrivalCounter(netns);
    }

    long packets() {
        String listing = listing();
        Matcher m = PACKETS.matcher(listing);
        if (!m.find()) {
            throw new AssertionError("no counter in " + listing);
        }
        return Long.parseLong(m.group(1));
    }

    /** The whole table: counters by TCP flags and the source address and port of each arrival. */
    String listing() {
        return netns.exec("nft", "list", "table", "inet", TABLE).orThrow().stdout();
    }

    /** Forgets the sources seen so far, so a listing shows only what came after. */
    void forgetSources() {
        netns.exec("nft", "flush", "set", "inet", TABLE, "seen").orThrow();
    }
}
