package io.bridgewall.policy;

import static io.bridgewall.testing.Fixtures.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterfaceNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"docker0", "br-0123456789ab", "veth1.100", "wg_0", "ipvl@eth0", "a+b", "x", "..."})
    void acceptsKernelStyleNames(String name) {
        assertThat(InterfaceName.of(name).value()).isEqualTo(name);
    }

    @Test
    void accepts15Bytes() {
        assertThat(InterfaceName.of("br-0123456789ab").value()).hasSize(15);
    }

    @Test
    void rejects16Bytes() {
        assertRejected(() -> InterfaceName.of("br-0123456789abc"))
                .hasMessage("interface name 'br-0123456789abc' is 16 bytes long; Linux allows at most 15");
    }

    @Test
    void countsBytesNotCharacters() {
        assertRejected(() -> InterfaceName.of("ü".repeat(8))).hasMessageContaining("is 16 bytes long");
    }

    @Test
    void rejectsEmptyAndMissingNames() {
        assertRejected(() -> InterfaceName.of("")).hasMessage("interface name is empty: give a bridge name such as docker0");
        assertRejected(() -> InterfaceName.of(null)).hasMessageStartingWith("interface name is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"br 0", "br/0", "br\"0", "br'0", "br:0", "brü0", "br\n0", "br\t0", "br\u00000", "br;0", "br{0",
        "br*", ".", ".."})
    void rejectsInvalidCharactersAndDotNames(String name) {
        assertRejected(() -> InterfaceName.of(name)).hasMessage("interface name '" + name
                + "' has invalid characters; use letters, digits and . _ - @ +");
    }

    @Test
    void kernelBytesAreZeroPaddedTo16() {
        byte[] expected = new byte[16];
        System.arraycopy("docker0".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 7);

        assertThat(InterfaceName.of("docker0").kernelBytes()).isEqualTo(expected);
        assertThat(InterfaceName.of("br-0123456789ab").kernelBytes()).hasSize(16).endsWith(0);
    }

    @Test
    void ordersByName() {
        assertThat(InterfaceName.of("br-a")).isLessThan(InterfaceName.of("docker0"));
        assertThat(InterfaceName.of("docker0")).hasToString("docker0");
    }
}
