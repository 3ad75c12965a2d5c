package io.bridgewall.ruleset;

/** nftables address families (NFPROTO_*) bridgewall uses. */
public enum Family {
    INET(1, "inet"),
    IPV4(2, "ip"),
    IPV6(10, "ip6");

    private final int code;
    private final String nftName;

    Family(int code, String nftName) {
        this.code = code;
        this.nftName = nftName;
    }

    public int code() {
        return code;
    }

    public String nftName() {
        return nftName;
    }

    /** nft's name for any NFPROTO_* number, ours or another table's (arp, netdev, bridge). */
    public static String nameOf(int code) {
        return switch (code) {
            case 1 -> "inet";
            case 2 -> "ip";
            case 3 -> "arp";
            case 5 -> "netdev";
            case 7 -> "bridge";
            case 10 -> "ip6";
            default -> "family " + code;
        };
    }
}
