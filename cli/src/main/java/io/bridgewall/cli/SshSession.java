package io.bridgewall.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The SSH session a command runs in, as sshd tells it in {@code SSH_CONNECTION}: "client_ip
 * client_port server_ip server_port". The variable is only as trustworthy as the environment,
 * so it is parsed strictly: literal IPv4 or IPv6 addresses (never a name to look up) and ports
 * 1 to 65535; anything else is reported and ignored.
 */
record SshSession(InetAddress client, int clientPort, InetAddress server, int serverPort) {
    static final String VARIABLE = "SSH_CONNECTION";
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Hex groups, colons and an embedded IPv4 tail; an optional %zone sshd writes for link-local peers. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9_.-]{1,15})?");
    private static final Pattern PORT = Pattern.compile("[1-9]\\d{0,4}");
    /** Longest sensible value: two IPv6 addresses with zones and two ports, with room to spare. */
    private static final int MAX_LENGTH = 200;

    /** The session of this process, or empty (outside SSH, or an unreadable value, which {@code warn} is told about). */
    static Optional<SshSession> fromEnvironment(Consumer<String> warn) {
        return parse(System.getenv(VARIABLE), warn);
    }

    static Optional<SshSession> parse(String value, Consumer<String> warn) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String[] fields = value.length() > MAX_LENGTH ? new String[0] : value.strip().split(" ", -1);
        Optional<SshSession> session = fields.length == 4
                ? address(fields[0]).flatMap(client -> port(fields[1]).flatMap(clientPort -> address(fields[2])
                        .flatMap(server -> port(fields[3]).map(serverPort -> new SshSession(client, clientPort, server, serverPort)))))
                : Optional.empty();
        if (session.isEmpty()) {
            warn.accept(VARIABLE + " is set but is not 'client_ip client_port server_ip server_port' ('"
                    + TerminalText.escape(value.length() > 60 ? value.substring(0, 60) + "..." : value)
                    + "'); the SSH lockout check is skipped");
        }
        return session;
    }

    private static Optional<InetAddress> address(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !(text.contains(":") && IPV6.matcher(text).matches())) {
            return Optional.empty();
        }
        int zone = text.indexOf('%');
        try {
            // A literal (checked above: digits, dots, colons) is parsed, never looked up.
            return Optional.of(InetAddress.getByName(zone < 0 ? text : text.substring(0, zone)));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> port(String text) {
        if (!PORT.matcher(text).matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(text);
        return port <= 65535 ? Optional.of(port) : Optional.empty();
    }
}
