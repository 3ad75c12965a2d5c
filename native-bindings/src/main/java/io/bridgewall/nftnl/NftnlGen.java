package io.bridgewall.nftnl;

import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessage;
import jnr.ffi.Pointer;

/** Owner of a libnftnl generation object, parsed from a NEWGEN answer. */
final class NftnlGen extends NativeObject {
    private NftnlGen(Pointer pointer) {
        super(pointer, "a generation");
    }

    static NftnlGen parse(NetlinkMessage message) {
        NftnlGen gen = new NftnlGen(NativeLibraries.nftnl().nftnl_gen_alloc());
        if (NativeLibraries.nftnl().nftnl_gen_nlmsg_parse(message.header(), gen.pointer()) < 0) {
            gen.close();
            throw new KernelException(Netlink.EPROTO, "reading the ruleset generation", "libnftnl cannot parse the answer");
        }
        return gen;
    }

    int id() {
        return NativeLibraries.nftnl().nftnl_gen_get_u32(pointer(), NftnlAttr.GEN_ID);
    }

    @Override
    void free(Pointer pointer) {
        NativeLibraries.nftnl().nftnl_gen_free(pointer);
    }
}
