package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What watch refuses before it touches anything, and its lock. No root needed. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchCommandTest {
    @TempDir
    Path dir;

    @Test
    void noDockerIsBadInputWithOneLine() {
        Cli cli = Cli.run("watch", "--no-docker", "--bridge", "docker0=172.17.0.0/16");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errorLine()).startsWith("bridgewall: invalid input: watch follows Docker's events")
                .contains("bridgewall apply --no-docker");
    }

    @Test
    void policyOptionsAreCheckedAsApplyChecksThem() {
        Cli cli = Cli.run("watch", "--docker-timeout", "0");

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errorLine()).contains("--docker-timeout 0 is out of range");
    }

    @Test
    void oneLockPerNamespaceNamingTheHoldersPid() throws Exception {
        try (WatchLock host = WatchLock.acquire(dir, Optional.empty());
             WatchLock other = WatchLock.acquire(dir, Optional.of("ns1"))) {
            assertThat(host.file()).isEqualTo(dir.resolve("watch-host.lock"));
            assertThat(other.file()).isEqualTo(dir.resolve("watch-netns-ns1.lock"));
            assertThat(Files.readString(host.file()).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));

            assertThatThrownBy(() -> WatchLock.acquire(dir, Optional.of("ns1")))
                    .isInstanceOf(CommandFailedException.class)
                    .hasMessage("another bridgewall watch (pid " + ProcessHandle.current().pid() + ") already keeps network "
                            + "namespace ns1 up to date (lock " + dir.resolve("watch-netns-ns1.lock")
                            + "); stop it first, e.g. systemctl stop bridgewall");
        }
        // Released: the next watch takes it.
        try (WatchLock again = WatchLock.acquire(dir, Optional.of("ns1"))) {
            assertThat(again.file()).exists();
        }
    }

    @Test
    void aNamespaceNameCannotLeaveTheLockDirectory() {
        assertThat(WatchLock.fileFor(dir, Optional.of("../../etc/x")).getParent()).isEqualTo(dir);
    }
}
