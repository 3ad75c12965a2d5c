package io.bridgewall.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** rtnetlink requests byte for byte, and the parsers on answers captured from a real kernel. */
class RouteNetlinkTest {
    @BeforeAll
    static void capturedOnALittleEndianMachine() {
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    private static List<byte[]> captured(String name) throws IOException {
        try (InputStream in = RouteNetlinkTest.class.getResourceAsStream("/rtnetlink/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .map(HexFormat.of()::parseHex).toList();
        }
    }

    @Test
    void aLinkDumpRequestAsksForEveryInterfaceWithoutStatistics() {
        assertThat(HexFormat.of().formatHex(RouteNetlink.linkDumpRequest(0x01020304)))
                // length 40, RTM_GETLINK, NLM_F_REQUEST|NLM_F_DUMP, sequence, port 0
                .isEqualTo("28000000" + "1200" + "0103" + "04030201" + "00000000"
                        // struct ifinfomsg: AF_UNSPEC, everything else zero
                        + "00000000" + "00000000" + "00000000" + "00000000"
                        // IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS
                        + "0800" + "1d00" + "08000000");
    }

    @Test
    void anAddressDumpRequestAsksForEveryFamily() {
        assertThat(HexFormat.of().formatHex(RouteNetlink.addressDumpRequest(7)))
                .isEqualTo("18000000" + "1600" + "0103" + "07000000" + "00000000" + "00000000" + "00000000");
    }

    @Test
    void readsNameAndKindOfEveryCapturedLink() throws IOException {
        List<RouteNetlink.Link> links = captured("link-dump.hex").stream()
                .map(RouteNetlink::parseLink).flatMap(Optional::stream).toList();

        assertThat(links).containsExactly(new RouteNetlink.Link(1, "lo", ""), new RouteNetlink.Link(2, "eth0", "veth"),
                new RouteNetlink.Link(3, "docker0", "bridge"));
    }

    @Test
    void readsEveryCapturedAddressWithItsInterfaceAndPrefix() throws IOException {
        List<RouteNetlink.Address> addresses = captured("addr-dump.hex").stream()
                .map(RouteNetlink::parseAddress).flatMap(Optional::stream).toList();

        assertThat(addresses).extracting(a -> a.interfaceIndex() + " " + a.address().getHostAddress() + "/" + a.prefixLength())
                .containsExactly("1 127.0.0.1/8", "2 192.168.77.1/24", "3 172.17.0.1/16", "1 0:0:0:0:0:0:0:1/128",
                        "2 2001:db8:77:0:0:0:0:1/64", "3 fe80:0:0:0:20bb:94ff:fe96:66c8/64");
    }

    @Test
    void otherMessageTypesAreNotLinksOrAddresses() throws IOException {
        byte[] link = captured("link-dump.hex").get(0);
        byte[] address = captured("addr-dump.hex").get(0);

        assertThat(RouteNetlink.parseAddress(link)).isEmpty();
        assertThat(RouteNetlink.parseLink(address)).isEmpty();
    }

    @Test
    void everyTruncationOfACapturedMessageIsRefusedNotMisread() throws IOException {
        byte[] eth0 = captured("link-dump.hex").get(1);
        for (int length = 0; length < eth0.length; length++) {
            byte[] cut = Arrays.copyOf(eth0, length);
            assertThatThrownBy(() -> RouteNetlink.parseLink(cut)).as("cut at %d", length)
                    .isInstanceOf(KernelException.class);
        }
    }

    @Test
    void anAttributeThatOverrunsItsMessageIsRefused() throws IOException {
        byte[] eth0 = captured("addr-dump.hex").get(1);
        // The first attribute (after header and ifaddrmsg) claims 200 bytes.
        eth0[24] = (byte) 200;

        assertThatThrownBy(() -> RouteNetlink.parseAddress(eth0)).isInstanceOf(KernelException.class)
                .hasMessageContaining("overruns its message");
    }

    @Test
    void anInterfaceNameWithoutTerminatorIsRefused() throws IOException {
        byte[] eth0 = captured("link-dump.hex").get(1);
        int name = indexOf(eth0, "eth0\0".getBytes(StandardCharsets.US_ASCII));
        eth0[name + 4] = 'x';
        // a 5-byte attribute value padded to 8: "eth0x" followed by padding, no NUL inside the value

        assertThatThrownBy(() -> RouteNetlink.parseLink(eth0)).isInstanceOf(KernelException.class)
                .hasMessageContaining("unterminated");
    }

    @Test
    void anAddressOfTheWrongLengthForItsFamilyIsRefused() throws IOException {
        byte[] v4 = captured("addr-dump.hex").get(1);
        v4[16] = 10; // claims AF_INET6 while carrying 4-byte addresses

        assertThatThrownBy(() -> RouteNetlink.parseAddress(v4)).isInstanceOf(KernelException.class)
                .hasMessageContaining("address attribute of 4 bytes for family 10");
    }

    @Test
    void aCapturedAddressIsTheInterfacesOwnNotItsPeers() throws Exception {
        RouteNetlink.Address address = RouteNetlink.parseAddress(captured("addr-dump.hex").get(1)).orElseThrow();

        assertThat(address.address()).isEqualTo(InetAddress.getByName("192.168.77.1"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
