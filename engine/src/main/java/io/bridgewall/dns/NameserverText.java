package io.bridgewall.dns;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InvalidInputException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/** One nameserver as written in resolv.conf or daemon.json: an address literal, never a name to resolve. */
final class NameserverText {
    /** systemd-resolved's stub listener: the real resolvers are in its upstream list. */
    static final String SYSTEMD_STUB = "127.0.0.53";
    /** Docker's embedded DNS inside user-network containers: it forwards to the daemon's resolvers. */
    static final String DOCKER_EMBEDDED = "127.0.0.11";

    private NameserverText() {
    }

    /**
     * The address in {@code text}, its IPv6 zone id dropped ("fe80::1%eth0": the kernel's rules
     * match addresses, and a container reaches a link-local resolver through the host's routing,
     * not a zone of its own); empty when it is no address literal.
     */
    static Optional<InetAddress> parse(String text) {
        String address = text;
        int zone = address.indexOf('%');
        if (zone >= 0) {
            String zoneId = address.substring(zone + 1);
            // An interface name or index; anything else is not a zone id.
            if (!address.contains(":") || !zoneId.matches("[A-Za-z0-9_.@+-]{1,15}")) {
                return Optional.empty();
            }
            address = address.substring(0, zone);
        }
        if (address.isEmpty() || address.length() > 45 || address.contains("/")) {
            return Optional.empty();
        }
        try {
            InetAddress parsed = Cidr.parse(address).network();
            return Optional.of(parsed);
        } catch (InvalidInputException notAnAddress) {
            return Optional.empty();
        }
    }

    static boolean isHostLocal(InetAddress address) {
        return address.isLoopbackAddress()
                || (address instanceof Inet6Address && address.isAnyLocalAddress())
                || (address instanceof Inet4Address && address.isAnyLocalAddress());
    }
}
