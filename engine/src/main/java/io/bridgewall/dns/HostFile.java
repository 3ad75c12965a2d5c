package io.bridgewall.dns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A configuration file of the host read as hostile input: at most a bound of bytes, only a
 * regular file (a FIFO or /dev/zero would block or never end), every failure an outcome with
 * words rather than an exception.
 */
public sealed interface HostFile {
    /** What was read; {@code truncated} when the file holds more than the bound. */
    record Read(Path path, String text, boolean truncated, long limit) implements HostFile {
    }

    record Missing(Path path) implements HostFile {
    }

    record Unreadable(Path path, String reason) implements HostFile {
    }

    Path path();

    static HostFile read(Path path, int limit) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return new Unreadable(path, "it is not a regular file");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(limit + 1);
            }
            boolean truncated = bytes.length > limit;
            int length = truncated ? limit : bytes.length;
            // Malformed UTF-8 becomes U+FFFD: junk is reported by the parsers, never decoded into a crash.
            return new Read(path, new String(bytes, 0, length, StandardCharsets.UTF_8), truncated, limit);
        } catch (NoSuchFileException e) {
            return new Missing(path);
        } catch (IOException | SecurityException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.nio.file.AccessDeniedException) {
                reason = "permission denied";
            } else if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
                reason = fs.getReason();
            }
            return new Unreadable(path, reason);
        }
    }
}
