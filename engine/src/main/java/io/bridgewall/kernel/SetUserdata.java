package io.bridgewall.kernel;

import io.bridgewall.ruleset.SetType;

/**
 * The userdata nft attaches to a set (TLVs of one type byte, one length byte): the key's
 * byte order, which `nft list` needs to print elements. Without it an ifname set lists as "".
 */
final class SetUserdata {
    private static final int KEY_BYTEORDER = 0;
    private static final int BYTEORDER_HOST = 1;
    private static final int BYTEORDER_BIG_ENDIAN = 2;

    private SetUserdata() {
    }

    static byte[] encode(SetType type) {
        int order = type.hostByteOrder() ? BYTEORDER_HOST : BYTEORDER_BIG_ENDIAN;
        // nftnl_udata stores a u32 in host order; bridgewall runs on little-endian hosts (x86-64, arm64).
        return new byte[] {KEY_BYTEORDER, 4, (byte) order, 0, 0, 0};
    }
}
