package io.bridgewall.it.vm;

import io.bridgewall.it.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway Debian system: a chroot into an overlay whose lower layer is the cached image's
 * tree (never written) and whose upper layer is this directory's {@code upper/}, so every change
 * the commands make is a file there. Each command runs in a mount namespace of its own
 * (`unshare --mount`): the overlay, /proc and /dev exist only for it and vanish with it, and
 * nothing is mounted on the machine itself.
 */
public record OverlayChroot(Path lower, Path dir) {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    public static OverlayChroot over(Path lower, Path dir) {
        try {
            Files.createDirectories(dir.resolve("upper"));
            Files.createDirectories(dir.resolve("work"));
            Files.createDirectories(dir.resolve("merged"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OverlayChroot(lower, dir);
    }

    /** What the commands changed: the overlay's upper layer. */
    public Path upper() {
        return dir.resolve("upper");
    }

    /** Runs a shell script inside the system, as root, with a plain environment. */
    public Shell.Result sh(String script) {
        String merged = dir.resolve("merged").toString();
        String setup = String.join("\n",
                "set -e",
                "mount -t overlay overlay -o \"lowerdir=$1,upperdir=$2,workdir=$3\" \"$4\"",
                "mount -t proc proc \"$4/proc\"",
                "mount --bind /dev \"$4/dev\"",
                "exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TERM=dumb chroot \"$4\" /bin/sh -c \"$5\"");
        return Shell.run(TIMEOUT, null, List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", setup, "sh",
                lower.toString(), upper().toString(), dir.resolve("work").toString(), merged, script));
    }
}
