package io.bridgewall.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests' dockerd takes nothing from the machine it runs on: here dockerd sees a machine
 * (a private mount namespace) whose /etc/docker/daemon.json turns Docker's own iptables
 * handling on and whose containerd socket exists but never answers. The daemon must start
 * and work anyway: it reads its own configuration file and talks to its own containerd.
 */
class DockerDaemonTest {
    @TempDir
    Path dir;

    @Test
    void ignoresTheMachinesDockerConfigurationAndContainerd() throws Exception {
        Root.require();
        Path machineConfig = Files.writeString(dir.resolve("daemon.json"), "{\"iptables\": true, \"ip6tables\": true}\n");
        Path machineContainerd = dir.resolve("containerd.sock");
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(machineContainerd));
            String machine = "mkdir -p /etc/docker /run/containerd"
                    + " && mount -t tmpfs machine /etc/docker && cp " + machineConfig + " /etc/docker/daemon.json"
                    + " && mount -t tmpfs machine /run/containerd && touch /run/containerd/containerd.sock"
                    + " && mount --bind " + machineContainerd + " /run/containerd/containerd.sock"
                    + " && exec \"$@\"";
            try (Netns netns = Netns.create("dockerd-iso");
                 DockerDaemon docker = DockerDaemon.start(netns,
                         List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", machine, "machine"))) {
                assertThat(docker.docker("network", "create", "iso-net").ok()).as(docker.log()).isTrue();
                assertThat(docker.docker("network", "ls", "--format", "{{.Name}}").orThrow().stdout()).contains("iso-net");
                assertThat(netns.exec("iptables", "-S").stdout()).as("Docker's own iptables rules in the test namespace")
                        .doesNotContain("DOCKER");
            }
        }
    }
}
