package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.TableSnapshot;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.Family;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The commands that start the rollback: the systemd path cannot run on a machine without systemd, so its command line is pinned here. */
class RollbackAgentTest {
    private static final String ID = "0123456789abcdef0123456789abcdef";

    @Test
    void theSystemdTimerFiresOnceAfterTheDelayAndRunsThisJarsRollbackInTheNamespace() {
        PendingRollback pending = new PendingRollback(ID, Optional.of("ns1"), Instant.now().plusSeconds(120), "none",
                TableSnapshot.ABSENT, "-", TableSnapshot.absent(Planner.TABLE, Family.INET));
        RollbackFiles files = RollbackFiles.of(Optional.of("ns1"));
        List<String> rollback = RollbackAgent.rollbackCommand(pending, files);
        List<String> command = RollbackAgent.systemdCommand(ID, files, 120, rollback);

        assertThat(command.subList(0, command.size() - rollback.size())).startsWith("systemd-run").contains(
                "--collect", "--unit=bridgewall-rollback-" + ID, "--on-active=120s",
                "--setenv=BRIDGEWALL_RUN_DIR=" + files.directory());
        assertThat(command).endsWith(rollback.toArray(String[]::new));
        assertThat(rollback.get(0)).endsWith("/bin/java");
        assertThat(rollback).containsSequence(Main.class.getName(), "rollback", "--id=" + ID, "--netns=ns1");
        String classPath = rollback.get(rollback.indexOf("-cp") + 1);
        assertThat(classPath.split(":")).allMatch(entry -> entry.startsWith("/"), "absolute: the agent runs in /");
        assertThat(rollback).noneMatch(option -> option.contains("DumpLoadedClassList") || option.contains("SharedArchiveFile"));
    }
}
