package io.bridgewall.netlink;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every interface of a network namespace with its kind, and every IPv4 and IPv6 address, read
 * over rtnetlink (RTM_GETLINK and RTM_GETADDR dumps) in that namespace. Reading needs no
 * privilege in the caller's own namespace; entering a named one needs root.
 *
 * @param links     one per interface
 * @param addresses one per address, tied to its link by interface index
 */
public record NamespaceInterfaces(List<RouteNetlink.Link> links, List<RouteNetlink.Address> addresses) {
    private static final int DUMP_ATTEMPTS = 5;

    public NamespaceInterfaces {
        links = List.copyOf(links);
        addresses = List.copyOf(addresses);
    }

    /** Reads the interfaces of the named namespace, or of the caller's when none is named. */
    public static NamespaceInterfaces read(Optional<String> netns) {
        try (NetlinkSocket socket = NetlinkSocket.open(netns, Netlink.NETLINK_ROUTE)) {
            return read(socket);
        }
    }

    static NamespaceInterfaces read(NetlinkSocket socket) {
        List<RouteNetlink.Link> links = dump(socket, RouteNetlink::linkDumpRequest, RouteNetlink::parseLink,
                "listing the network interfaces");
        List<RouteNetlink.Address> addresses = dump(socket, RouteNetlink::addressDumpRequest,
                RouteNetlink::parseAddress, "listing the interface addresses");
        return new NamespaceInterfaces(links, addresses);
    }

    private static <T> List<T> dump(NetlinkSocket socket, java.util.function.IntFunction<byte[]> request,
                                    Function<byte[], Optional<T>> parse, String operation) {
        for (int attempt = 1; ; attempt++) {
            byte[] bytes = request.apply(socket.allocateSequence());
            MessageBuffer buffer = new MessageBuffer(bytes.length);
            buffer.reserve().put(0, bytes, 0, bytes.length);
            buffer.commit();
            List<T> out = new ArrayList<>();
            try {
                socket.request(buffer, operation, message -> {
                    byte[] copy = new byte[message.length()];
                    message.header().get(0, copy, 0, copy.length);
                    parse.apply(copy).ifPresent(out::add);
                });
                return out;
            } catch (DumpInterruptedException e) {
                // Interfaces come and go while Docker creates networks and containers: dump again.
                if (attempt == DUMP_ATTEMPTS) {
                    throw new KernelException(4 /* EINTR */, operation, "the interfaces kept changing during "
                            + DUMP_ATTEMPTS + " dumps; try again");
                }
            }
        }
    }
}
