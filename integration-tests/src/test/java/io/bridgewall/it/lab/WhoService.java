package io.bridgewall.it.lab;

import io.bridgewall.it.support.Netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The "who are you" TCP service every lab node runs: busybox httpd with one CGI script that
 * answers {@code peer=<address>} from REMOTE_ADDR, i.e. the source address the service saw
 * after any NAT on the way. busybox-static has no tcpsvd and its nc -e passes no peer to the
 * program, but httpd's CGI environment does, with no extra package.
 */
public final class WhoService {
    /** The request a probe sends; the CGI path is the same in namespaces and in containers. */
    public static final String REQUEST = "GET /cgi-bin/who HTTP/1.0\r\n\r\n";
    /** Where the document root lives inside the lab image. */
    public static final String IMAGE_DOCROOT = "/www";

    static final String SCRIPT = "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"peer=$REMOTE_ADDR\"\n";

    private WhoService() {
    }

    /** Writes docroot/cgi-bin/who under {@code root} (created if needed) and returns the docroot. */
    public static Path writeDocroot(Path docroot) {
        try {
            Path cgi = Files.createDirectories(docroot.resolve("cgi-bin"));
            Path script = cgi.resolve("who");
            Files.writeString(script, SCRIPT);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            // the namespace's httpd may run the script as any user: the path must be traversable
            Files.setPosixFilePermissions(docroot, PosixFilePermissions.fromString("rwxr-xr-x"));
            return docroot;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the service in {@code netns} on {@code port} (all addresses). httpd daemonizes, so
     * the call returns at once; it lives until the namespace is deleted (Netns kills its pids).
     */
    public static void start(Netns netns, Path docroot, int port) {
        netns.exec("busybox", "httpd", "-p", "0.0.0.0:" + port, "-h", docroot.toString()).orThrow();
    }
}
