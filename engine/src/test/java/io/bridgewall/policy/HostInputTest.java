package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HostInputTest {
    @Test
    void aPortWithSourcesIsOpenOnlyToThem() {
        HostInput input = HostInput.parsePorts(List.of("443", "22/tcp@10.1.0.0/16,fd00::/8", "22/tcp@192.168.5.0/24"));
        assertThat(input.allowedPorts()).containsExactly(Port.parse("443"));
        assertThat(input.portSources()).isEqualTo(new TreeMap<>(Map.of(Port.parse("22/tcp"),
                List.of(Cidr.parse("10.1.0.0/16"), Cidr.parse("192.168.5.0/24"), Cidr.parse("fd00::/8")))));
        assertThat(input.sshOpen()).isTrue();
        assertThat(input.describePorts()).containsExactly("443/tcp", "22/tcp from 10.1.0.0/16 or 192.168.5.0/24 or fd00::/8");
    }

    @Test
    void portsGivenWithoutSshCloseIt() {
        assertThat(HostInput.parsePorts(List.of("80")).sshOpen()).isFalse();
        assertThat(HostInput.defaults().sshOpen()).isTrue();
    }

    @Test
    void refusesAPortBothOpenToAllAndLimited() {
        assertRejected(() -> HostInput.parsePorts(List.of("22", "22/tcp@10.1.0.0/16")))
                .hasMessage("host port 22/tcp is opened to everyone and also limited to [10.1.0.0/16]; give it once, "
                        + "with or without sources");
    }

    @Test
    void refusesBadSources() {
        assertRejected(() -> HostInput.parsePorts(List.of("22@")))
                .hasMessage("'22@' names no source after '@'; write it like 22/tcp@10.1.0.0/16");
        assertRejected(() -> HostInput.parsePorts(List.of("22@10.1.0.1/16")))
                .hasMessage("'22@10.1.0.1/16': 10.1.0.1/16 has host bits set; did you mean 10.1.0.0/16?");
        assertRejected(() -> HostInput.parsePorts(List.of("0@10.1.0.0/16")))
                .hasMessageContaining("port 0 is out of range");
    }
}
