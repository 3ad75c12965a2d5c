package io.bridgewall.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.InvalidInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DockerEndpointTest {
    @Test
    void theExplicitOptionWinsOverTheEnvironment() {
        DockerEndpoint endpoint = DockerEndpoint.resolve(Optional.of("unix:///run/custom.sock"),
                Map.of("DOCKER_HOST", "unix:///run/env.sock"));

        assertThat(endpoint.socket()).isEqualTo(Path.of("/run/custom.sock"));
    }

    @Test
    void dockerHostFromTheEnvironmentIsUsedWithoutAnOption() {
        assertThat(DockerEndpoint.resolve(Optional.empty(), Map.of("DOCKER_HOST", "unix:///run/env.sock")).socket())
                .isEqualTo(Path.of("/run/env.sock"));
    }

    @Test
    void withNeitherTheDefaultSocketIsUsed() {
        assertThat(DockerEndpoint.resolve(Optional.empty(), Map.of()).socket())
                .isEqualTo(Path.of("/var/run/docker.sock"));
        assertThat(DockerEndpoint.resolve(Optional.empty(), Map.of("DOCKER_HOST", "  ")).socket())
                .isEqualTo(Path.of("/var/run/docker.sock"));
    }

    @Test
    void tcpAndSshEndpointsAreRefusedWithAHintToUseAUnixSocket() {
        assertThatThrownBy(() -> DockerEndpoint.resolve(Optional.empty(), Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("DOCKER_HOST: tcp:// endpoints are not supported; use a unix socket such as "
                        + "unix:///var/run/docker.sock (bridgewall only talks to the local dockerd)");
        assertThatThrownBy(() -> DockerEndpoint.resolve(Optional.of("ssh://me@host"), Map.of()))
                .hasMessageStartingWith("--docker-host: ssh:// endpoints are not supported; use a unix socket");
    }

    @Test
    void aPathWithoutSchemeIsBadInputWithTheUrlToWriteInstead() {
        assertThatThrownBy(() -> DockerEndpoint.resolve(Optional.of("/var/run/docker.sock"), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("--docker-host: '/var/run/docker.sock' has no scheme; write the socket as a URL: "
                        + "unix:///var/run/docker.sock");
        assertThatThrownBy(() -> DockerEndpoint.resolve(Optional.empty(), Map.of("DOCKER_HOST", "docker.sock")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("DOCKER_HOST: 'docker.sock' has no scheme");
    }

    @Test
    void aUnixUrlNeedsAnAbsolutePath() {
        assertThatThrownBy(() -> DockerEndpoint.resolve(Optional.of("unix://docker.sock"), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no absolute socket path");
    }

    @Test
    void printsAsTheUrlItCameFrom() {
        assertThat(DockerEndpoint.resolve(Optional.of("unix:///run/x/../docker.sock"), Map.of()))
                .hasToString("unix:///run/docker.sock");
    }
}
