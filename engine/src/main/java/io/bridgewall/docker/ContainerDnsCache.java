package io.bridgewall.docker;

import io.bridgewall.dns.ContainerDns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Running containers' DNS ({@code ResolvConfPath}, {@code --dns}), which only an inspect tells:
 * each container is inspected once, when a listing first shows it, and remembered by id until a
 * listing no longer shows it (it died, stopped or went away). The listing itself is the caller's
 * ({@link DockerClient#runningContainers()}), so one list request serves published ports and DNS.
 */
public final class ContainerDnsCache {
    private final Map<String, ContainerDns> byId = new HashMap<>();
    private long inspections;

    /**
     * The DNS of {@code running}, in their order: inspects the containers not seen before (one
     * gone in between is left out), forgets those no longer running.
     */
    public List<ContainerDns> of(List<DockerContainer> running, DockerClient client) {
        Set<String> ids = new HashSet<>();
        List<ContainerDns> out = new ArrayList<>();
        for (DockerContainer container : running) {
            ids.add(container.id());
            ContainerDns known = byId.get(container.id());
            if (known == null) {
                inspections++;
                known = client.containerDns(container.id()).orElse(null);
                if (known == null) {
                    continue; // gone between the list and the inspect: its die event follows
                }
                byId.put(container.id(), known);
            }
            out.add(known);
        }
        byId.keySet().retainAll(ids);
        return out;
    }

    /** How many containers were inspected so far: what the cache saves is visible to tests. */
    public long inspections() {
        return inspections;
    }

    /** How many containers are remembered. */
    public int size() {
        return byId.size();
    }
}
