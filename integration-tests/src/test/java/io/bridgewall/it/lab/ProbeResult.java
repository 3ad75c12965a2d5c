package io.bridgewall.it.lab;

import java.util.Optional;

/**
 * What one probe observed: whether the who-service answered, the peer address it reported
 * (the source after NAT), and a short reason when it did not answer.
 */
public record ProbeResult(boolean reached, Optional<String> peer, String detail) {
    private static final String PEER = "peer=";

    /** Reads the who-service's reply (headers and all) or the client's failure. */
    public static ProbeResult parse(int exitCode, String stdout, String stderr) {
        int at = stdout.indexOf(PEER);
        if (at >= 0) {
            String peer = stdout.substring(at + PEER.length()).strip().split("\\s+")[0];
            return new ProbeResult(true, Optional.of(plainIpv4(peer)), "ok");
        }
        String why = stderr.contains("timed out") || exitCode == 124 || exitCode == 143 ? "timeout"
                : stderr.contains("refused") ? "refused"
                : stderr.contains("unreachable") ? "unreachable"
                : "exit " + exitCode;
        return new ProbeResult(false, Optional.empty(), why);
    }

    /** busybox httpd in a container listens on an IPv6 socket and reports [::ffff:a.b.c.d]. */
    private static String plainIpv4(String peer) {
        String bare = peer.startsWith("[") && peer.endsWith("]") ? peer.substring(1, peer.length() - 1) : peer;
        return bare.startsWith("::ffff:") ? bare.substring("::ffff:".length()) : bare;
    }

    /** One table cell: {@code reach 203.0.113.2} or {@code blocked (timeout)}. */
    public String cell() {
        return reached ? "reach " + peer.orElse("?") : "blocked (" + detail + ")";
    }
}
