package io.bridgewall.it.lab;

import io.bridgewall.it.support.Bridgewall;
import java.util.List;

/**
 * bridgewall itself, as users run it: the CLI jar applied to the lab's host namespace,
 * discovering the lab's dockerd over its socket.
 */
public final class BridgewallCliFirewall implements Firewall {
    @Override
    public String name() {
        return "bridgewall";
    }

    @Override
    public void apply(Lab lab) {
        Bridgewall.run(List.of(), List.of("apply", "--netns", lab.host().name(), "--docker-host", lab.docker().host()))
                .orThrow();
    }
}
