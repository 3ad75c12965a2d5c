package io.bridgewall.doctor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewall.dns.HostFile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What dockerd's daemon.json says about Docker's own firewall: its {@code "iptables"} switch
 * (true when absent, Docker's default). Read as hostile input, like the DNS reader reads the
 * same file: bounded, and a file dockerd would refuse is a fact with words, never a crash.
 *
 * @param path      the file read
 * @param state     whether it was there and readable
 * @param iptables  the switch as written; empty when the file does not set it (or was not read)
 * @param problem   what is wrong with the file; empty when nothing is
 */
public record DockerDaemonConfig(Path path, State state, Optional<Boolean> iptables, String problem) {
    /** dockerd's own limit is far below this; a bigger file is not a daemon.json. */
    static final int LIMIT = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public enum State {
        MISSING, READ, UNREADABLE
    }

    public static DockerDaemonConfig read(Path path) {
        HostFile file = HostFile.read(path, LIMIT);
        if (file instanceof HostFile.Unreadable unreadable) {
            return new DockerDaemonConfig(path, State.UNREADABLE, Optional.empty(), "cannot read it: " + unreadable.reason());
        }
        if (file instanceof HostFile.Read read) {
            return read.truncated()
                    ? new DockerDaemonConfig(path, State.UNREADABLE, Optional.empty(), "it is larger than " + LIMIT + " bytes")
                    : parse(path, read.text());
        }
        return new DockerDaemonConfig(path, State.MISSING, Optional.empty(), "");
    }

    /** Pure: the switch from the file's text. */
    public static DockerDaemonConfig parse(Path path, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            return new DockerDaemonConfig(path, State.UNREADABLE, Optional.empty(), "it is not valid JSON ("
                    + (detail.length() > 80 ? detail.substring(0, 80) + "..." : detail) + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + "); dockerd refuses to start with it");
        }
        if (root == null || root.isMissingNode()) {
            return new DockerDaemonConfig(path, State.READ, Optional.empty(), "");
        }
        if (!root.isObject()) {
            return new DockerDaemonConfig(path, State.UNREADABLE, Optional.empty(), "it is not a JSON object");
        }
        JsonNode iptables = root.get("iptables");
        if (iptables == null || iptables.isNull()) {
            return new DockerDaemonConfig(path, State.READ, Optional.empty(), "");
        }
        if (!iptables.isBoolean()) {
            return new DockerDaemonConfig(path, State.UNREADABLE, Optional.empty(),
                    "its \"iptables\" is not true or false; dockerd refuses to start with it");
        }
        return new DockerDaemonConfig(path, State.READ, Optional.of(iptables.booleanValue()), "");
    }

    /** Whether the file turns Docker's firewall off ({@code "iptables": false}). */
    public boolean iptablesOff() {
        return iptables.equals(Optional.of(false));
    }
}
