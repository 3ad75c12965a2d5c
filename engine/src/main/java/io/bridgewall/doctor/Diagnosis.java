package io.bridgewall.doctor;

import io.bridgewall.kernel.HookedChain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The judgement of {@code bridgewall doctor}: host facts in, findings out, problems first.
 * Pure: nothing here reads the host, so each decision is pinned by a unit test.
 */
public final class Diagnosis {
    /** Our table, which is not "another table on the same hooks". */
    static final String OUR_TABLE = "bridgewall";
    /** The hooks our table's base chains sit on (input, forward, postrouting). */
    private static final Set<Integer> OUR_HOOKS = Set.of(1, 2, 4);
    private static final int FAMILY_INET = 1;
    private static final int FAMILY_IP = 2;
    private static final int FAMILY_IP6 = 10;
    /** Differences named in a table finding; the rest are counted. */
    private static final int NAMED_DIFFERENCES = 3;
    /** The tables iptables-nft (and so Docker's and ufw's iptables rules) lives in. */
    private static final Set<String> IPTABLES_TABLES = Set.of("filter", "nat", "mangle", "raw", "security");

    private Diagnosis() {
    }

    public static List<Finding> findings(HostFacts facts) {
        Host host = new Host(facts.netns());
        List<Finding> out = new ArrayList<>();
        dockerFirewall(facts, host, out);
        if (facts.chainsError().isEmpty()) {
            foreignChains(facts, out);
        }
        forwarding(facts.ipv4Forward(), "IPv4", host, out);
        facts.ipv6Forward().ifPresent(sysctl -> forwarding(sysctl, "IPv6", host, out));
        bridgeNetfilter(facts, host, out);
        libraries(facts, out);
        nat(facts, out);
        if (!facts.planProblem().isEmpty()) {
            out.add(Finding.warning("plan", "no plan to compare our table with: " + facts.planProblem(),
                    "start Docker or give --docker-host, or give --no-docker with --bridge, and run doctor again"));
        }
        table(facts, host, out);
        units(facts, out);
        out.sort(Comparator.comparing(Finding::severity));
        return List.copyOf(out);
    }

    /** Whether the findings ask for nothing: doctor's exit 0. */
    public static boolean healthy(List<Finding> findings) {
        return findings.stream().noneMatch(Finding::actionable);
    }

    /** Where the check ran, for the words ("in network namespace X") and the commands ("ip netns exec X "). */
    private record Host(Optional<String> netns) {
        String where() {
            return netns.map(n -> " in network namespace " + n).orElse("");
        }

        String run(String command) {
            return netns.map(n -> "ip netns exec " + n + " ").orElse("") + command;
        }
    }

    private static void dockerFirewall(HostFacts facts, Host host, List<Finding> out) {
        DockerDaemonConfig config = facts.dockerConfig();
        String file = config.path().toString();
        if (config.state() == DockerDaemonConfig.State.UNREADABLE) {
            out.add(Finding.warning("docker-config", file + ": " + config.problem(),
                    "fix " + file + " (it must be one JSON object; dockerd will not start otherwise), or give "
                            + "--docker-config with the file dockerd reads"));
        }
        if (!facts.chainsError().isEmpty()) {
            out.add(Finding.problem("ruleset", "cannot read the ruleset" + host.where() + ": " + facts.chainsError(),
                    "run doctor as root (it needs CAP_NET_ADMIN to list nf_tables)"));
            return;
        }
        List<HookedChain> docker = HookedChain.dockerChains(facts.chains());
        if (!docker.isEmpty() && config.iptablesOff()) {
            List<String> tables = dockerTables(docker);
            out.add(Finding.problem("docker-leftovers", "Docker's own chains are still here (" + describe(docker)
                    + ") though " + file + " says \"iptables\": false" + host.where() + ": leftovers of Docker's firewall "
                    + "(dockerd does not remove them when the setting changes), whose accepts, port DNATs, masquerades "
                    + "and forward policy still run beside bridgewall's table",
                    "reboot, or, if " + String.join(" and ", tables.stream().map(t -> "'" + t + "'").toList())
                            + " hold nothing but Docker's rules (look first: '" + host.run("nft list table " + tables.get(0))
                            + "'), delete them: " + String.join("; ", tables.stream()
                            .map(t -> "'" + host.run("nft delete table " + t) + "'").toList())
                            + " (bridgewall's table stays; Docker will not recreate them while \"iptables\" is false)"));
        } else if (!docker.isEmpty()) {
            String why = config.state() == DockerDaemonConfig.State.MISSING ? "no " + file + ", so Docker's default"
                    : config.iptables().isPresent() ? file + " says \"iptables\": true" : file + " leaves \"iptables\" at its default, true";
            out.add(Finding.info("docker-firewall", "coexistence mode: Docker's own firewall is on (" + why
                    + "; chains " + describe(docker) + ")" + host.where() + ": bridgewall's table adds containment on top "
                    + "of Docker's rules, Docker's published ports (DNAT) and masquerade keep working, and apply leaves "
                    + "the host's input alone unless --allow-port is given"));
        } else if (config.iptablesOff()) {
            out.add(Finding.info("docker-firewall", "Docker's own firewall is off (\"iptables\": false in " + file
                    + ") and none of its chains are here" + host.where() + ": bridgewall alone masquerades and filters "
                    + "the containers' traffic"));
        } else if (config.state() == DockerDaemonConfig.State.READ) {
            out.add(Finding.warning("docker-firewall", file + " leaves Docker's own firewall on (\"iptables\" "
                    + (config.iptables().isPresent() ? "true" : "not set, default true") + "), but none of its chains are "
                    + "here" + host.where() + ": dockerd is not running here or has not started yet, so apply "
                    + "(--docker-firewall auto) plans as if it were off, and the plan changes once Docker starts",
                    "start Docker before 'bridgewall apply' (or give --docker-firewall on), or set \"iptables\": false in "
                            + file + " and restart Docker to let bridgewall filter alone"));
        } else if (config.state() == DockerDaemonConfig.State.MISSING) {
            out.add(Finding.info("docker-firewall", "no " + file + " and no Docker chains here" + host.where()
                    + ": Docker's own firewall is not running (if Docker starts with its default \"iptables\": true, "
                    + "it adds its chains and apply switches to coexistence mode)"));
        }
    }

    /** "ip filter", "ip nat": the tables Docker's chains are in, as nft names them. */
    private static List<String> dockerTables(List<HookedChain> docker) {
        Set<String> tables = new LinkedHashSet<>();
        docker.forEach(chain -> tables.add(chain.familyName() + " " + chain.table()));
        return List.copyOf(tables);
    }

    private static String describe(List<HookedChain> chains) {
        List<String> named = chains.stream().map(HookedChain::describe).distinct().toList();
        return String.join(", ", named.subList(0, Math.min(4, named.size())))
                + (named.size() > 4 ? " and " + (named.size() - 4) + " more" : "");
    }

    /**
     * Other tables' base chains on our hooks. The kernel runs every base chain of a hook: a drop
     * in any of them ends the packet, an accept only ends that chain. So theirs can drop what we
     * accept, never accept what we drop.
     */
    private static void foreignChains(HostFacts facts, List<Finding> out) {
        boolean dockerCoexists = !HookedChain.dockerChains(facts.chains()).isEmpty() && !facts.dockerConfig().iptablesOff();
        for (HookedChain chain : facts.chains()) {
            if (!chain.base() || !OUR_HOOKS.contains(chain.hook())
                    || !Set.of(FAMILY_INET, FAMILY_IP, FAMILY_IP6).contains(chain.family())
                    || chain.family() == FAMILY_INET && chain.table().equals(OUR_TABLE)) {
                continue;
            }
            String owner = owner(chain, facts.chains());
            String name = chain.describe() + " (" + owner + "; " + chain.type() + " chain on the " + chain.hookName()
                    + " hook, priority " + chain.priority() + ", policy " + chain.policy() + ")";
            boolean dropsForwarded = chain.hook() == 2 && chain.type().equals("filter") && chain.policy().equals("drop");
            if (dropsForwarded && dockerCoexists && owner.startsWith("Docker")) {
                out.add(Finding.info("foreign-chain", name + ": Docker's forward chain, which accepts its own containers' "
                        + "traffic; bridgewall's drops still hold, since a drop in any table wins"));
            } else if (dropsForwarded) {
                out.add(Finding.problem("foreign-chain", name + ": drops every forwarded packet it does not accept itself, "
                        + "container traffic bridgewall accepts included (a drop in any table wins)",
                        policyAcceptFix(chain, owner) + "; bridgewall's table keeps dropping what its policy drops"));
            } else if (chain.hook() == 1 && chain.policy().equals("drop")) {
                out.add(Finding.info("foreign-chain", name + ": host ports bridgewall opens (--allow-port, published "
                        + "ports) stay closed unless this chain accepts them too; bridgewall's input drops hold either way"));
            } else {
                out.add(Finding.info("foreign-chain", name + ": its drops also apply to traffic bridgewall accepts; its "
                        + "accepts do not override bridgewall's drops"));
            }
        }
    }

    /** Who made a table, judged from its name and chains: what tells the admin which tool changes it. */
    static String owner(HookedChain chain, List<HookedChain> all) {
        List<HookedChain> sameTable = all.stream()
                .filter(c -> c.family() == chain.family() && c.table().equals(chain.table())).toList();
        if (chain.table().equals("firewalld")) {
            return "firewalld";
        }
        if (sameTable.stream().anyMatch(c -> c.name().startsWith("ufw-") || c.name().startsWith("ufw6-"))) {
            return "ufw";
        }
        if (!HookedChain.dockerChains(sameTable).isEmpty()) {
            return "Docker's iptables rules";
        }
        if (chain.table().equals("docker-bridges")) {
            return "Docker's nftables rules"; // Docker 29's firewall-backend nftables
        }
        if ((chain.family() == FAMILY_IP || chain.family() == FAMILY_IP6) && IPTABLES_TABLES.contains(chain.table())) {
            return "iptables-nft";
        }
        return "nft";
    }

    private static String policyAcceptFix(HookedChain chain, String owner) {
        String iptables = chain.family() == FAMILY_IP6 ? "ip6tables" : "iptables";
        return switch (owner) {
            case "ufw" -> "let routed traffic through ufw: 'ufw default allow routed' (or 'ufw route allow in on BRIDGE' "
                    + "per container bridge)";
            case "firewalld" -> "let the container bridges forward in firewalld: 'firewall-cmd --permanent --zone=docker "
                    + "--add-interface=BRIDGE' then 'firewall-cmd --reload'";
            case "Docker's iptables rules", "iptables-nft" -> "accept forwarded container traffic there: '" + iptables
                    + " -I " + chain.name() + " -i BRIDGE -j ACCEPT' per container bridge (or '" + iptables + " -P "
                    + chain.name() + " ACCEPT')";
            default -> "accept container traffic in that chain, or set its policy: 'nft chain " + chain.describe()
                    + " { policy accept \\; }'";
        };
    }

    private static void forwarding(HostFacts.Sysctl sysctl, String family, Host host, List<Finding> out) {
        if (sysctl.value().isEmpty()) {
            out.add(Finding.warning("forwarding", "cannot read " + sysctl.name() + host.where() + ": " + sysctl.problem(),
                    "check it by hand: '" + host.run("sysctl " + sysctl.name()) + "'"));
        } else if (!sysctl.value().get().equals("1")) {
            out.add(Finding.problem("forwarding", sysctl.name() + " is " + sysctl.value().get() + host.where() + ": the host "
                    + "routes no " + family + ", so containers reach nothing beyond their bridge",
                    "'" + host.run("sysctl -w " + sysctl.name() + "=1") + "' (Docker sets it when it starts, unless "
                            + "told --ip-forward=false; to keep it, put " + sysctl.name() + "=1 in /etc/sysctl.d/)"));
        }
    }

    private static void bridgeNetfilter(HostFacts facts, Host host, List<Finding> out) {
        String sysctls = "net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1";
        switch (facts.bridgeNetfilter()) {
            case ENABLED -> out.add(Finding.info("br-netfilter", "br_netfilter is on" + host.where()
                    + ": frames between containers on one bridge pass the forward chain"));
            case DISABLED -> out.add(facts.bridgeNetfilterNeeded()
                    ? Finding.problem("br-netfilter", "net.bridge.bridge-nf-call-iptables is off" + host.where()
                            + ": containers on the same bridge are NOT isolated from each other",
                    "'" + host.run("sysctl -w " + sysctls) + "', or 'bridgewall apply --enable-br-netfilter'")
                    : Finding.info("br-netfilter", "net.bridge.bridge-nf-call-iptables is off" + host.where()
                            + "; the policy isolates no bridge, so nothing relies on it"));
            case MODULE_NOT_LOADED -> out.add(facts.bridgeNetfilterNeeded()
                    ? Finding.problem("br-netfilter", "br_netfilter is not loaded: containers on the same bridge are NOT "
                            + "isolated from each other",
                    "'modprobe br_netfilter' (and 'echo br_netfilter > /etc/modules-load.d/br_netfilter.conf' to keep it), "
                            + "then '" + host.run("sysctl -w " + sysctls) + "'")
                    : Finding.info("br-netfilter", "br_netfilter is not loaded; the policy isolates no bridge, so nothing "
                            + "relies on it"));
        }
    }

    private static void libraries(HostFacts facts, List<Finding> out) {
        for (HostFacts.Library library : facts.libraries()) {
            if (library.file().isPresent()) {
                out.add(Finding.info("libraries", library.soname() + " is " + library.file().get()
                        + library.fileVersion().map(v -> " (ABI version " + v + " in its file name; the library reports "
                        + "no version itself)").orElse("") + library.packageVersion().map(v -> "; Debian package "
                        + library.debianPackage() + " " + v + " is installed").orElse("")));
            } else {
                out.add(Finding.problem("libraries", library.problem(), "apt-get install " + library.debianPackage()));
            }
        }
    }

    private static void nat(HostFacts facts, List<Finding> out) {
        HostFacts.NatProbe nat = facts.nat();
        switch (nat.outcome()) {
            case USABLE -> out.add(Finding.info("nat", "nf_tables takes an inet nat chain with masquerade (shown to the "
                    + "kernel in a throwaway table and discarded, never committed)"));
            case REFUSED -> out.add(Finding.problem("nat", "the kernel refuses an inet nat chain with masquerade: "
                    + nat.detail(), "'modprobe nft_chain_nat nft_masq' (the host's modules, also for a namespace; "
                    + "inet NAT needs Linux 5.2 or later)"));
            case NOT_RUN -> out.add(Finding.warning("nat", "inet NAT was not checked: " + nat.detail(),
                    "fix the problem above and run doctor again"));
        }
    }

    private static void table(HostFacts facts, Host host, List<Finding> out) {
        HostFacts.TableState table = facts.table();
        String name = "table " + table.table();
        switch (table.status()) {
            case NOT_INSTALLED -> out.add(Finding.problem("table", name + " is not installed" + host.where()
                    + ": nothing contains the containers", "run 'bridgewall apply' with the options given to doctor"));
            case EQUALS_PLAN -> out.add(Finding.info("table", name + " holds exactly the plan apply would make now"));
            case DIFFERS -> {
                List<String> named = new ArrayList<>(table.differences().subList(0,
                        Math.min(NAMED_DIFFERENCES, table.differences().size())));
                if (table.differences().size() > NAMED_DIFFERENCES) {
                    named.add("and " + (table.differences().size() - NAMED_DIFFERENCES) + " more");
                }
                out.add(Finding.problem("table", name + " differs from the plan apply would make now (changed by "
                        + "someone, or Docker's networks changed since): " + String.join("; ", named),
                        "run 'bridgewall apply' with the options given to doctor ('bridgewall apply --check' shows "
                                + "what it would change first)"));
            }
            case INSTALLED_NOT_COMPARED -> out.add(Finding.info("table", name + " is installed; not compared with "
                    + "a plan (see the plan warning)"));
            case UNREADABLE -> out.add(Finding.problem("table", "cannot read " + name + ": " + table.detail(),
                    "run doctor as root (it needs CAP_NET_ADMIN)"));
        }
    }

    private static void units(HostFacts facts, List<Finding> out) {
        HostFacts.Units units = facts.units();
        if (!units.systemdRunning()) {
            out.add(Finding.info("units", "systemd is not running here (no /run/systemd/system): the boot units are "
                    + "not checked"));
            return;
        }
        List<String> notEnabled = units.states().entrySet().stream()
                .filter(e -> !e.getValue().equals("enabled") && !e.getValue().equals("not-found"))
                .map(java.util.Map.Entry::getKey).toList();
        units.states().forEach((unit, state) -> {
            switch (state) {
                case "enabled" -> out.add(Finding.info("units", unit + " is enabled"));
                case "not-found" -> out.add(Finding.info("units", unit + " is not installed (bridgewall runs from a "
                        + "source checkout here?): the .deb installs it, README, 'The systemd units', says how to enable it"));
                default -> out.add(Finding.warning("units", unit + " is " + state + ": "
                        + (unit.contains("boot") ? "nothing contains containers from boot until the first apply"
                        : "nothing follows Docker's networks or repairs the table"),
                        "systemctl enable " + String.join(" ", notEnabled)
                                + (state.equals("masked") ? " (after 'systemctl unmask " + unit + "')" : "")));
            }
        });
    }
}
