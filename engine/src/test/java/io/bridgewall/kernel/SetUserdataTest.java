package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.ruleset.SetType;
import org.junit.jupiter.api.Test;

class SetUserdataTest {
    @Test
    void interfaceNameKeysAreInHostByteOrder() {
        // NFTNL_UDATA_SET_KEYBYTEORDER (0), 4 bytes, BYTEORDER_HOST_ENDIAN (1) as a little-endian u32
        assertThat(SetUserdata.encode(SetType.IFNAME)).containsExactly(0, 4, 1, 0, 0, 0);
    }

    @Test
    void addressPortAndIcmpv6KeysAreBigEndian() {
        for (SetType type : new SetType[] {SetType.IPV4_ADDR, SetType.IPV6_ADDR, SetType.INET_SERVICE, SetType.ICMPV6_TYPE}) {
            assertThat(SetUserdata.encode(type)).as("%s", type).containsExactly(0, 4, 2, 0, 0, 0);
        }
    }
}
