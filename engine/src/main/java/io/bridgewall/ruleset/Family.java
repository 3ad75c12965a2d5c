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
}
