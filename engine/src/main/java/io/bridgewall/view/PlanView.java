package io.bridgewall.view;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.Containment;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InterfacePattern;
import io.bridgewall.policy.Isolation;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.util.List;
import java.util.Map;

/**
 * What `plan --json` prints: the policy as decided (bridges, blocked destinations, host input,
 * containment, isolation) and the ruleset `apply` would converge to. Built from the same
 * {@link Policy} and {@link RuleSet} the nft text comes from; pure.
 *
 * <p>New parts of the policy become new fields of {@link PolicyView} (and a bridge's new
 * properties new fields of {@link BridgeView}): additive, so the format stays 1.
 */
public record PlanView(int format, String kind, TableId table, PolicyView policy, RuleSetView ruleset) implements View {
    public static PlanView of(Policy policy, RuleSet planned) {
        return new PlanView(FORMAT, "plan", new TableId(planned.family().nftName(), planned.table()), PolicyView.of(policy),
                RuleSetView.of(planned, chain -> chain.rules().stream()
                        .<RuleSetView.RuleView>map(RuleSetView.RuleView.Planned::of).toList()));
    }

    /**
     * The policy as decided.
     *
     * @param isolation            the global choice: "docker" (each network's enable_icc) or "strict"
     * @param blockedDestinations  CIDRs no container may reach
     */
    public record PolicyView(String isolation, List<BridgeView> bridges, List<String> blockedDestinations,
                             HostInputView hostInput, ContainmentView containment, DockerFirewallView dockerFirewall,
                             Map<String, String> networkIsolation, List<ExceptionView> exceptions,
                             List<ResolverView> dnsResolvers, PublishedPortsView publishedPorts, LoggingView logging) {
        public PolicyView {
            bridges = List.copyOf(bridges);
            blockedDestinations = List.copyOf(blockedDestinations);
            networkIsolation = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(networkIsolation));
            exceptions = List.copyOf(exceptions);
            dnsResolvers = List.copyOf(dnsResolvers);
        }

        static PolicyView of(Policy policy) {
            Map<String, String> perNetwork = new java.util.TreeMap<>();
            policy.networkIsolation().forEach((network, isolation) -> perNetwork.put(network, isolation.word()));
            return new PolicyView(policy.isolation().word(),
                    policy.bridges().stream().map(b -> BridgeView.of(policy, b, policy.containersTalkOn(b))).toList(),
                    texts(policy.blockedDestinations()), HostInputView.of(policy.hostInput()),
                    ContainmentView.of(policy), new DockerFirewallView(policy.dockerFirewall().present(),
                    policy.dockerFirewall().evidence()), perNetwork,
                    policy.allowances().stream().map(a -> new ExceptionView(a.text(), a.origin(), a.networks(),
                            policy.bridgesOf(a).stream().map(b -> b.name().value()).toList())).toList(),
                    policy.dnsResolvers().stream().map(r -> new ResolverView(r.allowance().destinationText(), r.source()))
                            .toList(),
                    new PublishedPortsView(policy.publishedPorts().open(), policy.publishedPorts().ports().stream()
                            .map(p -> new PublishedPortView(p.address().map(java.net.InetAddress::getHostAddress).orElse(""),
                                    p.family() == io.bridgewall.policy.IpFamily.IPV4 ? "ipv4" : "ipv6", p.port(),
                                    p.protocol().nftName(), p.container(), p.loopbackOnly()))
                            .toList()),
                    new LoggingView(policy.dropLogging().enabled(), policy.dropLogging().enabled()
                            ? policy.dropLogging().describe() : ""));
        }
    }

    /**
     * An exception: what it lets containers reach, before the drops.
     *
     * @param allow    the exception as --allow writes it
     * @param origin   where it came from (--allow, the config file and its line)
     * @param networks the Docker networks it is limited to; empty: every container
     * @param bridges  the bridges those networks have now; empty for a limited one: allows nothing yet
     */
    public record ExceptionView(String allow, String origin, List<String> networks, List<String> bridges) {
    }

    /** A resolver containers use: udp and tcp 53 to it are an exception; {@code source} says where it was found. */
    public record ResolverView(String address, String source) {
    }

    /** Docker's published host ports: {@code open} false with --no-published-ports. */
    public record PublishedPortsView(boolean open, List<PublishedPortView> ports) {
    }

    /**
     * One published port.
     *
     * @param address      the host address it is published on; "" for every address of {@code family}
     * @param loopbackOnly published on loopback: nothing to open (lo is accepted)
     */
    public record PublishedPortView(String address, String family, int port, String protocol, String container,
                                    boolean loopbackOnly) {
    }

    /** Logging of drops: {@code description} says the rate and where lines go (kernel log or NFLOG group). */
    public record LoggingView(boolean enabled, String description) {
    }

    /**
     * Whether Docker runs its own firewall here (coexistence mode).
     *
     * @param present  true: containment on top of Docker's rules, DNAT'd published ports pass
     * @param evidence why: the Docker chains found, "no DOCKER chains in the ruleset", or the flag given
     */
    public record DockerFirewallView(boolean present, String evidence) {
    }

    /**
     * One bridge (Docker network, or given with --bridge).
     *
     * @param masquerade      whether its containers' traffic is masqueraded when it leaves the
     *                        host (never for an internal network, whose traffic does not leave)
     * @param internal        nothing leaves the bridge, nothing enters it
     * @param containersTalk  whether containers on this bridge reach each other
     * @param isolatedBecause why they do not: "strict" (--isolation strict), "docker0" (the
     *                        default bridge, as in the seed), "enable_icc_false" (the network
     *                        says so); "" when they talk
     */
    public record BridgeView(String name, List<String> subnets, OriginView origin, boolean internal, boolean masquerade,
                             boolean containersTalk, String isolatedBecause) {
        public BridgeView {
            subnets = List.copyOf(subnets);
        }

        static BridgeView of(Policy policy, Bridge bridge, boolean talks) {
            return new BridgeView(bridge.name().value(), texts(bridge.subnets()), OriginView.of(bridge.origin()),
                    bridge.internal(), bridge.masquerade() && !bridge.internal(), talks,
                    talks ? "" : isolatedBecause(policy, bridge));
        }

        private static String isolatedBecause(Policy policy, Bridge bridge) {
            if (policy.isolation() == Isolation.STRICT) {
                return "strict";
            }
            return bridge.name().value().equals(Bridge.DOCKER0) ? "docker0" : "enable_icc_false";
        }
    }

    /**
     * Where a bridge came from.
     *
     * @param source        "docker" (a Docker network), "flag" (--bridge), "docker_and_flag" (a
     *                      Docker network whose subnets --bridge replaced), "other" (built by code: the demo)
     * @param network       the Docker network's name; "" when not from Docker
     * @param networkId     its short id; "" when not from Docker
     * @param dockerSubnets the subnets Docker has, when --bridge replaced them; else empty
     * @param description   the same in words, as `plan` prints it
     */
    public record OriginView(String source, String network, String networkId, List<String> dockerSubnets,
                             String description) {
        public OriginView {
            dockerSubnets = List.copyOf(dockerSubnets);
        }

        static OriginView of(BridgeOrigin origin) {
            if (origin instanceof BridgeOrigin.Docker docker) {
                return new OriginView("docker", docker.network(), docker.shortId(), List.of(), origin.describe());
            } else if (origin instanceof BridgeOrigin.DockerWithGivenSubnets overridden) {
                return new OriginView("docker_and_flag", overridden.docker().network(), overridden.docker().shortId(),
                        texts(overridden.dockerSubnets()), origin.describe());
            } else if (origin instanceof BridgeOrigin.Given) {
                return new OriginView("flag", "", "", List.of(), origin.describe());
            }
            return new OriginView("other", "", "", List.of(), origin.describe());
        }
    }

    /**
     * The host's own input.
     *
     * @param managed   false: bridgewall leaves the input path alone (--no-input)
     * @param openPorts ports open to everyone when managed
     * @param portsFrom ports open only to some source networks (--allow-port 22/tcp@10.1.0.0/16, the
     *                  config file's {@code from}), in port order
     */
    public record HostInputView(boolean managed, List<PortView> openPorts, List<PortFromView> portsFrom) {
        public HostInputView {
            openPorts = List.copyOf(openPorts);
            portsFrom = List.copyOf(portsFrom);
        }

        static HostInputView of(HostInput input) {
            return new HostInputView(input.managed(), input.managed()
                    ? input.allowedPorts().stream().map(p -> new PortView(p.number(), p.protocol().nftName())).toList()
                    : List.of(),
                    input.portSources().entrySet().stream().map(e -> new PortFromView(e.getKey().number(),
                            e.getKey().protocol().nftName(), texts(e.getValue()))).toList());
        }
    }

    /** A host port open only to the source networks {@code from}. */
    public record PortFromView(int port, String protocol, List<String> from) {
        public PortFromView {
            from = List.copyOf(from);
        }
    }

    /** A port and its protocol (tcp, udp). */
    public record PortView(int port, String protocol) {
    }

    /**
     * Containment by interface name.
     *
     * @param enabled           false with --contain none
     * @param patterns          names and trailing-* prefixes contained from the first packet
     * @param exempt            names the patterns match that are left out (--uncontain)
     * @param ignoredExemptions --uncontain names that are bridges of the policy: contained all the same
     */
    public record ContainmentView(boolean enabled, List<String> patterns, List<String> exempt,
                                  List<String> ignoredExemptions) {
        public ContainmentView {
            patterns = List.copyOf(patterns);
            exempt = List.copyOf(exempt);
            ignoredExemptions = List.copyOf(ignoredExemptions);
        }

        static ContainmentView of(Policy policy) {
            Containment containment = policy.containment();
            return new ContainmentView(!containment.isOff(),
                    containment.patterns().stream().map(InterfacePattern::value).toList(),
                    policy.effectiveExemptions().stream().map(InterfaceName::value).toList(),
                    policy.ignoredExemptions().stream().map(b -> b.name().value()).toList());
        }
    }

    private static List<String> texts(List<Cidr> cidrs) {
        return cidrs.stream().map(Cidr::toString).toList();
    }
}
