package io.bridgewall.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Discovery over real files in a temporary directory standing for the host's /etc and /run. */
@Timeout(10)
class DnsDiscoveryTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path path = dir.resolve(name);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
        return path;
    }

    private DnsDiscovery.Paths paths(Path resolvConf) {
        return new DnsDiscovery.Paths(resolvConf, dir.resolve("run/systemd/resolve/resolv.conf"), dir.resolve("daemon.json"));
    }

    private static List<String> lines(DnsDiscovery.Result result) {
        return result.nameservers().stream().map(Nameserver::toString).toList();
    }

    @Test
    void everySourceIsFoundAndEachResolverSaysWhereItCameFrom() throws IOException {
        Path resolv = file("resolv.conf", "nameserver 192.168.1.1\nnameserver 127.0.0.1\nnameserver fe80::1%eth0\n");
        file("daemon.json", "{\"dns\": [\"10.0.0.2\"]}");
        Path web = file("containers/web/resolv.conf", "nameserver 10.0.0.2\n");
        Path api = file("containers/api/resolv.conf", "nameserver 127.0.0.11\noptions ndots:0\n");
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(resolv), List.of(
                new ContainerDns("web", Optional.of(web), List.of()),
                new ContainerDns("api", Optional.of(api), List.of("172.16.5.5"))));

        assertThat(lines(result)).containsExactly(
                "10.0.0.2 (dns in " + dir.resolve("daemon.json") + ", container web's resolv.conf)",
                "172.16.5.5 (container api's --dns)",
                "192.168.1.1 (" + resolv + ")",
                "fe80::1 (" + resolv + ")");
        assertThat(result.notes()).containsExactly(
                "127.0.0.1 in " + resolv + " is a loopback address, which containers cannot reach (Docker skips it too): no exception",
                "127.0.0.11 (Docker's embedded DNS, in 1 container(s)) is skipped: it forwards from each container to the resolvers above");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void systemdResolvedsStubIsReplacedByItsUpstreamList() throws IOException {
        Path stub = file("resolv.conf", "# This is /run/systemd/resolve/stub-resolv.conf\nnameserver 127.0.0.53\noptions edns0 trust-ad\n");
        Path upstream = file("run/systemd/resolve/resolv.conf", "nameserver 10.10.0.2\nnameserver 2001:db8::53\n");
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(stub), List.of());
        assertThat(lines(result)).containsExactly("10.10.0.2 (" + upstream + " (systemd-resolved's upstream))",
                "2001:db8::53 (" + upstream + " (systemd-resolved's upstream))");
        assertThat(result.notes()).singleElement().asString().contains("its upstream list " + upstream + " is used instead");
    }

    @Test
    void theStubWithoutItsUpstreamListIsOneWarning() throws IOException {
        Path stub = file("resolv.conf", "nameserver 127.0.0.53\n");
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(stub), List.of());
        assertThat(result.nameservers()).isEmpty();
        assertThat(result.warnings()).singleElement().asString()
                .contains("names only systemd-resolved's stub 127.0.0.53").contains("--upstream-resolv-conf FILE");
    }

    @Test
    void theStubAlongsideARealResolverIsJustALoopbackAddress() throws IOException {
        Path resolv = file("resolv.conf", "nameserver 127.0.0.53\nnameserver 10.0.0.2\n");
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(resolv), List.of());
        assertThat(lines(result)).containsExactly("10.0.0.2 (" + resolv + ")");
        assertThat(result.notes()).singleElement().asString().startsWith("127.0.0.53 in " + resolv + " is a loopback address");
    }

    @Test
    void aHugeFileIsReadOnlyUpToItsBoundWithOneWarning() throws IOException {
        Path huge = dir.resolve("resolv.conf");
        try (var out = Files.newBufferedWriter(huge)) {
            out.write("nameserver 10.0.0.2\n");
            for (int i = 0; i < 200_000; i++) {
                out.write("options ndots:1\n"); // 3.2 MB
            }
            out.write("nameserver 10.0.0.3\n");
        }
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(huge), List.of());
        assertThat(lines(result)).containsExactly("10.0.0.2 (" + huge + ")");
        assertThat(result.warnings()).singleElement().asString().contains("is larger than 64 KiB, only the start was read");
    }

    @Test
    void binaryJunkIsOneWarningAndTheRealLinesStillCount() throws IOException {
        Path junk = dir.resolve("resolv.conf");
        byte[] bytes = new byte[4096];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(junk, bytes);
        Files.write(junk, "\nnameserver 10.0.0.9\n".getBytes(), java.nio.file.StandardOpenOption.APPEND);
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(junk), List.of());
        assertThat(lines(result)).containsExactly("10.0.0.9 (" + junk + ")");
        assertThat(result.warnings()).singleElement().asString().contains("line(s) not understood and ignored")
                .doesNotContain("\u0000").doesNotContain("\u001b");
    }

    @Test
    void aFileThatCannotBeReadIsOneWarningNeverAFailure() throws IOException {
        Path notADirectory = file("plain", "x");
        Files.createDirectories(dir.resolve("a-directory"));
        assertThat(DnsDiscovery.discover(paths(dir.resolve("a-directory")), List.of()).warnings()).singleElement()
                .asString().isEqualTo("cannot read " + dir.resolve("a-directory") + " (it is not a regular file): the host's "
                        + "resolvers get no DNS exception; give --resolv-conf FILE");
        assertThat(DnsDiscovery.discover(paths(notADirectory.resolve("resolv.conf")), List.of()).warnings()).singleElement()
                .asString().startsWith("cannot read " + notADirectory.resolve("resolv.conf") + " (Not a directory)");
    }

    @Test
    void aFifoIsNotReadSoNothingBlocks() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        file("daemon.json", "{}");
        DnsDiscovery.Result result = DnsDiscovery.discover(new DnsDiscovery.Paths(fifo, fifo, fifo), List.of(
                new ContainerDns("web", Optional.of(fifo), List.of())));
        assertThat(result.warnings()).hasSize(3).allSatisfy(w -> assertThat(w).contains("not a regular file"));
    }

    @Test
    void aMissingResolvConfIsANoteAndAMissingDaemonJsonIsNothing() {
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(dir.resolve("nothing")), List.of());
        assertThat(result.nameservers()).isEmpty();
        assertThat(result.warnings()).isEmpty();
        assertThat(result.notes()).singleElement().asString().contains("does not exist");
    }

    @Test
    void aBrokenDaemonJsonIsOneWarning() throws IOException {
        Path resolv = file("resolv.conf", "nameserver 10.0.0.2\n");
        file("daemon.json", "{\"dns\": [\"10.0.0.3\",");
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(resolv), List.of());
        assertThat(lines(result)).containsExactly("10.0.0.2 (" + resolv + ")");
        assertThat(result.warnings()).singleElement().asString().startsWith(dir.resolve("daemon.json") + ": it is not valid JSON");
    }

    @Test
    void unreadableContainerFilesAreOneWarningNamingAFew() throws IOException {
        Path resolv = file("resolv.conf", "nameserver 10.0.0.2\n");
        List<ContainerDns> gone = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> new ContainerDns("c" + i, Optional.of(dir.resolve("gone/" + i)), List.of("not-an-address")))
                .toList();
        DnsDiscovery.Result result = DnsDiscovery.discover(paths(resolv), gone);
        assertThat(result.warnings()).filteredOn(w -> w.startsWith("cannot read")).singleElement().asString()
                .isEqualTo("cannot read the resolv.conf of 5 container(s): c0 (missing), c1 (missing), c2 (missing) and 2 more; "
                        + "their own resolvers, if any, get no DNS exception");
        assertThat(result.warnings()).filteredOn(w -> w.contains("--dns")).hasSize(5);
    }

    @Test
    void manySourcesAreSummarised() throws IOException {
        Path resolv = file("resolv.conf", "nameserver 10.0.0.2\n");
        List<ContainerDns> many = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> new ContainerDns("c" + i, Optional.empty(), List.of("10.0.0.2"))).toList();
        assertThat(lines(DnsDiscovery.discover(paths(resolv), many))).containsExactly("10.0.0.2 (" + resolv
                + ", container c0's --dns, container c1's --dns, container c2's --dns and 7 more)");
    }
}
