package io.bridgewall.dns;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a running container's DNS is made of, as Docker reports it: the host file Docker
 * bind-mounts as its /etc/resolv.conf ({@code ResolvConfPath}), and the servers it was started
 * with ({@code --dns}, {@code HostConfig.Dns}; on a user network these are where Docker's
 * embedded DNS forwards, and appear in no file).
 */
public record ContainerDns(String name, Optional<Path> resolvConfPath, List<String> dns) {
    public ContainerDns {
        dns = List.copyOf(dns);
    }
}
