package io.bridgewall.doctor;

import io.bridgewall.kernel.BridgeNetfilter;
import io.bridgewall.kernel.HookedChain;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code bridgewall doctor} reads from the host, read once, before anything is
 * judged: {@link Diagnosis} turns it into findings without touching the host, so every
 * decision is tested from a snapshot like this one.
 *
 * @param netns            the network namespace checked; empty for the caller's own
 * @param dockerConfig     dockerd's daemon.json as read
 * @param chains           every chain of every table in the namespace (ours included)
 * @param chainsError      why the chains could not be read; empty when they were
 * @param ipv4Forward      net.ipv4.ip_forward in the namespace
 * @param ipv6Forward      net.ipv6.conf.all.forwarding, read only when the policy has IPv6 bridges
 * @param bridgeNetfilter  br_netfilter's sysctls in the namespace
 * @param bridgeNetfilterNeeded whether the policy isolates containers on one bridge (needs br_netfilter)
 * @param libraries        the native libraries bridgewall loaded, and where from
 * @param nat              whether the kernel takes an inet NAT chain with masquerade
 * @param table            our table against the plan
 * @param planProblem      why no plan could be made (Docker unreachable, ...); empty when one was
 * @param units            the systemd units
 */
public record HostFacts(Optional<String> netns, DockerDaemonConfig dockerConfig, List<HookedChain> chains,
                        String chainsError, Sysctl ipv4Forward, Optional<Sysctl> ipv6Forward,
                        BridgeNetfilter.State bridgeNetfilter, boolean bridgeNetfilterNeeded,
                        List<Library> libraries, NatProbe nat, TableState table, String planProblem, Units units) {
    public HostFacts {
        chains = List.copyOf(chains);
        libraries = List.copyOf(libraries);
    }

    /** A sysctl's value as read; empty when it is not there (or could not be read, said in {@code problem}). */
    public record Sysctl(String name, Optional<String> value, String problem) {
        public static Sysctl of(String name, String value) {
            return new Sysctl(name, Optional.of(value), "");
        }
    }

    /**
     * A native library: the file the dynamic linker mapped for its soname (its name carries the
     * library's ABI version, libnftnl.so.11.6.0: libnftnl itself reports no release version).
     *
     * @param packageVersion the installed Debian package's version (dpkg-query), where dpkg knows it
     */
    public record Library(String soname, String debianPackage, Optional<String> file, Optional<String> packageVersion,
                          String problem) {
        /** "11.6.0" from libnftnl.so.11.6.0 (the soname's "11" when the file is named by its soname). */
        public Optional<String> fileVersion() {
            String prefix = soname.substring(0, soname.indexOf(".so.") + 4);
            return file.map(f -> f.substring(f.lastIndexOf('/') + 1)).filter(name -> name.startsWith(prefix)
                    && name.length() > prefix.length()).map(name -> name.substring(prefix.length()));
        }
    }

    /** The NAT probe: a throwaway inet table with a nat chain and a masquerade rule, validated and never committed. */
    public record NatProbe(Outcome outcome, String detail) {
        public enum Outcome {
            USABLE, REFUSED, NOT_RUN
        }
    }

    /**
     * Our table as installed, against the plan apply would make now.
     *
     * @param differences what differs, in words (DIFFERS only)
     * @param detail      why it could not be read (UNREADABLE)
     */
    public record TableState(Status status, String table, List<String> differences, String detail) {
        public TableState {
            differences = List.copyOf(differences);
        }

        public enum Status {
            NOT_INSTALLED, EQUALS_PLAN, DIFFERS, INSTALLED_NOT_COMPARED, UNREADABLE
        }
    }

    /**
     * The systemd units.
     *
     * @param systemdRunning whether systemd manages this machine (/run/systemd/system exists)
     * @param states         each unit's {@code systemctl is-enabled} answer (enabled, disabled, not-found, ...)
     */
    public record Units(boolean systemdRunning, Map<String, String> states) {
        public Units {
            states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
        }
    }
}
