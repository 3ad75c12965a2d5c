package io.bridgewall.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv6TextTest {
    @ParameterizedTest
    @CsvSource({
        "0:0:0:0:0:0:0:0, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "fc00:0:0:0:0:0:0:0, fc00::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "fd00:d0c:0:0:0:0:0:0, fd00:d0c::",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"})
    void compressesTheLongestRunOfZeroGroupsTheFirstOnATie(String full, String compressed) throws Exception {
        assertThat(Ipv6Text.compress(InetAddress.getByName("[" + full + "]").getAddress())).isEqualTo(compressed);
    }

    @org.junit.jupiter.api.Test
    void refusesAnythingButSixteenBytes() {
        assertThatThrownBy(() -> Ipv6Text.compress(new byte[4])).isInstanceOf(IllegalArgumentException.class);
    }
}
