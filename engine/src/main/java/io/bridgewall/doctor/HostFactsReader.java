package io.bridgewall.doctor;

import io.bridgewall.kernel.BridgeNetfilter;
import io.bridgewall.kernel.Firewall;
import io.bridgewall.kernel.HookedChain;
import io.bridgewall.kernel.KernelReader;
import io.bridgewall.kernel.ReadBack;
import io.bridgewall.kernel.Verification;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.NetworkNamespace;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Family;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.Statement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads the {@link HostFacts} of one network namespace. Reads only: the one thing sent to the
 * kernel is the NAT probe, a batch without BATCH_END that the kernel checks and discards.
 * A check that cannot run becomes a fact with its reason, so the others still run.
 */
public final class HostFactsReader {
    /** The throwaway table of the NAT probe: never committed, so never seen by anyone. */
    static final String PROBE_TABLE = "bridgewall-doctor-probe";
    static final List<String> UNITS = List.of("bridgewall-boot.service", "bridgewall.service");
    private static final Path SYSTEMD_RUNNING = Path.of("/run/systemd/system");

    private HostFactsReader() {
    }

    /**
     * What doctor reads, besides the host itself.
     *
     * @param planned               the table apply would make now; empty when no plan could be made
     * @param planProblem           why not (Docker unreachable, ...), when empty
     * @param bridgeNetfilterNeeded whether the policy relies on br_netfilter
     * @param ipv6Bridges           whether the policy has IPv6 subnets (then IPv6 forwarding matters)
     */
    public record Request(Optional<String> netns, Path dockerConfig, Optional<RuleSet> planned, String planProblem,
                         String ourTable, boolean bridgeNetfilterNeeded, boolean ipv6Bridges) {
    }

    public static HostFacts read(Request request) {
        Optional<String> netns = request.netns();
        netns.ifPresent(NetworkNamespace::resolve); // a namespace that is not there is bad input, before anything
        List<HostFacts.Library> libraries = libraries();
        boolean kernelReachable = libraries.stream().allMatch(l -> l.file().isPresent());
        List<HookedChain> chains = List.of();
        String chainsError = "";
        HostFacts.NatProbe nat;
        HostFacts.TableState table;
        if (kernelReachable) {
            try (NetlinkSocket socket = NetlinkSocket.open(netns)) {
                chains = KernelReader.allChains(socket);
            } catch (KernelException e) {
                chainsError = e.getMessage();
            }
            nat = natProbe(netns);
            table = table(netns, request);
        } else {
            chainsError = "the native libraries are missing (see the libraries finding)";
            nat = new HostFacts.NatProbe(HostFacts.NatProbe.Outcome.NOT_RUN, chainsError);
            table = new HostFacts.TableState(HostFacts.TableState.Status.UNREADABLE, "inet " + request.ourTable(),
                    List.of(), chainsError);
        }
        return new HostFacts(netns, DockerDaemonConfig.read(request.dockerConfig()), chains, chainsError,
                sysctl(netns, "net.ipv4.ip_forward"),
                request.ipv6Bridges() ? Optional.of(sysctl(netns, "net.ipv6.conf.all.forwarding")) : Optional.empty(),
                BridgeNetfilter.state(netns), request.bridgeNetfilterNeeded(), libraries, nat, table, request.planProblem(),
                units());
    }

    /** A sysctl as the namespace sees it (/proc/sys/net follows the reading thread's namespace). */
    static HostFacts.Sysctl sysctl(Optional<String> netns, String name) {
        Path file = Path.of("/proc/sys", name.split("\\."));
        Supplier<HostFacts.Sysctl> read = () -> {
            try {
                return HostFacts.Sysctl.of(name, Files.readString(file).strip());
            } catch (IOException e) {
                return new HostFacts.Sysctl(name, Optional.empty(), Files.exists(file) ? "cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ")" : file + " does not exist (IPv6 disabled?)");
            }
        };
        return netns.isPresent() ? NetworkNamespace.callInside(netns.get(), read) : read.get();
    }

    /** Each library loaded as apply loads it, and the file the dynamic linker mapped for it. */
    static List<HostFacts.Library> libraries() {
        List<HostFacts.Library> out = new ArrayList<>();
        out.add(library("libnftnl.so.11", "libnftnl11", NativeLibraries::nftnl));
        out.add(library("libmnl.so.0", "libmnl0", NativeLibraries::mnl));
        return out;
    }

    private static HostFacts.Library library(String soname, String debianPackage, Supplier<?> load) {
        try {
            load.get();
        } catch (RuntimeException e) {
            return new HostFacts.Library(soname, debianPackage, Optional.empty(), Optional.empty(), e.getMessage());
        }
        // The linker resolved the soname to a file; its real name carries the version (libnftnl.so.11.6.0).
        String base = soname.substring(0, soname.indexOf(".so.") + 4);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8)) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.substring(line.lastIndexOf('/') + 1).startsWith(base)) {
                    Path mapped = Path.of(line.substring(slash));
                    return new HostFacts.Library(soname, debianPackage, Optional.of(mapped.toRealPath().toString()),
                            packageVersion(debianPackage), "");
                }
            }
        } catch (IOException e) {
            // Loaded, but where from is not readable: still say it loaded.
        }
        return new HostFacts.Library(soname, debianPackage, Optional.of(soname), packageVersion(debianPackage), "");
    }

    /** The installed package's version as dpkg knows it; empty without dpkg or without the package. */
    private static Optional<String> packageVersion(String debianPackage) {
        return firstLine(List.of("dpkg-query", "-W", "-f=${Version}", debianPackage))
                .filter(answer -> answer.matches("[0-9A-Za-z.+~:-]{1,64}"));
    }

    /** The probe's table: one inet nat chain with a masquerade rule, as bridgewall's own postrouting chain has. */
    static RuleSet natProbeTable() {
        return new RuleSet(PROBE_TABLE, Family.INET, List.of(), List.of(new Chain("postrouting", Chain.ChainType.NAT,
                Chain.Hook.POSTROUTING, 100, Chain.Policy.ACCEPT,
                List.of(new Rule(List.of(), List.of(new Statement.Masquerade()), "bridgewall doctor: NAT probe")))));
    }

    private static HostFacts.NatProbe natProbe(Optional<String> netns) {
        try (Firewall firewall = Firewall.open(netns)) {
            var validation = firewall.validate(natProbeTable());
            return validation.accepted() ? new HostFacts.NatProbe(HostFacts.NatProbe.Outcome.USABLE, "")
                    : new HostFacts.NatProbe(HostFacts.NatProbe.Outcome.REFUSED, validation.refusal().get().getMessage());
        } catch (KernelException e) {
            return new HostFacts.NatProbe(HostFacts.NatProbe.Outcome.NOT_RUN, e.getMessage());
        }
    }

    private static HostFacts.TableState table(Optional<String> netns, Request request) {
        String name = "inet " + request.ourTable();
        try (Firewall firewall = Firewall.open(netns)) {
            ReadBack readBack = firewall.installed(request.ourTable(), Family.INET);
            if (readBack.table().isEmpty()) {
                return new HostFacts.TableState(HostFacts.TableState.Status.NOT_INSTALLED, name, List.of(), "");
            }
            if (request.planned().isEmpty()) {
                return new HostFacts.TableState(HostFacts.TableState.Status.INSTALLED_NOT_COMPARED, name, List.of(), "");
            }
            Verification verification = firewall.check(request.planned().get());
            return verification.verified()
                    ? new HostFacts.TableState(HostFacts.TableState.Status.EQUALS_PLAN, name, List.of(), "")
                    : new HostFacts.TableState(HostFacts.TableState.Status.DIFFERS, name, verification.differences(), "");
        } catch (KernelException e) {
            return new HostFacts.TableState(HostFacts.TableState.Status.UNREADABLE, name, List.of(), e.getMessage());
        }
    }

    /** systemctl is-enabled for each unit, where systemd runs; machine-wide, also under --netns. */
    static HostFacts.Units units() {
        if (!Files.isDirectory(SYSTEMD_RUNNING)) {
            return new HostFacts.Units(false, Map.of());
        }
        Map<String, String> states = new LinkedHashMap<>();
        for (String unit : UNITS) {
            states.put(unit, isEnabled(unit));
        }
        return new HostFacts.Units(true, states);
    }

    private static String isEnabled(String unit) {
        Optional<String> answer = firstLine(List.of("systemctl", "is-enabled", unit));
        if (answer.isEmpty()) {
            return "unknown (systemctl could not run or gave no answer within 5 s)";
        }
        // systemctl prints "Failed to get unit file state ...: No such file or directory" for an unknown unit.
        return answer.get().isEmpty() || answer.get().startsWith("Failed") ? "not-found" : answer.get();
    }

    /** The first line a short command prints (stdout and stderr) within 5 s; empty when it cannot run or does not end. */
    private static Optional<String> firstLine(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Its answer is one short line, far below a pipe's buffer: waiting first cannot block it.
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            try (InputStream in = process.getInputStream()) {
                return Optional.of(new String(in.readNBytes(4096), StandardCharsets.UTF_8).lines().findFirst().orElse("")
                        .strip());
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
