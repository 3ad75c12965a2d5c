package io.bridgewall.nftnl;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** Copies variable-length attribute data out of libnftnl into Java arrays. */
final class NftnlData {
    private NftnlData() {
    }

    static byte[] copy(Pointer data, IntByReference length) {
        if (data == null) {
            return new byte[0];
        }
        byte[] out = new byte[length.intValue()];
        data.get(0, out, 0, out.length);
        return out;
    }

    static void requireLength(byte[] data, int max, String what) {
        if (data.length == 0 || data.length > max) {
            throw new IllegalArgumentException(what + " must be 1 to " + max + " bytes, got " + data.length);
        }
    }
}
