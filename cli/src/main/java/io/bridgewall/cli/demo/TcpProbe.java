package io.bridgewall.cli.demo;

import io.bridgewall.netlink.NetworkNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One TCP connection attempt from a lab namespace, bounded by a timeout. */
final class TcpProbe {
    static final int TIMEOUT_MILLIS = 1000;

    /** @param peerSeen the address the server saw, when the connection got through */
    record Outcome(boolean reached, Optional<String> peerSeen) {
        String describe() {
            return reached ? "reach" + peerSeen.map(p -> ", seen as " + p).orElse("") : "blocked";
        }
    }

    private TcpProbe() {
    }

    static Outcome connect(String fromNetns, String address, int port) {
        return NetworkNamespace.callInside(fromNetns, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String line = in.readLine();
                Optional<String> peer = line != null && line.startsWith("peer=") ? Optional.of(line.substring(5))
                        : Optional.empty();
                return new Outcome(true, peer);
            } catch (IOException e) {
                return new Outcome(false, Optional.empty());
            }
        });
    }
}
