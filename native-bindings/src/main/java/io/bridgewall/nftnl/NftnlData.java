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

    /** A libnftnl snprintf-style call. */
    interface Printer {
        int print(byte[] buffer, long size);
    }

    /** Runs a libnftnl snprintf into a bounded buffer; text longer than 4 KiB is cut. */
    static String text(Printer printer) {
        byte[] buffer = new byte[4096];
        int written = printer.print(buffer, buffer.length);
        if (written <= 0) {
            return "";
        }
        int length = Math.min(written, buffer.length - 1);
        int end = 0;
        while (end < length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    static void requireLength(byte[] data, int max, String what) {
        if (data.length == 0 || data.length > max) {
            throw new IllegalArgumentException(what + " must be 1 to " + max + " bytes, got " + data.length);
        }
    }
}
