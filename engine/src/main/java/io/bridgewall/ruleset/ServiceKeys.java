package io.bridgewall.ruleset;

import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Ipv6Text;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Keys of the published-port sets: an optional host address, a transport protocol and a port,
 * concatenated the way the kernel keys them. Each part takes a whole number of 4-byte words:
 * the address as it is (4 or 16 bytes), the protocol number in one byte and three zero bytes,
 * the port in network order and two zero bytes. nft writes them {@code tcp . 8081} and
 * {@code 192.168.50.1 . tcp . 8081}.
 */
public final class ServiceKeys {
    static final int PROTOCOL_LENGTH = 4;
    static final int PORT_LENGTH = 4;
    /** The names nft prints for these protocol numbers (from /etc/protocols); others as numbers. */
    private static final Map<Integer, String> PROTOCOL_NAMES = Map.of(6, "tcp", 17, "udp", 132, "sctp", 1, "icmp",
            58, "ipv6-icmp");

    private ServiceKeys() {
    }

    /** The key of (address, protocol, port); {@code address} empty for the keys of any address. */
    public static ByteString key(byte[] address, int protocol, int port) {
        if (protocol < 0 || protocol > 255 || port < 0 || port > 65535) {
            throw new IllegalArgumentException("protocol " + protocol + " port " + port + " out of range");
        }
        byte[] key = new byte[address.length + PROTOCOL_LENGTH + PORT_LENGTH];
        System.arraycopy(address, 0, key, 0, address.length);
        key[address.length] = (byte) protocol;
        key[address.length + PROTOCOL_LENGTH] = (byte) (port >>> 8);
        key[address.length + PROTOCOL_LENGTH + 1] = (byte) port;
        return ByteString.of(key);
    }

    /** Where the set's key type puts an address first: its family, or empty for protocol and port alone. */
    static Optional<IpFamily> addressFamily(SetType type) {
        return switch (type) {
            case IPV4_PROTO_SERVICE -> Optional.of(IpFamily.IPV4);
            case IPV6_PROTO_SERVICE -> Optional.of(IpFamily.IPV6);
            default -> Optional.empty();
        };
    }

    /**
     * The element as nft writes it, or empty when it is a range or its padding is not zero
     * (such a key never matches a packet: the kernel zeroes the padding of the registers).
     */
    public static Optional<String> text(SetType type, SetElement element) {
        if (!element.isSingle()) {
            return Optional.empty();
        }
        byte[] key = element.first().toArray();
        int addressLength = addressFamily(type).map(IpFamily::byteLength).orElse(0);
        if (key.length != addressLength + PROTOCOL_LENGTH + PORT_LENGTH) {
            return Optional.empty();
        }
        int protocolAt = addressLength;
        int portAt = addressLength + PROTOCOL_LENGTH;
        if (key[protocolAt + 1] != 0 || key[protocolAt + 2] != 0 || key[protocolAt + 3] != 0
                || key[portAt + 2] != 0 || key[portAt + 3] != 0) {
            return Optional.empty();
        }
        int protocol = key[protocolAt] & 0xff;
        int port = (key[portAt] & 0xff) << 8 | key[portAt + 1] & 0xff;
        String service = PROTOCOL_NAMES.getOrDefault(protocol, Integer.toString(protocol)) + " . " + port;
        if (addressLength == 0) {
            return Optional.of(service);
        }
        byte[] address = Arrays.copyOfRange(key, 0, addressLength);
        return Optional.of(addressText(address) + " . " + service);
    }

    private static String addressText(byte[] address) {
        if (address.length == 16) {
            return Ipv6Text.compress(address);
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address", e);
        }
    }

    /** Whether the type is one of these keys. */
    public static boolean isServiceType(SetType type) {
        return type == SetType.PROTO_SERVICE || type == SetType.IPV4_PROTO_SERVICE || type == SetType.IPV6_PROTO_SERVICE;
    }
}
