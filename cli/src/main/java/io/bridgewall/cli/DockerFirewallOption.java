package io.bridgewall.cli;

import io.bridgewall.kernel.HookedChain;
import io.bridgewall.kernel.KernelReader;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.policy.DockerFirewall;
import io.bridgewall.policy.InvalidInputException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code --docker-firewall auto|on|off}: whether Docker runs its own iptables rules here. auto
 * reads the target namespace's chains: Docker's (DOCKER, DOCKER-USER, ...) present means on.
 */
enum DockerFirewallOption {
    AUTO, ON, OFF;

    static DockerFirewallOption parse(String text) {
        return switch (text) {
            case "auto" -> AUTO;
            case "on" -> ON;
            case "off" -> OFF;
            default -> throw new InvalidInputException("--docker-firewall '" + text + "' is not known; give auto, on or off");
        };
    }

    /**
     * The mode for namespace {@code netns}. A ruleset that cannot be read (no privilege) fails a
     * command that needs the kernel anyway ({@code mustRead}: apply, watch), with the same one
     * line it would fail with a moment later; for plan it counts as off, with a warning.
     */
    DockerFirewall resolve(Optional<String> netns, boolean mustRead, Consumer<String> warn) {
        return switch (this) {
            case ON -> DockerFirewall.present("--docker-firewall on");
            case OFF -> DockerFirewall.absent("--docker-firewall off");
            case AUTO -> detect(netns, mustRead, warn);
        };
    }

    private static DockerFirewall detect(Optional<String> netns, boolean mustRead, Consumer<String> warn) {
        List<HookedChain> docker;
        try (NetlinkSocket socket = NetlinkSocket.open(netns)) {
            docker = HookedChain.dockerChains(KernelReader.allChains(socket));
        } catch (KernelException e) {
            if (mustRead) {
                throw e;
            }
            warn.accept("cannot read the ruleset to tell whether Docker's own firewall is on (" + e.getMessage()
                    + "); planning as if it were off: give --docker-firewall on or off to say which");
            return DockerFirewall.absent("could not read the ruleset");
        }
        if (docker.isEmpty()) {
            return DockerFirewall.absent("no DOCKER chains in the ruleset");
        }
        return DockerFirewall.present("chains " + String.join(", ", docker.stream().map(HookedChain::describe).distinct()
                .limit(3).toList()) + (docker.size() > 3 ? " and more" : ""));
    }
}
