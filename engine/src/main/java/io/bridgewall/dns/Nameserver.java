package io.bridgewall.dns;

import io.bridgewall.policy.Ipv6Text;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A resolver containers use, with every place it was found ("/etc/resolv.conf", "dns in
 * /etc/docker/daemon.json", "container web's resolv.conf"): the plan says where each came from.
 */
public record Nameserver(InetAddress address, List<String> sources) {
    /** Sources listed by name before they are summarised: a host with 500 containers gets one line, not 500. */
    static final int SOURCES_SHOWN = 4;

    public Nameserver {
        if (address == null) {
            throw new IllegalArgumentException("nameserver address is missing");
        }
        sources = List.copyOf(sources);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The address as nft and users write it: dotted quad, or RFC 5952 IPv6 (never a zone id). */
    public String addressText() {
        return text(address);
    }

    /** "/etc/resolv.conf, container web's resolv.conf and 3 more". */
    public String describeSources() {
        if (sources.size() <= SOURCES_SHOWN) {
            return String.join(", ", sources);
        }
        List<String> shown = new ArrayList<>(sources.subList(0, SOURCES_SHOWN));
        return String.join(", ", shown) + " and " + (sources.size() - SOURCES_SHOWN) + " more";
    }

    static String text(InetAddress address) {
        return address instanceof Inet4Address ? address.getHostAddress() : Ipv6Text.compress(address.getAddress());
    }

    @Override
    public String toString() {
        return addressText() + " (" + describeSources() + ")";
    }
}
