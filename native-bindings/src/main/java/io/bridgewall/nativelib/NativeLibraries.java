package io.bridgewall.nativelib;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Loads each native library once, on first use, so a command that never touches the kernel
 * (plan) never pays for it. A missing library is one clear line naming the Debian package.
 */
public final class NativeLibraries {
    private NativeLibraries() {
    }

    private static final class Nftnl {
        static final LibNftnl LIB = load(LibNftnl.class, "libnftnl.so.11", "libnftnl11");
    }

    private static final class Mnl {
        static final LibMnl LIB = load(LibMnl.class, "libmnl.so.0", "libmnl0");
    }

    private static final class C {
        static final LibC LIB = load(LibC.class, "libc.so.6", "libc6");
    }

    public static LibNftnl nftnl() {
        return Nftnl.LIB;
    }

    public static LibMnl mnl() {
        return Mnl.LIB;
    }

    public static LibC libc() {
        return C.LIB;
    }

    /** The jnr runtime, for native memory and errno. */
    public static Runtime runtime() {
        return Runtime.getRuntime(libc());
    }

    /** errno of the last native call on this thread. */
    public static int lastErrno() {
        return runtime().getLastError();
    }

    public static String describeErrno(int errno) {
        String text = libc().strerror(errno);
        return text == null ? "errno " + errno : text;
    }

    private static <T> T load(Class<T> binding, String soname, String debianPackage) {
        try {
            return LibraryLoader.create(binding).failImmediately().load(soname);
        } catch (LinkageError | RuntimeException e) {
            throw new MissingNativeLibraryException(soname + " not found: apt-get install " + debianPackage
                    + " (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
