package io.bridgewall.policy;

/** The two address families a rule can match; the byte length is the kernel key length. */
public enum IpFamily {
    IPV4(4, 32),
    IPV6(16, 128);

    private final int byteLength;
    private final int bitLength;

    IpFamily(int byteLength, int bitLength) {
        this.byteLength = byteLength;
        this.bitLength = bitLength;
    }

    public int byteLength() {
        return byteLength;
    }

    public int bitLength() {
        return bitLength;
    }
}
