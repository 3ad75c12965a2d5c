package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortTest {
    @Test
    void bareNumberMeansTcp() {
        assertThat(Port.parse("22")).isEqualTo(new Port(22, Protocol.TCP)).hasToString("22/tcp");
    }

    @Test
    void parsesExplicitProtocols() {
        assertThat(Port.parse("22/tcp")).isEqualTo(new Port(22, Protocol.TCP));
        assertThat(Port.parse("53/udp")).isEqualTo(new Port(53, Protocol.UDP));
        assertThat(Port.parse(" 443/TCP ")).isEqualTo(new Port(443, Protocol.TCP));
    }

    @Test
    void acceptsTheWholeRange() {
        assertThat(Port.parse("1").number()).isEqualTo(1);
        assertThat(Port.parse("65535/udp").number()).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "99999/udp"})
    void rejectsPortsOutOfRange(String text) {
        assertRejected(() -> Port.parse(text))
                .hasMessage("port " + Integer.parseInt(text.split("/")[0]) + " is out of range; use 1 to 65535");
    }

    @Test
    void rejectsUnknownProtocol() {
        assertRejected(() -> Port.parse("22/sctp")).hasMessage("'22/sctp' has unknown protocol 'sctp'; use tcp or udp");
        assertRejected(() -> Port.parse("22/")).hasMessage("'22/' has unknown protocol ''; use tcp or udp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh", "22/tcp/udp", "-1", "123456", "22 /tcp", "/tcp", "2 2", "0x16"})
    void rejectsGarbage(String text) {
        assertRejected(() -> Port.parse(text))
                .hasMessage("'" + text + "' is not a port; write it like 22, 22/tcp or 53/udp");
    }

    @Test
    void rejectsEmptyTextAndMissingProtocol() {
        assertRejected(() -> Port.parse(" ")).hasMessage("empty port: give one like 22 or 53/udp");
        assertRejected(() -> new Port(22, null)).hasMessage("port 22 has no protocol; use tcp or udp");
    }

    @Test
    void ordersTcpBeforeUdpThenByNumber() {
        assertThat(new java.util.TreeSet<>(java.util.List.of(Port.parse("53/udp"), Port.parse("443"), Port.parse("22"))))
                .extracting(Port::toString).containsExactly("22/tcp", "443/tcp", "53/udp");
    }
}
