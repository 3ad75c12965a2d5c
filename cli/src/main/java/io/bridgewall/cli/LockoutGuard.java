package io.bridgewall.cli;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Protocol;
import java.net.InetAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Refuses a host-input policy that would drop the SSH session the command runs in: with input
 * managed, new connections to the server port are dropped unless the policy allows that port
 * over tcp for the client's address. The session itself would live on (established
 * connections are accepted), but the next login would not get in.
 *
 * <p>The check looks at sshd's view only ({@code SSH_CONNECTION}), whatever {@code --netns}
 * says: bridgewall cannot tell which namespace sshd listens in, so it errs on the side of
 * the admin.
 */
final class LockoutGuard {
    private LockoutGuard() {
    }

    /**
     * Whether the planned input policy accepts a new tcp connection from {@code client} to
     * {@code port}. This is the one place to teach about per-port source ranges.
     */
    static boolean admits(HostInput planned, InetAddress client, int port) {
        Port ssh = new Port(port, Protocol.TCP);
        if (!planned.managed() || planned.allowedPorts().contains(ssh)) {
            return true;
        }
        // A port open only to some sources (--allow-port 22/tcp@10.1.0.0/16) admits a client inside one of them.
        Cidr clientAddress = new Cidr(client, client.getAddress().length * 8);
        return planned.portSources().getOrDefault(ssh, java.util.List.of()).stream().anyMatch(clientAddress::overlaps);
    }

    /** Throws bad input (exit 2, nothing sent) when {@code planned} would shut out this SSH session, unless forced. */
    static void check(HostInput planned, boolean force, Consumer<String> warn) {
        check(planned, SshSession.fromEnvironment(warn), force);
    }

    static void check(HostInput planned, Optional<SshSession> session, boolean force) {
        if (force || session.isEmpty()) {
            return;
        }
        SshSession ssh = session.get();
        if (!admits(planned, ssh.client(), ssh.serverPort())) {
            throw new InvalidInputException("this SSH session (from " + ssh.client().getHostAddress() + " to port "
                    + ssh.serverPort() + ") would be locked out: the policy drops new connections to port "
                    + ssh.serverPort() + "/tcp; add --allow-port " + ssh.serverPort() + "/tcp (or --force if you mean it)");
        }
    }
}
