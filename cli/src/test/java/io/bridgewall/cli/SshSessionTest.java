package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.HostInput;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Port;
import io.bridgewall.policy.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshSessionTest {
    @Test
    void readsWhatSshdWrites() {
        List<String> warnings = new ArrayList<>();
        SshSession session = SshSession.parse("203.0.113.5 50022 198.51.100.1 22", warnings::add).orElseThrow();
        assertThat(session.client().getHostAddress()).isEqualTo("203.0.113.5");
        assertThat(session.clientPort()).isEqualTo(50022);
        assertThat(session.server().getHostAddress()).isEqualTo("198.51.100.1");
        assertThat(session.serverPort()).isEqualTo(22);
        assertThat(warnings).isEmpty();
    }

    @Test
    void readsIpv6WithAZone() {
        SshSession session = SshSession.parse("fe80::1%eth0 40000 fe80::2%eth0 2222", w -> { }).orElseThrow();
        assertThat(session.serverPort()).isEqualTo(2222);
        assertThat(SshSession.parse("2001:db8::5 1 ::ffff:198.51.100.1 22", w -> { })).isPresent();
    }

    @Test
    void outsideSshThereIsNoSessionAndNoWarning() {
        List<String> warnings = new ArrayList<>();
        assertThat(SshSession.parse(null, warnings::add)).isEmpty();
        assertThat(SshSession.parse("", warnings::add)).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonsense", "a b c d", "203.0.113.5 50022 198.51.100.1", "203.0.113.5 50022 198.51.100.1 22 x",
        "203.0.113.5 50022 198.51.100.1 0", "203.0.113.5 50022 198.51.100.1 65536", "203.0.113.5 50022 198.51.100.1 -22",
        "203.0.113.5 50022 198.51.100.1 022", "256.0.0.1 1 198.51.100.1 22", "203.0.113.5 1 localhost 22",
        "203.0.113.5 1 example.com 22", "203.0.113.5  1 198.51.100.1 22", "::: 1 ::1 22x", "1.2.3.4 1 1.2.3.4 99999999999999999999",
        "\u001b[2J 1 2 3", "203.0.113.5\t1\t198.51.100.1\t22"})
    void garbageIsAWarningThatSaysTheCheckIsSkipped(String value) {
        List<String> warnings = new ArrayList<>();
        assertThat(SshSession.parse(value, warnings::add)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("SSH_CONNECTION is set but is not")
                .contains("lockout check is skipped").doesNotContain("\u001b");
    }

    @Test
    void aHugeValueIsNotEchoedWhole() {
        List<String> warnings = new ArrayList<>();
        assertThat(SshSession.parse("1".repeat(1_000_000), warnings::add)).isEmpty();
        assertThat(warnings.get(0).length()).isLessThan(300);
    }

    @Test
    void theGuardRefusesADroppedPortAndSaysHowToAllowIt() {
        Optional<SshSession> session = SshSession.parse("203.0.113.5 50022 198.51.100.1 2222", w -> { });
        assertThatThrownBy(() -> LockoutGuard.check(HostInput.defaults(), session, false))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--allow-port 2222/tcp").hasMessageContaining("--force");
        // udp on the same number does not carry ssh
        HostInput udpOnly = new HostInput(true, List.of(new Port(2222, Protocol.UDP)));
        assertThatThrownBy(() -> LockoutGuard.check(udpOnly, session, false)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void theGuardLetsThroughAnAllowedPortUnmanagedInputForceAndNoSession() {
        Optional<SshSession> session = SshSession.parse("203.0.113.5 50022 198.51.100.1 2222", w -> { });
        LockoutGuard.check(new HostInput(true, List.of(new Port(2222, Protocol.TCP))), session, false);
        LockoutGuard.check(HostInput.unmanaged(), session, false);
        LockoutGuard.check(HostInput.defaults(), session, true);
        LockoutGuard.check(HostInput.defaults(), Optional.empty(), false);
    }
}
