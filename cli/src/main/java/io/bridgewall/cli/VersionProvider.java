package io.bridgewall.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code --version}: bridgewall's version and the git commit it was built from (written into
 * the jar by the build: cli/pom.xml, "build-info"), the Java runtime, and the libnftnl and
 * libmnl files this host would load. Never fails: what cannot be found is "unknown" or
 * "not found".
 */
final class VersionProvider implements CommandLine.IVersionProvider {
    static final String BUILD_INFO = "/io/bridgewall/cli/build-info.properties";

    @Override
    public String[] getVersion() {
        Properties build = buildInfo();
        return new String[] {
            "bridgewall " + build.getProperty("version", "unknown") + " (commit " + build.getProperty("commit", "unknown") + ")",
            "java: " + System.getProperty("java.runtime.version", System.getProperty("java.version", "unknown")),
            "libnftnl: " + SharedLibraryFile.describe("libnftnl.so.11"),
            "libmnl: " + SharedLibraryFile.describe("libmnl.so.0"),
        };
    }

    static Properties buildInfo() {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(BUILD_INFO)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            // a damaged resource: every field stays "unknown"
        }
        properties.stringPropertyNames().forEach(name -> {
            if (properties.getProperty(name).isBlank()) {
                properties.remove(name);
            }
        });
        return properties;
    }
}
