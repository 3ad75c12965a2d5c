package io.bridgewall.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DockerDiscoveryWarmUpTest {
    @Test
    void theWarmUpSamplesParseAsOneNetworkAndOneContainer() {
        // A sample the parsers refuse would make the warm-up silently warm nothing.
        assertThat(DockerDiscovery.parseSamples()).isEqualTo(2);
    }
}
