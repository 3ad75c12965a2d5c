package io.bridgewall.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The file a shared library's soname resolves to, as the dynamic linker would find it
 * ({@code libnftnl.so.11} -> {@code /usr/lib/x86_64-linux-gnu/libnftnl.so.11.6.0}): its name
 * carries the library's version. Found without loading the library, so {@code --version}
 * works, quickly, on a host where it is missing or broken.
 */
final class SharedLibraryFile {
    private static final List<Path> LDCONFIG = List.of(Path.of("/usr/sbin/ldconfig"), Path.of("/sbin/ldconfig"));
    /** Where the linker looks when its cache cannot be read. */
    private static final List<Path> DEFAULT_DIRECTORIES = List.of(Path.of("/usr/local/lib"), Path.of("/lib64"),
            Path.of("/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"));
    private static final long LDCONFIG_TIMEOUT_MS = 3_000;

    private SharedLibraryFile() {
    }

    /** The resolved file of {@code soname}, or empty when it is not installed. */
    static Optional<Path> find(String soname) {
        return fromLinkerCache(soname).or(() -> fromDirectories(soname));
    }

    /** "libnftnl.so.11.6.0", or "not found". */
    static String describe(String soname) {
        return find(soname).map(path -> path.getFileName() + " (" + path + ")").orElse("not found");
    }

    private static Optional<Path> fromLinkerCache(String soname) {
        Optional<Path> ldconfig = LDCONFIG.stream().filter(Files::isExecutable).findFirst();
        if (ldconfig.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(ldconfig.get().toString(), "-p")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            // Read on another thread so that a hung ldconfig costs the timeout, never the run.
            CompletableFuture<String> listing = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            try {
                String text = listing.get(LDCONFIG_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                process.waitFor(LDCONFIG_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                return parseCache(text, soname).map(SharedLibraryFile::resolved).flatMap(Optional::stream).findFirst();
            } finally {
                process.destroy();
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The paths {@code ldconfig -p} lists for {@code soname}, in its order of preference. */
    static Stream<Path> parseCache(String ldconfigListing, String soname) {
        return ldconfigListing.lines()
                .map(String::strip)
                .filter(line -> line.startsWith(soname + " ") && line.contains(" => "))
                .map(line -> Path.of(line.substring(line.lastIndexOf(" => ") + 4).strip()));
    }

    private static Optional<Path> fromDirectories(String soname) {
        return DEFAULT_DIRECTORIES.stream()
                .flatMap(directory -> Stream.concat(Stream.of(directory), multiarchDirectories(directory)))
                .map(directory -> directory.resolve(soname))
                .map(SharedLibraryFile::resolved).flatMap(Optional::stream).findFirst();
    }

    /** /usr/lib/x86_64-linux-gnu and the like (Debian's multiarch layout). */
    private static Stream<Path> multiarchDirectories(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(entry -> entry.getFileName().toString().endsWith("-linux-gnu")).sorted().toList().stream();
        } catch (IOException | RuntimeException e) {
            return Stream.empty();
        }
    }

    private static Optional<Path> resolved(Path link) {
        try {
            Path real = link.toRealPath();
            return Files.isRegularFile(real) ? Optional.of(real) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
