package io.bridgewall.it.lab;

import io.bridgewall.it.support.DockerDaemon;
import io.bridgewall.it.support.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The lab's only image, built without any registry (none is reachable): Debian's static
 * busybox as /bin/busybox, applet symlinks, and the who-service CGI under /www, imported with
 * {@code tar | docker import}. Containers run {@code httpd -f -p 80 -h /www} as their main
 * process, which both keeps them alive and lets other containers probe them.
 */
public final class BusyboxImage {
    public static final String NAME = "bw-busybox";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final List<String> APPLETS =
            List.of("sh", "nc", "ping", "wget", "sleep", "timeout", "httpd", "ip", "cat", "echo", "dd", "wc", "rm", "nslookup");

    private BusyboxImage() {
    }

    public static void importInto(DockerDaemon docker) {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new AssertionError(BUSYBOX + " missing: apt-get install busybox-static");
        }
        Path rootfs = null;
        try {
            rootfs = Files.createTempDirectory("bw-rootfs-");
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(BUSYBOX, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            for (String applet : APPLETS) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
            Files.createDirectories(rootfs.resolve("tmp"));
            WhoService.writeDocroot(rootfs.resolve(WhoService.IMAGE_DOCROOT.substring(1)));
            Shell.run(Duration.ofSeconds(60), null, List.of("sh", "-c",
                    "tar -C " + rootfs + " -c . | docker -H " + docker.host() + " import - " + NAME)).orThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (rootfs != null) {
                Shell.run("rm", "-rf", rootfs.toString());
            }
        }
    }
}
