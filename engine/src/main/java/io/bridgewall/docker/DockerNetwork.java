package io.bridgewall.docker;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import java.util.List;

/**
 * A Docker network of the bridge driver, as far as the firewall cares.
 *
 * @param id                 Docker's network id (64 hex digits)
 * @param name               the network's name (bridge, my-net, ...)
 * @param bridge             the Linux bridge interface the network's containers hang off
 * @param subnets            every IPAM subnet, IPv4 and IPv6
 * @param internal           created with --internal: no traffic to or from outside the bridge
 * @param enableIpv6         created with --ipv6
 * @param ipMasquerade       option com.docker.network.bridge.enable_ip_masquerade (default true)
 * @param interContainerCommunication option com.docker.network.bridge.enable_icc (default true)
 * @param defaultBridge      Docker's default network (docker0). Its options come from dockerd's own
 *                           configuration, not from a user: with {@code "iptables": false} dockerd
 *                           forces its enable_ip_masquerade to false, since Docker then masquerades nothing.
 * @param warnings           one line each about values bridgewall does not use for the firewall and
 *                           could not read (a bad enable_icc, say): reported, never fatal
 */
public record DockerNetwork(String id, String name, InterfaceName bridge, List<Cidr> subnets, boolean internal,
                            boolean enableIpv6, boolean ipMasquerade, boolean interContainerCommunication,
                            boolean defaultBridge, List<String> warnings) {
    public DockerNetwork {
        if (id == null || id.isEmpty() || name == null || bridge == null) {
            throw new IllegalArgumentException("a Docker network needs an id, a name and a bridge");
        }
        subnets = List.copyOf(subnets);
        warnings = List.copyOf(warnings);
    }

    /** Docker's short id, as `docker network ls` shows it. */
    public String shortId() {
        return id.length() <= 12 ? id : id.substring(0, 12);
    }

    /** For messages and the bridge's origin: {@code docker network "name" (id 0123456789ab)}. */
    public String description() {
        return origin().describe();
    }

    public BridgeOrigin.Docker origin() {
        return new BridgeOrigin.Docker(name, shortId());
    }

    /**
     * The bridge as the policy sees it. The default bridge is always masqueraded, as the seed
     * does: its enable_ip_masquerade=false only echoes dockerd's own "iptables": false, not a
     * wish of the user. Masquerading is pointless on an internal network. Its containers never
     * reach each other (the seed's behaviour); other networks follow their enable_icc.
     */
    public Bridge toBridge() {
        try {
            // docker0 keeps the seed's isolation whatever dockerd says of its enable_icc.
            return new Bridge(bridge, subnets, (ipMasquerade || defaultBridge) && !internal, internal, origin(),
                    interContainerCommunication && !defaultBridge);
        } catch (InvalidInputException e) {
            // Docker answered clearly; what it describes is input the user can fix in Docker.
            throw new InvalidInputException(description() + " cannot be firewalled: " + e.getMessage(), e);
        }
    }
}
