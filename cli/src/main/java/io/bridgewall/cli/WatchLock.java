package io.bridgewall.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One `watch` per network namespace: an exclusive lock on {@code /run/bridgewall/watch-host.lock}
 * (or {@code watch-netns-NAME.lock}), held for the life of the process; the kernel releases it
 * when the process ends, however it ends, so a stale file never blocks a restart. The holder
 * writes its pid into the file so a refused second watch can name it.
 */
final class WatchLock implements AutoCloseable {
    static final Path DEFAULT_DIRECTORY = Path.of("/run/bridgewall");

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private WatchLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static Path fileFor(Path directory, Optional<String> netns) {
        // Namespace names are file names under /run/netns already (no '/'); anything odd is escaped anyway.
        return directory.resolve(netns.map(name -> "watch-netns-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".lock")
                .orElse("watch-host.lock"));
    }

    /** Takes the lock for the namespace, or fails with one line naming the watch that holds it. */
    static WatchLock acquire(Path directory, Optional<String> netns) {
        Path file = fileFor(directory, netns);
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                String where = netns.map(name -> "network namespace " + name).orElse("this host");
                throw new CommandFailedException("another bridgewall watch" + holder + " already keeps " + where
                        + " up to date (lock " + file + "); stop it first, e.g. systemctl stop bridgewall");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new WatchLock(file, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CommandFailedException("cannot take the watch lock " + file + ": " + e.getMessage()
                    + "; run as root (it lives under /run)", e);
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer text = ByteBuffer.allocate(32);
        channel.read(text, 0);
        String pid = new String(text.array(), 0, text.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d{1,10}") ? " (pid " + pid + ")" : "";
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing left to do: the lock goes with the process anyway
        }
    }
}
