package io.bridgewall.dns;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the resolvers containers actually send queries to, each with where it was found:
 * <ul>
 * <li>the host's resolv.conf, which Docker copies into containers on the default bridge and
 *     its embedded DNS forwards to (systemd-resolved's upstream list instead when it names only
 *     the stub 127.0.0.53, as Docker does);</li>
 * <li>the {@code dns} list of dockerd's daemon.json, which replaces them;</li>
 * <li>each running container's resolv.conf and {@code --dns} servers.</li>
 * </ul>
 * Loopback addresses are skipped (a container cannot reach the host's loopback, and Docker
 * drops them too), and so is 127.0.0.11, Docker's embedded DNS: it forwards from the container's
 * namespace to the servers the other sources name. Every file is hostile input: read bounded,
 * and whatever is wrong becomes one warning per file, never a failure.
 */
public final class DnsDiscovery {
    /** A resolv.conf is a few hundred bytes; this is plenty and bounds a hostile one. */
    static final int RESOLV_CONF_LIMIT = 64 * 1024;
    static final int DAEMON_JSON_LIMIT = 1024 * 1024;
    /** Container files named in a warning before the rest are counted. */
    private static final int CONTAINERS_NAMED = 3;

    /** Where the host's files are; every one can be given on the command line for tests and unusual hosts. */
    public record Paths(Path resolvConf, Path resolvedUpstream, Path dockerConfig) {
        public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");
        public static final Path RESOLVED_UPSTREAM = Path.of("/run/systemd/resolve/resolv.conf");
        public static final Path DOCKER_CONFIG = Path.of("/etc/docker/daemon.json");

        public static Paths defaults() {
            return new Paths(RESOLV_CONF, RESOLVED_UPSTREAM, DOCKER_CONFIG);
        }
    }

    /**
     * @param nameservers the resolvers found, IPv4 first, each once with all its sources
     * @param notes       what was skipped and why, for plan to print
     * @param warnings    what could not be read or understood, one line each
     */
    public record Result(List<Nameserver> nameservers, List<String> notes, List<String> warnings) {
        public Result {
            nameservers = List.copyOf(nameservers);
            notes = List.copyOf(notes);
            warnings = List.copyOf(warnings);
        }
    }

    private final Map<InetAddress, List<String>> found = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private DnsDiscovery() {
    }

    /** The resolvers of the host's files and of {@code containers} (empty when Docker is not asked). */
    public static Result discover(Paths paths, List<ContainerDns> containers) {
        DnsDiscovery discovery = new DnsDiscovery();
        discovery.hostResolvConf(paths);
        discovery.daemonConfig(paths.dockerConfig());
        discovery.containers(containers);
        return discovery.result();
    }

    private void hostResolvConf(Paths paths) {
        HostFile file = HostFile.read(paths.resolvConf(), RESOLV_CONF_LIMIT);
        if (file instanceof HostFile.Missing) {
            notes.add(paths.resolvConf() + " does not exist: no host resolvers (Docker then gives containers public ones)");
            return;
        }
        ResolvConf conf = resolvConf(file, "the host's resolvers get no DNS exception; give --resolv-conf FILE");
        if (conf == null) {
            return;
        }
        InetAddress stub = NameserverText.parse(NameserverText.SYSTEMD_STUB).orElseThrow();
        if (conf.nameservers().equals(List.of(stub))) {
            // What Docker does: systemd-resolved's stub is loopback, its upstream list is what containers need.
            HostFile upstream = HostFile.read(paths.resolvedUpstream(), RESOLV_CONF_LIMIT);
            if (upstream instanceof HostFile.Missing) {
                warnings.add(paths.resolvConf() + " names only systemd-resolved's stub " + NameserverText.SYSTEMD_STUB
                        + " and its upstream list " + paths.resolvedUpstream() + " does not exist: no host resolver gets "
                        + "a DNS exception; give the upstream list with --upstream-resolv-conf FILE");
                return;
            }
            ResolvConf upstreamConf = resolvConf(upstream, "systemd-resolved's upstream resolvers get no DNS exception; "
                    + "give --upstream-resolv-conf FILE");
            if (upstreamConf == null) {
                return;
            }
            notes.add(paths.resolvConf() + " names only systemd-resolved's stub " + NameserverText.SYSTEMD_STUB
                    + ": its upstream list " + paths.resolvedUpstream() + " is used instead, as Docker does");
            add(upstreamConf.nameservers(), paths.resolvedUpstream() + " (systemd-resolved's upstream)",
                    paths.resolvedUpstream().toString());
            return;
        }
        add(conf.nameservers(), paths.resolvConf().toString(), paths.resolvConf().toString());
    }

    /** The parsed file, with one warning for whatever is wrong with it; null when it could not be read. */
    private ResolvConf resolvConf(HostFile file, String consequence) {
        if (file instanceof HostFile.Unreadable unreadable) {
            warnings.add("cannot read " + file.path() + " (" + unreadable.reason() + "): " + consequence);
            return null;
        }
        if (file instanceof HostFile.Missing) {
            warnings.add(file.path() + " does not exist: " + consequence);
            return null;
        }
        HostFile.Read read = (HostFile.Read) file;
        ResolvConf conf = ResolvConf.parse(read.text());
        String problems = problems(read, conf);
        if (!problems.isEmpty()) {
            warnings.add(file.path() + problems + "; the nameservers it names were read");
        }
        return conf;
    }

    private static String problems(HostFile.Read read, ResolvConf conf) {
        List<String> parts = new ArrayList<>();
        if (read.truncated()) {
            parts.add("is larger than " + read.limit() / 1024 + " KiB, only the start was read");
        }
        if (conf.problemCount() > 0) {
            parts.add(conf.problemCount() + " line(s) not understood and ignored (" + String.join("; ", conf.problems()) + ")");
        }
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    private void daemonConfig(Path path) {
        HostFile file = HostFile.read(path, DAEMON_JSON_LIMIT);
        if (file instanceof HostFile.Missing) {
            return; // the usual case: dockerd's defaults, the host's resolvers
        }
        if (file instanceof HostFile.Unreadable unreadable) {
            warnings.add("cannot read " + path + " (" + unreadable.reason() + "): the \"dns\" servers Docker may be "
                    + "configured with get no DNS exception; give --docker-config FILE");
            return;
        }
        HostFile.Read read = (HostFile.Read) file;
        if (read.truncated()) {
            warnings.add(path + " is larger than " + read.limit() / 1024 + " KiB: not read; its \"dns\" servers get no "
                    + "DNS exception; give --docker-config FILE");
            return;
        }
        DaemonDnsConfig config = DaemonDnsConfig.parse(read.text());
        if (!config.problem().isEmpty()) {
            warnings.add(path + ": " + config.problem() + "; its \"dns\" servers get no DNS exception (dockerd would "
                    + "refuse this file too)");
            return;
        }
        add(config.nameservers(), "dns in " + path, path.toString());
    }

    private void containers(List<ContainerDns> containers) {
        List<String> unreadable = new ArrayList<>();
        int embedded = 0;
        InetAddress embeddedDns = NameserverText.parse(NameserverText.DOCKER_EMBEDDED).orElseThrow();
        for (ContainerDns container : containers) {
            List<InetAddress> given = new ArrayList<>();
            List<String> badGiven = new ArrayList<>();
            for (String text : container.dns()) {
                NameserverText.parse(text).ifPresentOrElse(given::add, () -> badGiven.add(ResolvConf.shorten(text)));
            }
            if (!badGiven.isEmpty()) {
                warnings.add("container " + container.name() + " has --dns " + String.join(", ", badGiven)
                        + ", not an IP address: ignored");
            }
            add(given, "container " + container.name() + "'s --dns", "container " + container.name() + "'s --dns");
            if (container.resolvConfPath().isEmpty()) {
                continue;
            }
            HostFile file = HostFile.read(container.resolvConfPath().get(), RESOLV_CONF_LIMIT);
            if (!(file instanceof HostFile.Read read)) {
                unreadable.add(container.name() + " (" + (file instanceof HostFile.Unreadable u ? u.reason() : "missing")
                        + ")");
                continue;
            }
            ResolvConf conf = ResolvConf.parse(read.text());
            String problems = problems(read, conf);
            if (!problems.isEmpty()) {
                warnings.add("container " + container.name() + "'s resolv.conf " + read.path() + problems);
            }
            List<InetAddress> servers = new ArrayList<>(conf.nameservers());
            if (servers.remove(embeddedDns)) {
                embedded++;
            }
            add(servers, "container " + container.name() + "'s resolv.conf", "container " + container.name() + "'s resolv.conf");
        }
        if (!unreadable.isEmpty()) {
            warnings.add("cannot read the resolv.conf of " + unreadable.size() + " container(s): "
                    + String.join(", ", unreadable.subList(0, Math.min(CONTAINERS_NAMED, unreadable.size())))
                    + (unreadable.size() > CONTAINERS_NAMED ? " and " + (unreadable.size() - CONTAINERS_NAMED) + " more" : "")
                    + "; their own resolvers, if any, get no DNS exception");
        }
        if (embedded > 0) {
            notes.add(NameserverText.DOCKER_EMBEDDED + " (Docker's embedded DNS, in " + embedded + " container(s)) is "
                    + "skipped: it forwards from each container to the resolvers above");
        }
    }

    /** Records {@code addresses} as found in {@code source}; loopback ones are noted as skipped under {@code where}. */
    private void add(List<InetAddress> addresses, String source, String where) {
        for (InetAddress address : addresses) {
            if (NameserverText.isHostLocal(address)) {
                notes.add(Nameserver.text(address) + " in " + where + " is a loopback address, which containers cannot "
                        + "reach (Docker skips it too): no exception");
                continue;
            }
            List<String> sources = found.computeIfAbsent(address, a -> new ArrayList<>());
            if (!sources.contains(source)) {
                sources.add(source);
            }
        }
    }

    private Result result() {
        List<Nameserver> nameservers = found.entrySet().stream()
                .map(e -> new Nameserver(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing((Nameserver n) -> n.isIpv4() ? 0 : 1)
                        .thenComparing(n -> new java.math.BigInteger(1, n.address().getAddress())))
                .toList();
        return new Result(nameservers, notes.stream().distinct().toList(), warnings);
    }
}
