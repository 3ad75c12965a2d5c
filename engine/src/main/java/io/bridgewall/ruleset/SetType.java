package io.bridgewall.ruleset;

import java.util.Arrays;
import java.util.Optional;

/** Set key types: nft's datatype id (what `nft list` uses to print) and the kernel key length. */
public enum SetType {
    IFNAME(41, 16, "ifname", true),
    /**
     * Two interface names concatenated ({@code ifname . ifname}): nft's id for a concatenation
     * is the parts' ids, each shifted by 6 bits (TYPE_BITS), and each part is padded to 4 bytes.
     */
    IFNAME_PAIR(41 << 6 | 41, 32, "ifname . ifname", true),
    IPV4_ADDR(7, 4, "ipv4_addr", false),
    IPV6_ADDR(8, 16, "ipv6_addr", false),
    INET_SERVICE(13, 2, "inet_service", false),
    /**
     * Published ports ({@code inet_proto . inet_service}): each part padded to 4 bytes, as in
     * every concatenation. Keys are written in network order part by part; nft prints each part
     * with its own type, so the byte order in the userdata does not change the listing.
     */
    PROTO_SERVICE(12 << 6 | 13, 8, "inet_proto . inet_service", false),
    /** Published ports on one host address ({@code ipv4_addr . inet_proto . inet_service}). */
    IPV4_PROTO_SERVICE(7 << 12 | 12 << 6 | 13, 12, "ipv4_addr . inet_proto . inet_service", false),
    /** Published ports on one host address ({@code ipv6_addr . inet_proto . inet_service}). */
    IPV6_PROTO_SERVICE(8 << 12 | 12 << 6 | 13, 24, "ipv6_addr . inet_proto . inet_service", false),
    ICMPV6_TYPE(29, 1, "icmpv6_type", false);

    private final int datatype;
    private final int keyLength;
    private final String nftName;
    private final boolean hostByteOrder;

    SetType(int datatype, int keyLength, String nftName, boolean hostByteOrder) {
        this.datatype = datatype;
        this.keyLength = keyLength;
        this.nftName = nftName;
        this.hostByteOrder = hostByteOrder;
    }

    /**
     * Whether keys are in host byte order (strings) rather than network order. The kernel
     * does not care, but nft reads it from the set's userdata to print the elements.
     */
    public boolean hostByteOrder() {
        return hostByteOrder;
    }

    public int datatype() {
        return datatype;
    }

    public int keyLength() {
        return keyLength;
    }

    public String nftName() {
        return nftName;
    }

    public static Optional<SetType> byDatatype(int datatype) {
        return Arrays.stream(values()).filter(t -> t.datatype == datatype).findFirst();
    }
}
