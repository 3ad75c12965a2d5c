package io.bridgewall.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What bridgewall does with traffic addressed to the host itself.
 *
 * @param managed      false leaves the host's input path alone (hosts with their own firewall)
 * @param allowedPorts ports opened to everyone when managed
 * @param portSources  ports opened only to some source networks (SSH only from the admin
 *                     network), each with its sources; a port is either here or in
 *                     {@code allowedPorts}, never both
 */
public record HostInput(boolean managed, List<Port> allowedPorts, SortedMap<Port, List<Cidr>> portSources) {
    public static final List<Port> DEFAULT_PORTS = List.of(new Port(22, Protocol.TCP));

    public HostInput {
        // Sorted and unique: the same policy always plans to the same ruleset.
        allowedPorts = List.copyOf(new TreeSet<>(allowedPorts));
        SortedMap<Port, List<Cidr>> sources = new TreeMap<>();
        for (Map.Entry<Port, List<Cidr>> entry : (portSources == null ? Map.<Port, List<Cidr>>of() : portSources).entrySet()) {
            Port port = entry.getKey();
            if (entry.getValue().isEmpty()) {
                throw new InvalidInputException("host port " + port + " is limited to no source at all; give a network "
                        + "like " + port + "@10.1.0.0/16, or leave the sources out to open it to everyone");
            }
            if (allowedPorts.contains(port)) {
                throw new InvalidInputException("host port " + port + " is opened to everyone and also limited to "
                        + entry.getValue().stream().map(Cidr::toString).toList() + "; give it once, with or without sources");
            }
            sources.put(port, List.copyOf(new TreeSet<>(entry.getValue())));
        }
        if (!managed && (!allowedPorts.isEmpty() || !sources.isEmpty())) {
            throw new InvalidInputException("host input is left alone, so no port can be opened; drop the ports or manage host input");
        }
        portSources = Collections.unmodifiableSortedMap(sources);
    }

    /** Ports open to everyone, none limited to sources. */
    public HostInput(boolean managed, List<Port> allowedPorts) {
        this(managed, allowedPorts, new TreeMap<>());
    }

    public static HostInput defaults() {
        return new HostInput(true, DEFAULT_PORTS);
    }

    public static HostInput unmanaged() {
        return new HostInput(false, List.of());
    }

    /**
     * Managed host input with the given ports, each {@code PORT[/tcp|/udp][@CIDR[,CIDR...]]}:
     * "22/tcp@10.1.0.0/16,192.168.5.0/24" opens 22/tcp to those networks only, "443" to
     * everyone. The same port may be given several times with sources (they add up), but not
     * both with and without. Errors are one line without the option's name.
     */
    public static HostInput parsePorts(List<String> texts) {
        List<Port> open = new ArrayList<>();
        SortedMap<Port, List<Cidr>> limited = new TreeMap<>();
        for (String text : texts) {
            int at = text == null ? -1 : text.indexOf('@');
            if (at < 0) {
                open.add(Port.parse(text));
                continue;
            }
            Port port = Port.parse(text.substring(0, at));
            String sources = text.substring(at + 1);
            if (sources.isBlank()) {
                throw new InvalidInputException("'" + text + "' names no source after '@'; write it like 22/tcp@10.1.0.0/16");
            }
            List<Cidr> cidrs;
            try {
                cidrs = Arrays.stream(sources.split(",", -1)).map(Cidr::parse).toList();
            } catch (InvalidInputException e) {
                throw new InvalidInputException("'" + text + "': " + e.getMessage(), e);
            }
            limited.computeIfAbsent(port, p -> new ArrayList<>()).addAll(cidrs);
        }
        return new HostInput(true, open, limited);
    }

    /** Whether 22/tcp (SSH), open by default, is open to someone. */
    public boolean sshOpen() {
        return DEFAULT_PORTS.stream().allMatch(p -> allowedPorts.contains(p) || portSources.containsKey(p));
    }

    /** Every open port, to everyone or to some sources, as "22/tcp" or "22/tcp from 10.1.0.0/16". */
    public List<String> describePorts() {
        List<String> out = new ArrayList<>(allowedPorts.stream().map(Port::toString).toList());
        portSources.forEach((port, sources) -> out.add(port + " from " + String.join(" or ",
                sources.stream().map(Cidr::toString).toList())));
        return out;
    }
}
