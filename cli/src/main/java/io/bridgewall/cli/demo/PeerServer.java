package io.bridgewall.cli.demo;

import io.bridgewall.netlink.NetworkNamespace;
import io.bridgewall.policy.Ipv6Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP service inside a lab namespace that answers every connection with the address it
 * saw the connection come from, so a probe can tell whether it was masqueraded. The socket
 * is opened inside the namespace; a socket stays in its namespace whatever thread uses it.
 */
final class PeerServer implements AutoCloseable {
    private final ServerSocket socket;

    private PeerServer(ServerSocket socket) {
        this.socket = socket;
        Thread acceptor = new Thread(this::serve, "demo-server-" + socket.getLocalSocketAddress());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static PeerServer start(String netns, String address, int port) {
        ServerSocket socket = NetworkNamespace.callInside(netns, () -> {
            try {
                ServerSocket server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(address, port));
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + address + ":" + port + " in " + netns, e);
            }
        });
        return new PeerServer(socket);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                InetAddress address = ((InetSocketAddress) client.getRemoteSocketAddress()).getAddress();
                String peer = address instanceof Inet6Address ? Ipv6Text.compress(address.getAddress())
                        : address.getHostAddress();
                client.getOutputStream().write(("peer=" + peer + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed, or the client went away: keep serving until closed
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
