package io.bridgewall.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Where a pending rollback of one network namespace lives, next to watch's lock: {@code
 * /run/bridgewall/} (or $BRIDGEWALL_RUN_DIR), {@code confirm-host.*} or {@code
 * confirm-netns-NAME.*}: the state (0600), a lock that apply, confirm and the rollback take
 * in turn, the outcome of the last one (what `confirm` says when it comes too late) and the
 * rollback process's log. /run is a tmpfs: a reboot forgets a pending rollback, and with it
 * the ruleset the apply committed (it was never saved for boot).
 */
final class RollbackFiles {
    static final String DIRECTORY_ENV = "BRIDGEWALL_RUN_DIR";
    /** Far above the state of 10,000 networks (a few MiB of hex), and readable within the launcher's heap. */
    private static final long MAX_STATE_BYTES = 64L << 20;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path directory;
    private final String base;
    private final Optional<String> netns;

    private RollbackFiles(Path directory, Optional<String> netns) {
        this.directory = directory;
        this.netns = netns;
        // Namespace names are file names under /run/netns already (no '/'); anything odd is escaped anyway.
        this.base = netns.map(name -> "confirm-netns-" + name.replaceAll("[^A-Za-z0-9_.-]", "_")).orElse("confirm-host");
    }

    static RollbackFiles of(Optional<String> netns) {
        String configured = System.getenv(DIRECTORY_ENV);
        return new RollbackFiles(configured != null ? Path.of(configured) : WatchLock.DEFAULT_DIRECTORY, netns);
    }

    Path directory() {
        return directory;
    }

    Path state() {
        return directory.resolve(base + ".state");
    }

    /** The rollback process's output (0600), made before it starts. */
    Path log() {
        Path log = directory.resolve(base + ".log");
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (!Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(log, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        } catch (IOException e) {
            throw new CommandFailedException("cannot create " + log + ": " + ErrorReporter.describe(e), e);
        }
        return log;
    }

    private Path outcome() {
        return directory.resolve(base + ".last");
    }

    private Path lockFile() {
        return directory.resolve(base + ".lock");
    }

    /** The rollback lock, held; released on close (and by the kernel when the process dies). */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /** Apply, confirm and the rollback each hold it while they read or change the state. Blocks until free. */
    Lock lock() {
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            FileChannel channel = FileChannel.open(lockFile(), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            channel.lock();
            return () -> {
                try {
                    channel.close(); // releases the lock
                } catch (IOException e) {
                    // nothing left to do: the kernel releases it with the process anyway
                }
            };
        } catch (IOException e) {
            throw new CommandFailedException("cannot take the rollback lock " + lockFile() + ": " + ErrorReporter.describe(e)
                    + "; run as root (it lives under /run)", e);
        }
    }

    /** The pending rollback, empty when there is none; a file that is not one is a failure that names it. */
    Optional<PendingRollback> read() {
        Path file = state();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw damaged(file, "it is not a regular file");
                }
                return Optional.empty();
            }
            // Only what the owner alone could have written is trusted to say what to load into the kernel.
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!OWNER_ONLY.containsAll(permissions) || owner != currentUid()) {
                throw damaged(file, "it is not private to this user (mode " + PosixFilePermissions.toString(permissions)
                        + ", owner uid " + owner + ")");
            }
            if (Files.size(file) > MAX_STATE_BYTES) {
                throw damaged(file, "it is larger than " + (MAX_STATE_BYTES >> 20) + " MiB");
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes((int) MAX_STATE_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CommandFailedException("cannot read the pending rollback " + file + ": " + ErrorReporter.describe(e), e);
        }
        if (bytes.length > MAX_STATE_BYTES) {
            throw damaged(file, "it is larger than " + (MAX_STATE_BYTES >> 20) + " MiB");
        }
        PendingRollback pending;
        try {
            pending = PendingRollback.parse(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw damaged(file, e.getMessage());
        }
        if (!pending.netns().equals(netns)) {
            throw damaged(file, "it is for " + pending.netns().map(n -> "network namespace " + n).orElse("this host"));
        }
        return Optional.of(pending);
    }

    private static CommandFailedException damaged(Path file, String why) {
        return new CommandFailedException("the pending rollback " + file + " cannot be used (" + why + "); nothing was "
                + "changed: check the ruleset with 'bridgewall show', then delete that file");
    }

    /** Writes the state whole or not at all (a private file renamed into place). */
    void write(PendingRollback pending) {
        writePrivate(state(), pending.text());
    }

    void delete() {
        try {
            Files.deleteIfExists(state());
        } catch (IOException e) {
            throw new CommandFailedException("cannot delete the pending rollback " + state() + ": " + ErrorReporter.describe(e), e);
        }
    }

    /** What became of the last rollback, one line, for a `confirm` that comes too late. */
    void recordOutcome(String line) {
        writePrivate(outcome(), line + "\n");
    }

    Optional<String> lastOutcome() {
        try {
            if (!Files.isRegularFile(outcome(), LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(outcome(), LinkOption.NOFOLLOW_LINKS)) {
                String text = new String(in.readNBytes(1000), StandardCharsets.UTF_8);
                return text.lines().findFirst().map(TerminalText::escape);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void writePrivate(Path file, String text) {
        Path temporary = directory.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.deleteIfExists(temporary);
            try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw new CommandFailedException("cannot write " + file + ": " + ErrorReporter.describe(e) + "; run as root "
                    + "(it lives under /run)", e);
        }
    }

    private static int currentUid() throws IOException {
        // The owner of a file this process just made is this process's uid: no native call needed.
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
