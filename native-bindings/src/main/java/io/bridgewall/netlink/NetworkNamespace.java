package io.bridgewall.netlink;

import io.bridgewall.nativelib.LibC;
import io.bridgewall.nativelib.NativeLibraries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs an action inside a named network namespace (as made by `ip netns add`). setns() moves
 * only the calling thread, so the action runs on a short-lived thread of its own: the
 * caller's thread, and every other thread of the JVM, stay where they are. A netlink socket
 * opened inside keeps talking to that namespace from any thread afterwards.
 */
public final class NetworkNamespace {
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Path NETNS_DIR = Path.of("/var/run/netns");

    private NetworkNamespace() {
    }

    /** Checks the name and that the namespace exists; returns its path. */
    public static Path resolve(String name) {
        if (name == null || !VALID_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new NamespaceNotFoundException("'" + name + "' is not a network namespace name; "
                    + "use the name 'ip netns list' shows");
        }
        Path path = NETNS_DIR.resolve(name);
        if (!Files.exists(path)) {
            throw new NamespaceNotFoundException("network namespace '" + name + "' does not exist; "
                    + "create it with 'ip netns add " + name + "' or check 'ip netns list'");
        }
        return path;
    }

    public static <T> T callInside(String name, Supplier<T> action) {
        return callInside(name, action, result -> { });
    }

    /**
     * Runs {@code action} inside the namespace and returns its result. When the caller is
     * interrupted while waiting, the worker is still allowed to finish (setns and a socket open
     * take microseconds), its result goes to {@code discard} (close what it opened), and the
     * interrupt is reported: nothing made inside is left without an owner.
     */
    public static <T> T callInside(String name, Supplier<T> action, Consumer<? super T> discard) {
        Path path = resolve(name);
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                enter(path);
                result.set(action.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "netns-" + name);
        worker.start();
        boolean interrupted = joinUninterruptibly(worker);
        Throwable thrown = failure.get();
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (result.get() != null) {
                discard.accept(result.get());
            }
            IllegalStateException e = new IllegalStateException("interrupted while working in network namespace " + name);
            if (thrown != null) {
                e.addSuppressed(thrown);
            }
            throw e;
        }
        if (thrown instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
        if (thrown != null) {
            throw new IllegalStateException(thrown);
        }
        return result.get();
    }

    /**
     * Waits for the thread to end; returns whether the caller was interrupted, before or while
     * waiting (join() alone misses an interrupt when the worker has already ended).
     */
    private static boolean joinUninterruptibly(Thread worker) {
        boolean interrupted = Thread.interrupted();
        while (true) {
            try {
                worker.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    private static void enter(Path path) {
        LibC libc = NativeLibraries.libc();
        int fd = libc.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new KernelException(NativeLibraries.lastErrno(), "opening network namespace " + path, null);
        }
        try {
            if (libc.setns(fd, LibC.CLONE_NEWNET) != 0) {
                int errno = NativeLibraries.lastErrno();
                throw new KernelException(errno, "entering network namespace " + path,
                        errno == KernelException.EPERM
                                ? "run bridgewall as root: entering a namespace needs CAP_SYS_ADMIN, nf_tables CAP_NET_ADMIN" : null);
            }
        } finally {
            libc.close(fd);
        }
    }
}
