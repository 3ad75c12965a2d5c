package io.bridgewall.it.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bridgewall.it.support.DockerDaemon;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.bridgewall.it.lab.LabAddresses.INTERNAL_SUBNET;
import static io.bridgewall.it.lab.LabAddresses.USER_SUBNET;
import static io.bridgewall.it.lab.LabAddresses.WHO_PORT;

/**
 * The lab's Docker side: the default bridge, one user-defined network and one --internal
 * network, with the containers the reachability matrix probes from and to.
 */
final class LabContainers {
    static final String DEFAULT_NET = "bridge";
    static final String USER_NET = "usernet";
    static final String INTERNAL_NET = "internalnet";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LabContainers() {
    }

    /** Creates the networks, starts the containers, and reads back what the kernel got. */
    static Map<String, LabContainer> start(DockerDaemon docker) {
        docker.docker("network", "create", "--subnet", USER_SUBNET, USER_NET).orThrow();
        docker.docker("network", "create", "--internal", "--subnet", INTERNAL_SUBNET, INTERNAL_NET).orThrow();
        Map<String, LabNetwork> networks = new LinkedHashMap<>();
        for (String name : List.of(DEFAULT_NET, USER_NET, INTERNAL_NET)) {
            networks.put(name, inspect(docker, name));
        }
        Map<String, LabContainer> containers = new LinkedHashMap<>();
        for (String[] spec : new String[][] {{"bridge-a", DEFAULT_NET}, {"bridge-b", DEFAULT_NET},
                {"user-a", USER_NET}, {"user-b", USER_NET}, {"internal-a", INTERNAL_NET}}) {
            containers.put(spec[0], run(docker, spec[0], networks.get(spec[1])));
        }
        return containers;
    }

    static LabContainer run(DockerDaemon docker, String name, LabNetwork network) {
        // httpd as the main process keeps the container alive and makes it a probe target too
        docker.docker("run", "-d", "--name", name, "--network", network.name(), BusyboxImage.NAME,
                "/bin/httpd", "-f", "-p", String.valueOf(WHO_PORT), "-h", WhoService.IMAGE_DOCROOT).orThrow();
        String ip = docker.docker("inspect", "-f",
                "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name).orThrow().stdout().strip();
        if (ip.isEmpty()) {
            throw new AssertionError("container " + name + " got no IPv4 address on " + network.name());
        }
        return new LabContainer(name, network, ip);
    }

    static LabNetwork inspect(DockerDaemon docker, String name) {
        String json = docker.docker("network", "inspect", name).orThrow().stdout();
        try {
            JsonNode network = JSON.readTree(json).path(0);
            String id = network.path("Id").asText();
            String subnet = network.path("IPAM").path("Config").path(0).path("Subnet").asText();
            if (id.length() < 12 || subnet.isEmpty()) {
                throw new AssertionError("unexpected network inspect output for " + name + ": " + json);
            }
            // Docker names a user-defined bridge br-<first 12 hex digits of the id> unless told otherwise
            String bridge = network.path("Options").path("com.docker.network.bridge.name").asText("br-" + id.substring(0, 12));
            return new LabNetwork(name, bridge, subnet, network.path("Internal").asBoolean());
        } catch (JsonProcessingException e) {
            throw new AssertionError("cannot parse network inspect output for " + name + ": " + json, e);
        }
    }
}
