package io.bridgewall.cli;

import io.bridgewall.docker.DockerContainer;
import io.bridgewall.docker.DockerDiscovery;
import io.bridgewall.docker.DockerException;
import io.bridgewall.docker.DockerNetwork;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.BridgeNetfilter;
import io.bridgewall.kernel.Verification;
import io.bridgewall.kernel.LiveTable;
import io.bridgewall.kernel.RulesetMonitor;
import io.bridgewall.ruleset.Family;
import java.time.Duration;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Apply the policy, then follow Docker's events and keep table inet bridgewall up to date: "
                + "one transaction per burst of changes, reconnecting whenever dockerd goes away, and restoring the "
                + "table when someone else changes it. One line per change on stderr. Stops on SIGTERM or SIGINT "
                + "with exit 0, leaving the ruleset in place.",
        footerHeading = "%nExamples:%n",
        footer = {"  # What bridgewall.service runs:",
            "  sudo bridgewall watch",
            "  # No container reaches another; open two host ports:",
            "  sudo bridgewall watch --isolation strict \\",
            "    --allow-port 22/tcp --allow-port 443/tcp",
            "  # No startup summary on stdout (changes are still logged on stderr):",
            "  sudo bridgewall watch -q"})
final class WatchCommand implements Callable<Integer> {
    /** The lock directory; the environment variable exists for tests that run without /run. */
    private static final String LOCK_DIRECTORY_ENV = "BRIDGEWALL_RUN_DIR";
    /** What differed before the startup apply repaired the table: the first few lines, as apply shows them. */
    private static final int SHOWN_DIFFERENCES = 5;

    @Mixin
    PolicyOptions policyOptions;

    @Mixin
    OutputOptions output;

    @Mixin
    TargetOptions target;

    @Option(names = "--force", description = "Apply even when the policy would lock out the SSH session this runs in.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        policyOptions.needsTheKernel = true;
        policyOptions.checkOptions();
        if (policyOptions.noDocker) {
            throw new InvalidInputException("watch follows Docker's events; with --no-docker (or 'docker: {enabled: false}' "
                    + "in the config file) there is nothing to follow: use 'bridgewall apply --no-docker' instead");
        }
        // Before the first apply, like apply's: watch started over SSH must not shut its admin out.
        LockoutGuard.check(policyOptions.hostInput(policyOptions.dockerFirewall(target.netns())), force, policyOptions::warn);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> netns = target.netns();
        String lockDirectory = System.getenv(LOCK_DIRECTORY_ENV);
        try (WatchLock lock = WatchLock.acquire(lockDirectory != null ? Path.of(lockDirectory) : WatchLock.DEFAULT_DIRECTORY, netns);
             LiveTable table = LiveTable.open(netns);
             // Opened before the first apply: every commit after this point is seen.
             RulesetMonitor monitor = RulesetMonitor.open(netns, Planner.TABLE, Family.INET)) {
            Watcher watcher = new Watcher(table, policyOptions, netns, err);
            applyOnce(table, watcher, netns, out, err);
            Thread monitorThread = startMonitor(monitor, watcher);
            DockerFollower follower = new DockerFollower(policyOptions.endpoint(), policyOptions.dockerTimeout(),
                    policyOptions.followsContainers(), watcher::offer);
            watcher.follow(follower);
            Runnable stop = () -> {
                follower.stop();
                watcher.stop();
                monitor.wakeUp();
            };
            // Replacing the default handlers (which start the JVM's shutdown, exit 143) lets the loop end and main return 0.
            Signal.handle(new Signal("TERM"), signal -> stop.run());
            Signal.handle(new Signal("INT"), signal -> stop.run());
            follower.start();
            try {
                watcher.run();
            } finally {
                follower.stop();
                monitorThread.interrupt();
                monitor.wakeUp();
                watcher.close();
            }
            err.println("bridgewall: stopped; table inet bridgewall stays as it is");
            err.flush();
        }
        return 0;
    }

    /** A second thread blocked on the kernel's commit notifications, handing each to the watch loop. */
    private static Thread startMonitor(RulesetMonitor monitor, Watcher watcher) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Optional<RulesetMonitor.Commit> commit = monitor.next(Duration.ofMinutes(10));
                commit.ifPresent(c -> watcher.offer(new WatchSignal.Commit(c, System.nanoTime())));
            }
        }, "bridgewall-ruleset-monitor");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The full policy once, as `apply` does it and says it; Docker not answering yet is not fatal here. */
    private void applyOnce(LiveTable table, Watcher watcher, Optional<String> netns, PrintWriter out, PrintWriter err) {
        List<DockerNetwork> networks;
        List<DockerContainer> running;
        try {
            networks = DockerDiscovery.discover(policyOptions.endpoint(), policyOptions.dockerTimeout());
            running = policyOptions.runningContainers();
        } catch (DockerException e) {
            // A service may start before dockerd: keep what is installed and wait for Docker.
            err.println("bridgewall: " + e.getMessage() + "; the policy in place stays; waiting for Docker");
            err.flush();
            watcher.dockerUnreachable();
            return;
        }
        networks.forEach(network -> network.warnings().forEach(policyOptions::warn));
        Policy policy = policyOptions.policy(networks, netns).withPublishedPorts(policyOptions.publishedPorts(running));
        RuleSet planned = Planner.plan(policy);
        LiveTable.Update update = table.apply(planned);
        watcher.knownNetworks(networks);
        watcher.knownContainers(running);
        String tableName = "table " + planned.family().nftName() + " " + planned.table();
        String shape = planned.chains().size() + " chains, " + planned.ruleCount() + " rules, "
                + planned.sets().stream().mapToInt(s -> s.elements().size()).sum() + " set elements";
        switch (update.kind()) {
            case UNCHANGED -> out.printf("unchanged: the kernel already holds the planned %s (%s), generation %d%n",
                    tableName, shape, update.generationAfter());
            case INSTALLED, REPLACED, UPDATED -> out.printf("%s %s (%s) in one transaction of %d messages, %d bytes: generation %d -> %d%n",
                    update.kind().name().toLowerCase(Locale.ROOT), tableName, shape, update.messages(), update.bytes(),
                    update.generationBefore(), update.generationAfter());
        }
        if (update.kind() == Applier.Kind.REPLACED || update.kind() == Applier.Kind.UPDATED) {
            // As apply does: a table that differed from the plan is news.
            update.differences().stream().limit(SHOWN_DIFFERENCES).forEach(difference -> out.println("  was: " + difference));
            if (update.differences().size() > SHOWN_DIFFERENCES) {
                out.println("  ... and " + (update.differences().size() - SHOWN_DIFFERENCES) + " more");
            }
        }
        Verification verification = table.verify(planned, update.generationAfter());
        if (!verification.verified()) {
            throw new CommandFailedException(verification.summary());
        }
        out.println(verification.summary());
        out.flush();
        if (!policy.bridges().isEmpty()) {
            BridgeNetfilter.State state = BridgeNetfilter.state(netns);
            if (state != BridgeNetfilter.State.ENABLED) {
                err.println("bridgewall: warning: " + BridgeNetfilter.advice(state, netns));
                err.flush();
            }
        }
    }
}
