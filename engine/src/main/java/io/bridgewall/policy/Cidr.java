package io.bridgewall.policy;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation, canonical (no host bits set). Parsing never
 * resolves names: only address literals are accepted.
 */
public record Cidr(InetAddress network, int prefixLength) implements Comparable<Cidr> {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Compiled once: a large host parses 10,000 subnets (String.matches compiles the pattern on every call). */
    private static final Pattern PREFIX_LENGTH = Pattern.compile("\\d{1,3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public Cidr {
        if (network == null) {
            throw new InvalidInputException("network address is missing");
        }
        IpFamily family = network instanceof Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6;
        if (prefixLength < 0 || prefixLength > family.bitLength()) {
            throw new InvalidInputException("prefix length /" + prefixLength + " is out of range for "
                    + text(network) + "; use 0 to " + family.bitLength());
        }
        BigInteger host = toUnsigned(network.getAddress()).and(hostMask(family, prefixLength));
        if (host.signum() != 0) {
            Cidr suggestion = new Cidr(fromUnsigned(toUnsigned(network.getAddress()).andNot(hostMask(family, prefixLength)), family),
                    prefixLength);
            throw new InvalidInputException(text(network) + "/" + prefixLength
                    + " has host bits set; did you mean " + suggestion + "?");
        }
    }

    /** Parses "a.b.c.d/n" or "x::y/n"; a bare address means a single host (/32 or /128). */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("empty network: give a CIDR such as 172.17.0.0/16");
        }
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address = parseAddress(addressPart, trimmed);
        IpFamily family = address instanceof Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6;
        int prefix = family.bitLength();
        if (slash >= 0) {
            String prefixPart = trimmed.substring(slash + 1);
            if (!PREFIX_LENGTH.matcher(prefixPart).matches()) {
                throw new InvalidInputException("'" + trimmed + "' has no valid prefix length; write it like 172.17.0.0/16");
            }
            prefix = Integer.parseInt(prefixPart);
        }
        return new Cidr(address, prefix);
    }

    private static InetAddress parseAddress(String address, String whole) {
        if (IPV4.matcher(address).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = address.split("\\.");
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                    throw new InvalidInputException("'" + whole + "' is not a valid IPv4 network: octet '"
                            + parts[i] + "' must be 0 to 255 without leading zeros");
                }
                bytes[i] = (byte) octet;
            }
            return byAddress(bytes, whole);
        }
        if (address.contains(":") && IPV6.matcher(address).matches()) {
            try {
                // Brackets make the JDK treat the text as an IPv6 literal and never ask DNS.
                InetAddress parsed = InetAddress.getByName("[" + address + "]");
                if (parsed instanceof Inet4Address) {
                    throw new InvalidInputException("'" + whole + "' is an IPv4-mapped address; write it as IPv4");
                }
                return parsed;
            } catch (UnknownHostException e) {
                throw new InvalidInputException("'" + whole + "' is not a valid IPv6 network");
            }
        }
        throw new InvalidInputException("'" + whole + "' is not an IP network; write it like 172.17.0.0/16 or fd00::/64");
    }

    public IpFamily family() {
        return network instanceof Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    /** First address of the network as an unsigned integer. */
    public BigInteger first() {
        return toUnsigned(network.getAddress());
    }

    /** Last address of the network (inclusive) as an unsigned integer. */
    public BigInteger last() {
        return first().or(hostMask(family(), prefixLength));
    }

    public boolean overlaps(Cidr other) {
        return family() == other.family()
                && first().compareTo(other.last()) <= 0
                && other.first().compareTo(last()) <= 0;
    }

    static BigInteger hostMask(IpFamily family, int prefixLength) {
        return BigInteger.ONE.shiftLeft(family.bitLength() - prefixLength).subtract(BigInteger.ONE);
    }

    public static BigInteger toUnsigned(byte[] bytes) {
        return new BigInteger(1, bytes);
    }

    /** The address with the given unsigned value, big-endian, in the family's byte length. */
    public static InetAddress fromUnsigned(BigInteger value, IpFamily family) {
        return byAddress(toBytes(value, family), value.toString());
    }

    /** Big-endian bytes of an address value, as the kernel stores it in a set key. */
    public static byte[] toBytes(BigInteger value, IpFamily family) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[family.byteLength()];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return out;
    }

    private static InetAddress byAddress(byte[] bytes, String context) {
        try {
            InetAddress address = InetAddress.getByAddress(bytes);
            if (bytes.length == 16 && !(address instanceof Inet6Address)) {
                throw new IllegalStateException("unexpected address kind for " + context);
            }
            return address;
        } catch (UnknownHostException e) {
            throw new InvalidInputException("'" + context + "' is not a valid address");
        }
    }

    @Override
    public int compareTo(Cidr other) {
        int byFamily = family().compareTo(other.family());
        if (byFamily != 0) {
            return byFamily;
        }
        int byFirst = first().compareTo(other.first());
        return byFirst != 0 ? byFirst : Integer.compare(prefixLength, other.prefixLength);
    }

    /** The address as users write it: dotted quad, or RFC 5952 compressed IPv6. */
    private static String text(InetAddress address) {
        return address instanceof Inet4Address ? address.getHostAddress() : Ipv6Text.compress(address.getAddress());
    }

    @Override
    public String toString() {
        return text(network) + "/" + prefixLength;
    }
}
