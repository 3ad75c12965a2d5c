package io.bridgewall.kernel;

import io.bridgewall.netlink.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether bridged frames (container to container on one bridge) pass the IP hooks, where our
 * forward chain can drop them. That is br_netfilter's per-namespace sysctl; without it the
 * ruleset loads fine but containers on the same bridge still reach each other.
 */
public final class BridgeNetfilter {
    private static final List<Path> SYSCTLS = List.of(
            Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables"),
            Path.of("/proc/sys/net/bridge/bridge-nf-call-ip6tables"));

    public enum State {
        ENABLED, DISABLED, MODULE_NOT_LOADED
    }

    private BridgeNetfilter() {
    }

    /** Reads the sysctls as seen from the namespace (/proc/sys/net follows the reading thread's namespace). */
    public static State state(Optional<String> netns) {
        return inside(netns, () -> {
            if (!Files.exists(SYSCTLS.get(0))) {
                return State.MODULE_NOT_LOADED;
            }
            for (Path sysctl : SYSCTLS) {
                if (Files.exists(sysctl) && !read(sysctl).equals("1")) {
                    return State.DISABLED;
                }
            }
            return State.ENABLED;
        });
    }

    /** Turns both sysctls on in the namespace; needs br_netfilter loaded. */
    public static State enable(Optional<String> netns) {
        inside(netns, () -> {
            for (Path sysctl : SYSCTLS) {
                if (Files.exists(sysctl)) {
                    try {
                        Files.writeString(sysctl, "1\n");
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + sysctl + " (needs root)", e);
                    }
                }
            }
            return null;
        });
        return state(netns);
    }

    /**
     * One line telling the user what is wrong and what to do in the namespace that was checked
     * (under --netns, a command for that namespace, never one that changes the host's); empty
     * when all is well.
     */
    public static String advice(State state, Optional<String> netns) {
        String where = netns.map(n -> " in network namespace " + n).orElse("");
        String inside = netns.map(n -> "ip netns exec " + n + " ").orElse("");
        return switch (state) {
            case ENABLED -> "";
            case DISABLED -> "containers on the same bridge are NOT isolated from each other: "
                    + "net.bridge.bridge-nf-call-iptables is off" + where + "; rerun with --enable-br-netfilter "
                    + "or run '" + inside + "sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1'";
            // The module is global; the sysctls it brings are per namespace, which the flag sets.
            case MODULE_NOT_LOADED -> "containers on the same bridge are NOT isolated from each other: "
                    + "br_netfilter is not loaded; run 'modprobe br_netfilter' and rerun with --enable-br-netfilter";
        };
    }

    private static <T> T inside(Optional<String> netns, Supplier<T> action) {
        return netns.isPresent() ? NetworkNamespace.callInside(netns.get(), action) : action.get();
    }

    private static String read(Path sysctl) {
        try {
            return Files.readString(sysctl).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sysctl, e);
        }
    }
}
