package io.bridgewall.kernel;

import io.bridgewall.netlink.NetworkNamespace;
import io.bridgewall.policy.Policy;
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
                        // The reason, not a guess: EACCES as non-root, EROFS where /proc/sys is read-only (containers).
                        String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                                ? f.getReason() : e.getClass().getSimpleName();
                        throw new UncheckedIOException("cannot write " + sysctl + ": " + reason, e);
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

    /**
     * The policy's bridges whose containers must not reach each other: docker0, networks with
     * enable_icc=false, every bridge under strict isolation. Frames between two of their ports
     * are bridged, and only br_netfilter sends them through the forward chain that drops them.
     */
    public static List<String> isolatedBridges(Policy policy) {
        return policy.bridges().stream().filter(bridge -> !policy.containersTalk(bridge))
                .map(bridge -> bridge.name().value()).toList();
    }

    /**
     * Whether the policy holds only with br_netfilter on: it isolates a bridge, or it contains
     * bridges it does not know yet (isolated until the next apply names them).
     */
    public static boolean reliedOnBy(Policy policy) {
        return !policy.containment().isOff() || !isolatedBridges(policy).isEmpty();
    }

    /**
     * The one line apply exits with when br_netfilter is off and the policy relies on it:
     * what would not hold, and the three ways on (turn it on, let apply turn it on, or accept it).
     */
    public static String refusal(State state, Policy policy, Optional<String> netns) {
        List<String> isolated = isolatedBridges(policy);
        String what = isolated.isEmpty() ? "containers on bridges not named yet"
                : "containers on " + isolated.get(0) + (isolated.size() > 1 ? " (and " + (isolated.size() - 1)
                        + " more isolated bridges)" : "");
        String where = netns.map(n -> " in network namespace " + n).orElse("");
        String inside = netns.map(n -> "ip netns exec " + n + " ").orElse("");
        String fix = switch (state) {
            case ENABLED -> throw new IllegalArgumentException("br_netfilter is on: nothing to refuse");
            case DISABLED -> "net.bridge.bridge-nf-call-iptables is off" + where + ", so " + what
                    + " would reach each other despite the policy; rerun with --enable-br-netfilter, or run '" + inside
                    + "sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1'";
            case MODULE_NOT_LOADED -> "br_netfilter is not loaded, so " + what + " would reach each other despite "
                    + "the policy; run 'modprobe br_netfilter' and rerun with --enable-br-netfilter";
        };
        return "not applied: " + fix + " (or --allow-no-br-netfilter to apply without it); nothing was changed";
    }

    /**
     * The one line for --enable-br-netfilter failing after the commit: the policy is in force,
     * same-bridge isolation is not, and the command that finishes the job.
     */
    public static String enableFailed(String reason, Optional<String> netns) {
        String inside = netns.map(n -> "ip netns exec " + n + " ").orElse("");
        return "the policy is committed, but br_netfilter could not be turned on (" + reason + "), so containers on the "
                + "same bridge are NOT isolated from each other: run 'modprobe br_netfilter' if it is not loaded, then '"
                + inside + "sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1'";
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
