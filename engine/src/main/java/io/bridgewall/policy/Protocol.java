package io.bridgewall.policy;

/** Transport protocols a host port can be opened for. */
public enum Protocol {
    TCP, UDP;

    public String nftName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
