package io.bridgewall.it.support;

import org.junit.jupiter.api.Assumptions;

/**
 * Integration tests need root (namespaces, netlink). Outside CI a non-root run skips them and
 * says so loudly; in CI (CI=true) a missing privilege is a failure, never a silent skip.
 */
public final class Root {
    private Root() {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"))
                || Shell.run("id", "-u").stdout().strip().equals("0");
    }

    public static void require() {
        boolean root = isRoot();
        if (!root && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("integration tests must run as root in CI (CI=true); run .ci/run as root");
        }
        if (!root) {
            System.err.println("*** SKIPPING bridgewall integration test: it needs root (network namespaces, netlink). "
                    + "Run 'sudo mvn verify' to run it. ***");
        }
        Assumptions.assumeTrue(root, "needs root");
    }
}
