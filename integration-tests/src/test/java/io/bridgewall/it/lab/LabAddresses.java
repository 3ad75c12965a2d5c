package io.bridgewall.it.lab;

/**
 * The lab's fixed addresses. The "public" side uses documentation ranges only; private and
 * link-local addresses exist only on the lab's own namespaces. 172.31.200.0/24 stays clear of
 * 172.17/16 (docker0) and of the 172.18+ subnets dockerd picks for networks without --subnet.
 */
public final class LabAddresses {
    public static final String HOST_UPLINK = "203.0.113.2";
    public static final String PUB = "203.0.113.1";
    public static final String PUB_OTHER = "198.51.100.1";
    public static final String HOST_LAN = "192.168.50.1";
    public static final String LAN = "192.168.50.2";
    public static final String LAN_10 = "10.20.0.2";
    public static final String LAN_172 = "172.31.200.2";
    public static final String METADATA = "169.254.169.254";

    public static final String USER_SUBNET = "172.30.1.0/24";
    public static final String INTERNAL_SUBNET = "172.30.2.0/24";

    /** Every node's who-service port; the host's own services are on SSH_PORT and OTHER_PORT. */
    public static final int WHO_PORT = 80;
    public static final int SSH_PORT = 22;
    public static final int OTHER_PORT = 8080;

    private LabAddresses() {
    }
}
