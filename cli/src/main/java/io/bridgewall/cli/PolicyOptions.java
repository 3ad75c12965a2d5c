package io.bridgewall.cli;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.Port;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that decide the policy; shared by apply and plan so both mean the same thing. */
final class PolicyOptions {
    @Option(names = "--bridge", paramLabel = "NAME=CIDR[,CIDR...]",
            description = "A bridge and its container subnets, e.g. docker0=172.17.0.0/16. Repeatable.")
    List<String> bridges = new ArrayList<>();

    @Option(names = "--allow-port", paramLabel = "PORT[/tcp|/udp]",
            description = "Open this host port to everyone (repeatable; replaces the default 22/tcp).")
    List<String> allowPorts = new ArrayList<>();

    @Option(names = "--no-input",
            description = "Leave the host's input path alone (for hosts with their own firewall).")
    boolean noInput;

    Policy policy() {
        List<Bridge> parsed = bridges.stream().map(PolicyOptions::parseBridge).toList();
        HostInput input;
        if (noInput) {
            if (!allowPorts.isEmpty()) {
                throw new InvalidInputException("--allow-port has no effect with --no-input; drop one of them");
            }
            input = HostInput.unmanaged();
        } else {
            input = allowPorts.isEmpty() ? HostInput.defaults()
                    : new HostInput(true, allowPorts.stream().map(Port::parse).toList());
        }
        return new Policy(parsed, Policy.DEFAULT_BLOCKED, input);
    }

    static Bridge parseBridge(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0 || equals == text.length() - 1) {
            throw new InvalidInputException("--bridge '" + text + "' must look like NAME=CIDR[,CIDR...], e.g. docker0=172.17.0.0/16");
        }
        InterfaceName name = InterfaceName.of(text.substring(0, equals));
        List<Cidr> subnets = Arrays.stream(text.substring(equals + 1).split(",", -1)).map(Cidr::parse).toList();
        return new Bridge(name, subnets, true, false, "given with --bridge");
    }
}
