package io.bridgewall.it.lab;

import io.bridgewall.it.support.Bridgewall;
import java.util.List;

/**
 * bridgewall itself, as users run it: the CLI jar applied to the lab's host namespace,
 * discovering the lab's dockerd over its socket. Without the DNS exception: the lab's
 * containers inherit this machine's resolvers (dockerd copies its resolv.conf), and a lab
 * result must not depend on the machine (DnsExceptionLabTest tests DNS with its own resolver).
 */
public final class BridgewallCliFirewall implements Firewall {
    @Override
    public String name() {
        return "bridgewall";
    }

    @Override
    public void apply(Lab lab) {
        Bridgewall.run(List.of(), List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host(),
                "--no-dns-exception"))
                .orThrow();
    }
}
