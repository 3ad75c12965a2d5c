package io.bridgewall.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * rtnetlink (NETLINK_ROUTE) dump requests for a namespace's interfaces and addresses, and
 * parsers for the answers, in pure Java on byte arrays: every length is checked against the
 * bytes really there, so captured kernel answers are enough to test them. Numbers from
 * linux/rtnetlink.h, linux/if_link.h and linux/if_addr.h; netlink is in host byte order.
 */
public final class RouteNetlink {

    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_GETADDR = 22;

    /** struct ifinfomsg: family, pad, type, index, flags, change. */
    static final int IFINFOMSG_LENGTH = 16;
    /** struct ifaddrmsg: family, prefixlen, flags, scope, index. */
    static final int IFADDRMSG_LENGTH = 8;

    static final int IFLA_IFNAME = 3;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_EXT_MASK = 29;
    static final int IFLA_INFO_KIND = 1;
    /** Leave out the statistics: they are most of a link message and we never read them. */
    static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    /** Attribute type bits; the top two are the nested and byte-order flags. */
    private static final int NLA_TYPE_MASK = 0x3fff;
    private static final int NLA_HDRLEN = 4;
    private static final int IFNAMSIZ = 16;

    private RouteNetlink() {
    }

    /** A network interface as RTM_NEWLINK describes it; {@code kind} is "" for devices without one (lo, physical). */
    public record Link(int index, String name, String kind) {
    }

    /** An address of an interface, as RTM_NEWADDR describes it. */
    public record Address(int interfaceIndex, InetAddress address, int prefixLength) {
    }

    /** RTM_GETLINK with NLM_F_DUMP: every interface of the namespace, without statistics. */
    public static byte[] linkDumpRequest(int sequence) {
        ByteBuffer message = header(Netlink.NLMSG_HDRLEN + IFINFOMSG_LENGTH + 8, RTM_GETLINK, sequence);
        message.put((byte) AF_UNSPEC).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
        message.putShort((short) 8).putShort((short) IFLA_EXT_MASK).putInt(RTEXT_FILTER_SKIP_STATS);
        return message.array();
    }

    /** RTM_GETADDR with NLM_F_DUMP: every IPv4 and IPv6 address of the namespace. */
    public static byte[] addressDumpRequest(int sequence) {
        ByteBuffer message = header(Netlink.NLMSG_HDRLEN + IFADDRMSG_LENGTH, RTM_GETADDR, sequence);
        message.put((byte) AF_UNSPEC).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        return message.array();
    }

    private static ByteBuffer header(int length, int type, int sequence) {
        ByteBuffer message = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        message.putInt(length).putShort((short) type).putShort((short) (Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP))
                .putInt(sequence).putInt(0);
        return message;
    }

    /** The link in one whole netlink message, or empty if it is not an RTM_NEWLINK. */
    public static Optional<Link> parseLink(byte[] message) {
        ByteBuffer in = message(message);
        if ((in.getShort(4) & 0xffff) != RTM_NEWLINK) {
            return Optional.empty();
        }
        require(in, Netlink.NLMSG_HDRLEN + IFINFOMSG_LENGTH, "an RTM_NEWLINK message");
        int index = in.getInt(Netlink.NLMSG_HDRLEN + 4);
        String name = null;
        String kind = "";
        for (Attribute attribute : attributes(in, Netlink.NLMSG_HDRLEN + IFINFOMSG_LENGTH, in.limit())) {
            if (attribute.type() == IFLA_IFNAME) {
                name = string(in, attribute, IFNAMSIZ);
            } else if (attribute.type() == IFLA_LINKINFO) {
                for (Attribute info : attributes(in, attribute.valueOffset(), attribute.end())) {
                    if (info.type() == IFLA_INFO_KIND) {
                        kind = string(in, info, 64);
                    }
                }
            }
        }
        if (name == null) {
            throw malformed("RTM_NEWLINK for interface index " + index + " has no IFLA_IFNAME");
        }
        return Optional.of(new Link(index, name, kind));
    }

    /** The IPv4 or IPv6 address in one whole netlink message, or empty if it is neither or not an RTM_NEWADDR. */
    public static Optional<Address> parseAddress(byte[] message) {
        ByteBuffer in = message(message);
        if ((in.getShort(4) & 0xffff) != RTM_NEWADDR) {
            return Optional.empty();
        }
        require(in, Netlink.NLMSG_HDRLEN + IFADDRMSG_LENGTH, "an RTM_NEWADDR message");
        int family = in.get(Netlink.NLMSG_HDRLEN) & 0xff;
        int prefixLength = in.get(Netlink.NLMSG_HDRLEN + 1) & 0xff;
        int index = in.getInt(Netlink.NLMSG_HDRLEN + 4);
        int length = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
        if (length == 0) {
            return Optional.empty();
        }
        byte[] address = null;
        byte[] local = null;
        for (Attribute attribute : attributes(in, Netlink.NLMSG_HDRLEN + IFADDRMSG_LENGTH, in.limit())) {
            if (attribute.type() == IFA_ADDRESS || attribute.type() == IFA_LOCAL) {
                if (attribute.valueLength() != length) {
                    throw malformed("address attribute of " + attribute.valueLength() + " bytes for family " + family);
                }
                byte[] value = new byte[length];
                in.get(attribute.valueOffset(), value);
                if (attribute.type() == IFA_LOCAL) {
                    local = value;
                } else {
                    address = value;
                }
            }
        }
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on point-to-point links.
        byte[] own = local != null ? local : address;
        if (own == null) {
            throw malformed("RTM_NEWADDR for interface index " + index + " carries no address");
        }
        int bits = length * 8;
        if (prefixLength > bits) {
            throw malformed("prefix length " + prefixLength + " for a " + bits + "-bit address");
        }
        try {
            return Optional.of(new Address(index, InetAddress.getByAddress(own), prefixLength));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private record Attribute(int type, int valueOffset, int valueLength) {
        int end() {
            return valueOffset + valueLength;
        }
    }

    private static java.util.List<Attribute> attributes(ByteBuffer in, int from, int to) {
        java.util.List<Attribute> out = new java.util.ArrayList<>();
        int offset = from;
        while (offset + NLA_HDRLEN <= to) {
            int length = in.getShort(offset) & 0xffff;
            if (length < NLA_HDRLEN || offset + length > to) {
                throw malformed("attribute of " + length + " bytes at offset " + offset + " overruns its message of " + to);
            }
            out.add(new Attribute(in.getShort(offset + 2) & NLA_TYPE_MASK, offset + NLA_HDRLEN, length - NLA_HDRLEN));
            offset += (length + 3) & ~3;
        }
        return out;
    }

    /** A NUL-terminated string attribute of at most {@code max} bytes, terminator included. */
    private static String string(ByteBuffer in, Attribute attribute, int max) {
        int end = 0;
        while (end < attribute.valueLength() && in.get(attribute.valueOffset() + end) != 0) {
            end++;
        }
        if (end == attribute.valueLength() || end + 1 > max) {
            throw malformed("string attribute " + attribute.type() + " is unterminated or longer than " + (max - 1) + " bytes");
        }
        byte[] text = new byte[end];
        in.get(attribute.valueOffset(), text);
        return new String(text, StandardCharsets.UTF_8);
    }

    private static ByteBuffer message(byte[] message) {
        ByteBuffer in = ByteBuffer.wrap(message).order(ByteOrder.nativeOrder());
        require(in, Netlink.NLMSG_HDRLEN, "a netlink header");
        int length = in.getInt(0);
        if (length < Netlink.NLMSG_HDRLEN || length > message.length) {
            throw malformed("message claims " + Integer.toUnsignedString(length) + " bytes with " + message.length + " given");
        }
        return in.limit(length);
    }

    private static void require(ByteBuffer in, int bytes, String what) {
        if (in.limit() < bytes) {
            throw malformed(in.limit() + " bytes are too short for " + what);
        }
    }

    private static KernelException malformed(String detail) {
        return new KernelException(71 /* EPROTO */, "reading the network interfaces", detail);
    }
}
