package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
    @Test
    void parsesIpv4Network() {
        Cidr cidr = Cidr.parse("172.17.0.0/16");

        assertThat(cidr.family()).isEqualTo(IpFamily.IPV4);
        assertThat(cidr.network().getHostAddress()).isEqualTo("172.17.0.0");
        assertThat(cidr.prefixLength()).isEqualTo(16);
        assertThat(cidr).hasToString("172.17.0.0/16");
    }

    @Test
    void parsesIpv6NetworkAndPrintsItCompressed() {
        assertThat(Cidr.parse("fc00:0000:0:0::/7")).hasToString("fc00::/7");
        assertThat(Cidr.parse("FD00:0D0C:0:0:0:0:0:0/64")).hasToString("fd00:d0c::/64");
        assertThat(Cidr.parse("fd00::/8").family()).isEqualTo(IpFamily.IPV6);
    }

    @Test
    void bareIpv4AddressIsASingleHost() {
        assertThat(Cidr.parse("192.0.2.7")).isEqualTo(Cidr.parse("192.0.2.7/32")).hasToString("192.0.2.7/32");
    }

    @Test
    void bareIpv6AddressIsASingleHost() {
        assertThat(Cidr.parse("2001:db8::1")).isEqualTo(Cidr.parse("2001:db8::1/128")).hasToString("2001:db8::1/128");
    }

    @Test
    void ignoresSurroundingWhitespace() {
        assertThat(Cidr.parse("  10.0.0.0/8\n")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    }

    @Test
    void acceptsTheWholeAddressSpace() {
        assertThat(Cidr.parse("0.0.0.0/0").last()).isEqualTo(BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE));
        assertThat(Cidr.parse("::/0")).hasToString("::/0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptyText(String text) {
        assertRejected(() -> Cidr.parse(text)).hasMessage("empty network: give a CIDR such as 172.17.0.0/16");
    }

    @Test
    void rejectsNull() {
        assertRejected(() -> Cidr.parse(null)).hasMessageStartingWith("empty network");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/8/9", "10.0.0.0/1000", "fd00::/ 64"})
    void rejectsBadPrefixText(String text) {
        assertRejected(() -> Cidr.parse(text))
                .hasMessage("'" + text + "' has no valid prefix length; write it like 172.17.0.0/16");
    }

    @Test
    void rejectsPrefixLongerThan32ForIpv4() {
        assertRejected(() -> Cidr.parse("10.0.0.0/33"))
                .hasMessage("prefix length /33 is out of range for 10.0.0.0; use 0 to 32");
    }

    @Test
    void rejectsPrefixLongerThan128ForIpv6() {
        assertRejected(() -> Cidr.parse("fd00::/129"))
                .hasMessage("prefix length /129 is out of range for fd00::; use 0 to 128");
    }

    @Test
    void rejectsNegativePrefixWhenBuiltDirectly() {
        Cidr network = Cidr.parse("10.0.0.0/8");
        assertRejected(() -> new Cidr(network.network(), -1)).hasMessageContaining("/-1 is out of range");
    }

    @Test
    void rejectsHostBitsAndSuggestsTheNetwork() {
        assertRejected(() -> Cidr.parse("172.17.0.1/16"))
                .hasMessage("172.17.0.1/16 has host bits set; did you mean 172.17.0.0/16?");
    }

    @Test
    void rejectsIpv6HostBitsAndSuggestsTheNetworkInCompressedForm() {
        assertRejected(() -> Cidr.parse("fd00::1/64"))
                .hasMessage("fd00::1/64 has host bits set; did you mean fd00::/64?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"010.0.0.0/8", "10.00.0.0/16", "10.0.0.01"})
    void rejectsLeadingZerosInAnOctet(String text) {
        assertRejected(() -> Cidr.parse(text))
                .hasMessageStartingWith("'" + text + "' is not a valid IPv4 network: octet '0")
                .hasMessageEndingWith("must be 0 to 255 without leading zeros");
    }

    @Test
    void rejectsOctetAbove255() {
        assertRejected(() -> Cidr.parse("10.256.0.0/16"))
                .hasMessage("'10.256.0.0/16' is not a valid IPv4 network: octet '256' must be 0 to 255 without leading zeros");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0/24", "10.0.0.0.0/24", "1234.0.0.0/8", "fd00::g/64", "fd00::1%eth0", "[fd00::]/64",
        "not an address", "10.0.0.0 /8"})
    void rejectsTextThatIsNoAddress(String text) {
        assertRejected(() -> Cidr.parse(text)).hasMessage("'" + text.strip()
                + "' is not an IP network; write it like 172.17.0.0/16 or fd00::/64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fd00:::1/64", "1:2:3:4:5:6:7:8:9/64", "fd00::1::2/64", "12345::/16", ":/0", "1.2.3.4::/64"})
    void rejectsIpv6Garbage(String text) {
        assertRejected(() -> Cidr.parse(text)).hasMessage("'" + text + "' is not a valid IPv6 network");
    }

    @Test
    void rejectsIpv4MappedIpv6() {
        assertRejected(() -> Cidr.parse("::ffff:10.0.0.0/104"))
                .hasMessage("'::ffff:10.0.0.0/104' is an IPv4-mapped address; write it as IPv4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com/24", "localhost", "docker0/16", "bad.invalid"})
    void rejectsHostnamesWithoutAskingDns(String text) {
        // A DNS lookup would block for seconds where there is no resolver; parsing must not try.
        assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertRejected(() -> Cidr.parse(text)).hasMessageContaining("is not an IP network"));
    }

    @Test
    void overlapsWhenOneContainsTheOther() {
        assertThat(Cidr.parse("10.0.0.0/8").overlaps(Cidr.parse("10.1.0.0/16"))).isTrue();
        assertThat(Cidr.parse("10.1.0.0/16").overlaps(Cidr.parse("10.0.0.0/8"))).isTrue();
        assertThat(Cidr.parse("fc00::/7").overlaps(Cidr.parse("fd00:d0c::/64"))).isTrue();
        assertThat(Cidr.parse("10.1.0.0/16").overlaps(Cidr.parse("10.1.0.0/16"))).isTrue();
    }

    @Test
    void adjacentOrDisjointNetworksDoNotOverlap() {
        assertThat(Cidr.parse("172.17.0.0/16").overlaps(Cidr.parse("172.18.0.0/16"))).isFalse();
        assertThat(Cidr.parse("172.17.0.0/16").overlaps(Cidr.parse("10.0.0.0/8"))).isFalse();
        assertThat(Cidr.parse("fd00:1::/32").overlaps(Cidr.parse("fd00:2::/32"))).isFalse();
    }

    @Test
    void networksOfDifferentFamiliesNeverOverlap() {
        assertThat(Cidr.parse("0.0.0.0/0").overlaps(Cidr.parse("::/0"))).isFalse();
    }

    @Test
    void firstAndLastAreTheInclusiveBounds() {
        Cidr cidr = Cidr.parse("192.168.1.0/24");
        assertThat(cidr.first()).isEqualTo(BigInteger.valueOf(0xC0A80100L));
        assertThat(cidr.last()).isEqualTo(BigInteger.valueOf(0xC0A801FFL));
    }

    @Test
    void ordersIpv4BeforeIpv6ThenByAddressThenWiderFirst() {
        List<Cidr> sorted = new ArrayList<>(List.of(
                Cidr.parse("fc00::/7"), Cidr.parse("10.1.0.0/16"), Cidr.parse("10.0.0.0/16"),
                Cidr.parse("10.0.0.0/8"), Cidr.parse("9.0.0.0/8"), Cidr.parse("::1")));
        Collections.shuffle(sorted, new java.util.Random(7));
        Collections.sort(sorted);

        assertThat(sorted).extracting(Cidr::toString)
                .containsExactly("9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "::1/128", "fc00::/7");
    }

    @Test
    void toBytesAndFromUnsignedRoundTrip() {
        Cidr cidr = Cidr.parse("fd00:beef::/64");
        byte[] bytes = Cidr.toBytes(cidr.first(), IpFamily.IPV6);

        assertThat(bytes).hasSize(16).isEqualTo(cidr.network().getAddress());
        assertThat(Cidr.fromUnsigned(cidr.first(), IpFamily.IPV6)).isEqualTo(cidr.network());
        assertThat(Cidr.toBytes(BigInteger.ONE, IpFamily.IPV4)).containsExactly(0, 0, 0, 1);
    }
}
