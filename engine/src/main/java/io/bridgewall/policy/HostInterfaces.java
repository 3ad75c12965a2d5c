package io.bridgewall.policy;

import io.bridgewall.netlink.NamespaceInterfaces;
import io.bridgewall.netlink.RouteNetlink;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The interfaces of the network namespace a policy is for, as read from the kernel before
 * planning: which names are bridges, and which addresses the host itself uses. {@link #check}
 * refuses, purely, the bridges that would firewall the host's own interfaces or networks.
 *
 * @param interfaces every interface of the namespace
 * @param where      the namespace, for messages: "on this host", "in network namespace ns1"
 */
public record HostInterfaces(List<HostInterface> interfaces, String where) {
    /** The names dockerd gives bridges it creates: docker0, and br- with 12 hex digits of the network id. */
    static final Pattern DOCKER_BRIDGE_NAME = Pattern.compile("docker0|br-[0-9a-f]{12}");

    /**
     * One interface.
     *
     * @param kind the kernel's link kind (IFLA_INFO_KIND): "bridge", "veth", ...; "" for devices without one
     *             (loopback, physical NICs)
     */
    public record HostInterface(String name, String kind, List<InterfaceAddress> addresses) {
        public HostInterface {
            addresses = List.copyOf(addresses);
        }

        public boolean isBridge() {
            return kind.equals("bridge");
        }

        String describeKind() {
            return kind.isEmpty() ? "a device without a link kind (loopback or hardware)" : "a " + kind + " interface";
        }
    }

    /** An address configured on an interface, with its prefix as `ip addr` shows it. */
    public record InterfaceAddress(InetAddress address, int prefixLength) {
        public IpFamily family() {
            return address instanceof Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6;
        }

        String addressText() {
            return address instanceof Inet4Address ? address.getHostAddress() : Ipv6Text.compress(address.getAddress());
        }

        @Override
        public String toString() {
            return addressText() + "/" + prefixLength;
        }
    }

    public HostInterfaces {
        interfaces = List.copyOf(interfaces);
    }

    /** The interfaces as rtnetlink reported them, each with its addresses. */
    public static HostInterfaces from(NamespaceInterfaces read, String where) {
        Map<Integer, List<InterfaceAddress>> byIndex = new HashMap<>();
        for (RouteNetlink.Address address : read.addresses()) {
            byIndex.computeIfAbsent(address.interfaceIndex(), i -> new ArrayList<>())
                    .add(new InterfaceAddress(address.address(), address.prefixLength()));
        }
        return new HostInterfaces(read.links().stream()
                .map(link -> new HostInterface(link.name(), link.kind(), byIndex.getOrDefault(link.index(), List.of())))
                .toList(), where);
    }

    public Optional<HostInterface> find(String name) {
        return Optional.ofNullable(byName().get(name));
    }

    /** Interface names are unique in a namespace; the map makes checking n bridges O(n), not O(n * interfaces). */
    private Map<String, HostInterface> byName() {
        Map<String, HostInterface> byName = new HashMap<>();
        interfaces.forEach(i -> byName.putIfAbsent(i.name(), i));
        return byName;
    }

    /**
     * Refuses, with one line naming the bridge, where it came from and what to do:
     * <ul>
     * <li>a bridge name that is an interface of another kind (eth0, lo, a veth): dropping its
     *     traffic as a container bridge would cut the host off;</li>
     * <li>a name Docker reported that does not exist and is not one dockerd would create
     *     (docker0, br-&lt;12 hex&gt;): a name given with --bridge may exist later;</li>
     * <li>a subnet holding an address of the host's own interfaces, other than the policy's
     *     bridges (the gateway address of each bridge is in its own subnet by design).</li>
     * </ul>
     * Linear in bridges and addresses, apart from sorting the host's addresses.
     */
    public void check(List<Bridge> bridges) {
        Map<String, HostInterface> byName = byName();
        for (Bridge bridge : bridges) {
            checkName(bridge, Optional.ofNullable(byName.get(bridge.name().value())));
        }
        checkSubnets(bridges);
    }

    private void checkName(Bridge bridge, Optional<HostInterface> existing) {
        String name = bridge.name().value();
        Optional<BridgeOrigin.Docker> docker = bridge.origin().dockerNetwork();
        if (existing.isPresent() && !existing.get().isBridge()) {
            String what = existing.get().describeKind() + " " + where + ", not a bridge";
            if (docker.isPresent()) {
                throw new InvalidInputException(docker.get().describe() + " names " + name + " as its bridge, but "
                        + name + " is " + what + "; remove the network (docker network rm " + docker.get().network()
                        + ") or recreate it with a bridge name of its own");
            }
            throw new InvalidInputException("--bridge " + name + ": " + name + " is " + what
                    + "; give the name of a bridge (ip -br link show type bridge)");
        }
        if (existing.isEmpty() && docker.isPresent() && !DOCKER_BRIDGE_NAME.matcher(name).matches()) {
            throw new InvalidInputException(docker.get().describe() + " names " + name + " as its bridge, which does "
                    + "not exist " + where + " and is not a name dockerd gives its bridges (docker0, br-<12 hex digits>); "
                    + "run bridgewall where dockerd's bridges are (--netns), or check the network's "
                    + "com.docker.network.bridge.name");
        }
    }

    private void checkSubnets(List<Bridge> bridges) {
        Set<String> bridgeNames = new HashSet<>();
        bridges.forEach(b -> bridgeNames.add(b.name().value()));
        record Owned(BigInteger value, InterfaceAddress address, String owner) {
        }
        Map<IpFamily, List<Owned>> hostAddresses = new EnumMap<>(IpFamily.class);
        for (HostInterface host : interfaces) {
            if (bridgeNames.contains(host.name())) {
                continue;
            }
            for (InterfaceAddress address : host.addresses()) {
                hostAddresses.computeIfAbsent(address.family(), f -> new ArrayList<>())
                        .add(new Owned(Cidr.toUnsigned(address.address().getAddress()), address, host.name()));
            }
        }
        hostAddresses.values().forEach(list -> list.sort(Comparator.comparing(Owned::value)));
        for (Bridge bridge : bridges) {
            for (Cidr subnet : bridge.subnets()) {
                List<Owned> sorted = hostAddresses.getOrDefault(subnet.family(), List.of());
                int at = firstAtOrAfter(sorted, subnet.first(), Owned::value);
                if (at < sorted.size() && sorted.get(at).value().compareTo(subnet.last()) <= 0) {
                    Owned hit = sorted.get(at);
                    String origin = bridge.origin().describe();
                    throw new InvalidInputException("subnet " + subnet + " of bridge " + bridge.name()
                            + (origin.isEmpty() ? "" : " (" + origin + ")") + " contains " + hit.address()
                            + " of " + hit.owner() + " " + where + "; give the bridge a subnet the host does not use");
                }
            }
        }
    }

    private static <T> int firstAtOrAfter(List<T> sorted, BigInteger value, java.util.function.Function<T, BigInteger> key) {
        int low = 0;
        int high = sorted.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (key.apply(sorted.get(middle)).compareTo(value) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
