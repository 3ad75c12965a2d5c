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

    // Loaded lazily and never from a static initializer: a missing library must surface as
    // MissingNativeLibraryException, not as an ExceptionInInitializerError with a stack trace.
    private static final Lazy<LibNftnl> NFTNL = new Lazy<>(() -> load(LibNftnl.class, "libnftnl.so.11", "libnftnl11"));
    private static final Lazy<LibMnl> MNL = new Lazy<>(() -> load(LibMnl.class, "libmnl.so.0", "libmnl0"));
    private static final Lazy<LibC> LIBC = new Lazy<>(() -> load(LibC.class, "libc.so.6", "libc6"));

    /** Loads every library the kernel path needs, so a missing one fails before any work. */
    public static void requireAll() {
        libc();
        mnl();
        nftnl();
    }

    /**
     * Starts loading every library on a daemon thread and returns at once. Binding the libraries
     * is about 80 ms of a cold start spent in jnr-ffi's first-time code; a command that will need
     * them starts this first and builds its command line meanwhile, on the other core. Nothing
     * changes for the caller: a failure here is dropped (a failed load is not remembered), and the
     * first real use loads again on its own thread and reports it as it always does; a use while
     * the warm-up still loads waits for it.
     */
    public static void warmUpInBackground() {
        Thread warmUp = new Thread(() -> {
            try {
                requireAll();
                runtime();
            } catch (RuntimeException | LinkageError ignored) {
                // reported by the first real use
            }
        }, "bridgewall-native-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    public static LibNftnl nftnl() {
        return NFTNL.get();
    }

    public static LibMnl mnl() {
        return MNL.get();
    }

    public static LibC libc() {
        return LIBC.get();
    }

    /** A value made on first use; a failed attempt is not remembered, so it fails the same way again. */
    private static final class Lazy<T> {
        private final java.util.function.Supplier<T> make;
        private volatile T value;

        Lazy(java.util.function.Supplier<T> make) {
            this.make = make;
        }

        T get() {
            T current = value;
            if (current == null) {
                synchronized (this) {
                    if (value == null) {
                        value = make.get();
                    }
                    current = value;
                }
            }
            return current;
        }
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
        // jffi writes its stub through an interruptible channel: loading on an interrupted thread
        // fails, and the failure sticks for the whole JVM. Load with the flag cleared, then restore it.
        boolean interrupted = Thread.interrupted();
        T library;
        try {
            library = LibraryLoader.create(binding).failImmediately().load(soname);
        } catch (LinkageError | RuntimeException e) {
            throw new MissingNativeLibraryException(soname + " not found: apt-get install " + debianPackage
                    + " (" + firstLine(e.getMessage()) + ")", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        requireFunctions(binding, soname, debianPackage);
        return library;
    }

    /**
     * failImmediately() only fails for a library that is not there: a function it lacks would
     * surface at its first call, in the middle of an apply, as an UnsatisfiedLinkError saying
     * "unknown". So every function the binding declares is looked up now, in the library the
     * dynamic linker found (the same dlopen by soname jnr did, so LD_LIBRARY_PATH applies).
     */
    static void requireFunctions(Class<?> binding, String soname, String debianPackage) {
        com.kenai.jffi.Library handle = com.kenai.jffi.Library.getCachedInstance(soname,
                com.kenai.jffi.Library.LAZY | com.kenai.jffi.Library.LOCAL);
        if (handle == null) {
            throw new MissingNativeLibraryException(soname + " not found: apt-get install " + debianPackage + " ("
                    + com.kenai.jffi.Library.getLastError() + ")", null);
        }
        java.util.List<String> missing = java.util.Arrays.stream(binding.getMethods())
                .filter(method -> !method.isDefault() && !java.lang.reflect.Modifier.isStatic(method.getModifiers()))
                .map(java.lang.reflect.Method::getName).distinct().sorted()
                .filter(name -> handle.getSymbolAddress(name) == 0).toList();
        if (!missing.isEmpty()) {
            throw new MissingNativeLibraryException(soname + " lacks " + missing.get(0)
                    + (missing.size() > 1 ? " and " + (missing.size() - 1) + " more functions bridgewall calls" : "")
                    + ": it is older than bridgewall needs, or not " + soname.replaceAll("\\.so.*", "") + " at all; "
                    + "install " + debianPackage + " from Debian 12 or later (apt-get install " + debianPackage
                    + ") and check that LD_LIBRARY_PATH does not lead to another copy", null);
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
