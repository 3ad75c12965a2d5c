package io.bridgewall.docker;

import io.bridgewall.policy.InvalidInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where dockerd listens: always a unix socket. bridgewall talks to the local daemon only, since
 * the bridges it firewalls are on this host.
 *
 * @param socket path of the daemon's unix socket
 */
public record DockerEndpoint(Path socket) {
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
    private static final String UNIX = "unix://";

    public DockerEndpoint {
        if (socket == null) {
            throw new DockerException("no Docker socket given; pass --docker-host unix:///var/run/docker.sock");
        }
    }

    /**
     * The endpoint from an explicit {@code --docker-host} value if there is one, else from
     * {@code DOCKER_HOST} in {@code env}, else the default socket. Pure, for tests.
     */
    public static DockerEndpoint resolve(Optional<String> dockerHostOption, Map<String, String> env) {
        if (dockerHostOption.isPresent()) {
            return parse(dockerHostOption.get(), "--docker-host");
        }
        String fromEnv = env.get("DOCKER_HOST");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return parse(fromEnv, "DOCKER_HOST");
        }
        return new DockerEndpoint(DEFAULT_SOCKET);
    }

    /** {@link #resolve} against this process's environment. */
    public static DockerEndpoint resolve(Optional<String> dockerHostOption) {
        return resolve(dockerHostOption, System.getenv());
    }

    /**
     * Parses "unix:///path"; every other scheme is refused with a hint. A bad value is the
     * user's input (exit 2), not a failure to reach Docker.
     */
    static DockerEndpoint parse(String value, String source) {
        String text = value.strip();
        if (!text.startsWith(UNIX)) {
            int scheme = text.indexOf("://");
            if (scheme > 0) {
                throw new InvalidInputException(source + ": " + text.substring(0, scheme) + ":// endpoints are not "
                        + "supported; use a unix socket such as unix:///var/run/docker.sock (bridgewall only talks "
                        + "to the local dockerd)");
            }
            String suggestion = text.startsWith("/") ? UNIX + text : "unix:///var/run/docker.sock";
            throw new InvalidInputException(source + ": '" + text + "' has no scheme; write the socket as a URL: "
                    + suggestion);
        }
        String path = text.substring(UNIX.length());
        if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new InvalidInputException(source + ": '" + text + "' has no absolute socket path; write it like "
                    + "unix:///var/run/docker.sock");
        }
        return new DockerEndpoint(Path.of(path).normalize());
    }

    @Override
    public String toString() {
        return UNIX + socket;
    }
}
