package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllowanceTest {
    private static Allowance parse(String text) {
        return Allowance.parse(text, "--allow");
    }

    @Test
    void anAddressAloneIsEveryPortOfEveryProtocol() {
        Allowance allowance = parse("10.0.0.5");
        assertThat(allowance.destination()).isEqualTo(Cidr.parse("10.0.0.5/32"));
        assertThat(allowance.ports()).isEmpty();
        assertThat(allowance.protocols()).isEmpty();
        assertThat(allowance.networks()).isEmpty();
        assertThat(allowance.origin()).isEqualTo("--allow");
    }

    @Test
    void aPortWithoutProtocolMeansTcpAndUdp() {
        Allowance allowance = parse("10.0.0.5:5432");
        assertThat(allowance.ports()).contains(PortRange.single(5432));
        assertThat(allowance.protocols()).isEqualTo(Set.of(Protocol.TCP, Protocol.UDP));
        assertThat(allowance.protocolsInOrder()).containsExactly(Protocol.TCP, Protocol.UDP);
    }

    @Test
    void aPortRangeAndAProtocol() {
        Allowance allowance = parse("10.1.0.0/16:5000-5010/udp");
        assertThat(allowance.destination()).isEqualTo(Cidr.parse("10.1.0.0/16"));
        assertThat(allowance.ports()).contains(new PortRange(5000, 5010));
        assertThat(allowance.protocols()).containsExactly(Protocol.UDP);
    }

    @Test
    void aProtocolWithoutPortIsEveryPortOfIt() {
        Allowance allowance = parse("10.1.0.0/16/TCP");
        assertThat(allowance.ports()).isEmpty();
        assertThat(allowance.protocols()).containsExactly(Protocol.TCP);
    }

    @Test
    void ipv6TakesBracketsBeforeAPort() {
        Allowance withPort = parse("[2001:db8::5]:5432/tcp");
        assertThat(withPort.destination()).isEqualTo(Cidr.parse("2001:db8::5/128"));
        assertThat(withPort.ports()).contains(PortRange.single(5432));
        assertThat(withPort.protocols()).containsExactly(Protocol.TCP);

        assertThat(parse("2001:db8::/32").destination()).isEqualTo(Cidr.parse("2001:db8::/32"));
        assertThat(parse("2001:db8::5").ports()).isEmpty();
        assertThat(parse("[fd00:1::/64]:53").destination()).isEqualTo(Cidr.parse("fd00:1::/64"));
        assertThat(parse("[fd00::1]/udp").protocols()).containsExactly(Protocol.UDP);
        assertThat(parse("[fd00::/64]/tcp").text()).isEqualTo("[fd00::/64]/tcp");
    }

    @Test
    void networksBeforeAnEqualsSignLimitTheException() {
        Allowance allowance = parse("backend,my_app.db-net=10.0.0.5:5432/tcp");
        assertThat(allowance.networks()).containsExactly("backend", "my_app.db-net");
        assertThat(allowance.limitedToNetworks()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.5|10.0.0.5",
            "10.0.0.5:5432|10.0.0.5:5432",
            "10.0.0.5:5432/tcp|10.0.0.5:5432/tcp",
            "10.0.0.0/24:5000-5010/udp|10.0.0.0/24:5000-5010/udp",
            "[2001:db8::5]:5432/tcp|[2001:db8::5]:5432/tcp",
            "2001:db8::/32|2001:db8::/32",
            "backend=10.0.0.5/tcp|backend=10.0.0.5/tcp"})
    void textReadsBackAsTheSameException(String given, String text) {
        Allowance allowance = parse(given);
        assertThat(allowance.text()).isEqualTo(text);
        assertThat(parse(allowance.text())).isEqualTo(allowance);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1/24|host bits set; did you mean 10.0.0.0/24?",
            "10.0.0.5:0|port 0 is out of range; use 1 to 65535",
            "10.0.0.5:70000|port 70000 is out of range",
            "10.0.0.5:5010-5000|port range 5010-5000 is reversed; write it as 5000-5010",
            "10.0.0.5:http|'http' is not a port or port range",
            "10.0.0.5:|empty port",
            "0.0.0.0/0|0.0.0.0/0 is every address",
            "::/0|::/0 is every address",
            "0.0.0.0/1|wider than /8",
            "10.0.0.5:53/sctp|unknown protocol 'sctp'; use tcp or udp",
            "[2001:db8::5:53|needs its ']'",
            "[2001:db8::5]53|after ']' comes ':PORT' or nothing",
            "db.example.com:5432|is not an IP network",
            "bad name!=10.0.0.5|'bad name!' is not a Docker network name",
            "=10.0.0.5|'' is not a Docker network name",
            "10.0.0.5:53:54|is not a valid IPv6 network",
            "2001:db8::5:5432/tcp|an IPv6 destination with a port or protocol goes in brackets",
            "fd00::1/udp|an IPv6 destination with a port or protocol goes in brackets"})
    void refusesWithOneLineThatQuotesTheInputAndNotTheOption(String text, String expected) {
        assertRejected(() -> parse(text))
                .hasMessageStartingWith("'" + text + "': ")
                .hasMessageContaining(expected)
                .hasMessageNotContaining("--allow")
                .hasMessageNotContaining("\n");
    }

    @Test
    void emptyIsRefused() {
        assertRejected(() -> parse(" ")).hasMessageStartingWith("empty exception");
    }

    @Test
    void aDnsResolverIsUdpAndTcp53ToItsAddressOnly() {
        Allowance allowance = DnsResolver.parse("192.168.1.1", "/etc/resolv.conf").allowance();
        assertThat(allowance).isEqualTo(new Allowance(Cidr.parse("192.168.1.1/32"), Optional.of(PortRange.single(53)),
                EnumSet.of(Protocol.UDP, Protocol.TCP), List.of(), "dns: /etc/resolv.conf"));
        assertThat(allowance.text()).isEqualTo("192.168.1.1:53");
    }
}
