package io.bridgewall.cli;

import io.bridgewall.docker.DockerClient;
import io.bridgewall.docker.DockerContainer;
import io.bridgewall.docker.DockerEndpoint;
import io.bridgewall.docker.DockerEvent;
import io.bridgewall.docker.DockerException;
import io.bridgewall.docker.DockerNetwork;
import io.bridgewall.dns.Nameserver;
import io.bridgewall.kernel.Applier;
import io.bridgewall.kernel.LiveTable;
import io.bridgewall.kernel.RulesetMonitor;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Policy;
import io.bridgewall.policy.PublishedPort;
import io.bridgewall.ruleset.RuleSet;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The loop of `watch`: the only thread that touches the kernel. Docker's events, lost and
 * regained connections, and the kernel's commit notifications arrive on one queue; each burst
 * of them becomes at most one transaction on the one long-lived {@link LiveTable}.
 *
 * <p>Coalescing: a change that comes after a quiet spell ({@link #BURST_MEMORY} without one) is
 * applied at once: a lone `docker network create` costs no waiting. A change that comes sooner
 * belongs to a burst (compose up/down, a script, parallel creates): its transaction gathers
 * everything that arrives in the {@link #GATHER} after it, so a sustained burst costs at most
 * two transactions a second whatever its rate.
 */
final class Watcher {
    /**
     * Longer than the gaps between a burst's events: dockerd carries out network operations one
     * after another, and under 8 parallel `docker network rm` on the 2-core test machine its
     * destroy events came 36 ms apart (median) when idle and 100 to 300 ms apart when loaded.
     */
    static final Duration BURST_MEMORY = Duration.ofSeconds(1);
    /**
     * How long a burst's transaction gathers: bounds the delay of a change inside a burst, and
     * the transaction rate of a burst (2 a second).
     */
    static final Duration GATHER = Duration.ofMillis(500);
    /** A failed transaction is tried again after this, doubling up to {@link #MAX_RETRY}. */
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /** Networks named in one log line; the rest are counted. */
    private static final int NAMED = 3;

    private final BlockingQueue<WatchSignal> queue = new LinkedBlockingQueue<>();
    private final LiveTable table;
    private final PolicyOptions options;
    private final Optional<String> netns;
    private final PrintWriter log;
    private final DockerEndpoint endpoint;
    private final Duration dockerTimeout;
    /** Docker's bridge networks as last known, by bridge then id (the order discovery gives). */
    private final TreeMap<String, DockerNetwork> networks = new TreeMap<>();
    /** Each network's bridge as the policy sees it, made once per network rather than once per event. */
    private final TreeMap<String, Bridge> bridges = new TreeMap<>();
    private final Map<String, String> keyById = new HashMap<>();
    /** The running containers as last listed (published ports followed), by id. */
    private final Map<String, DockerContainer> containers = new LinkedHashMap<>();
    private DockerFollower follower;
    private DockerClient inspector;
    private boolean dockerReachable = true;
    private long dockerLostAt;
    private long lastEventArrival = Long.MIN_VALUE;
    private long retryAt = Long.MIN_VALUE;
    private long retryDelayMillis = FIRST_RETRY.toMillis();
    private volatile boolean stopped;

    Watcher(LiveTable table, PolicyOptions options, Optional<String> netns, PrintWriter log) {
        this.table = table;
        this.options = options;
        this.netns = netns;
        this.log = log;
        this.endpoint = options.endpoint();
        this.dockerTimeout = options.dockerTimeout();
    }

    /** Where every producer (Docker follower, kernel monitor, signal handler) hands its signals. */
    void offer(WatchSignal signal) {
        queue.add(signal);
    }

    /** Docker's networks as the startup apply saw them. */
    void knownNetworks(List<DockerNetwork> discovered) {
        discovered.forEach(this::put);
    }

    /** The running containers as the startup apply saw them. */
    void knownContainers(List<DockerContainer> running) {
        running.forEach(container -> containers.put(container.id(), container));
    }

    /** Docker was unreachable at startup: the first successful connection is news. */
    void dockerUnreachable() {
        dockerReachable = false;
        dockerLostAt = System.nanoTime();
    }

    void follow(DockerFollower dockerFollower) {
        this.follower = dockerFollower;
    }

    void stop() {
        stopped = true;
        queue.add(new WatchSignal.Stop(System.nanoTime()));
    }

    /** Runs until {@link #stop}; the ruleset stays as the last transaction left it. */
    void run() throws InterruptedException {
        while (!stopped) {
            WatchSignal first = nextSignal();
            List<WatchSignal> burst = new ArrayList<>();
            burst.add(first);
            // Only events that may change the policy make bursts (networks, containers' published ports);
            // the kernel's echo of our commits does not.
            boolean inBurst = asksForWork(first) && lastEventArrival != Long.MIN_VALUE
                    && first.receivedNanos() - lastEventArrival < BURST_MEMORY.toNanos();
            if (inBurst) {
                gather(burst, first.receivedNanos());
            } else {
                queue.drainTo(burst);
            }
            if (burst.stream().anyMatch(s -> s instanceof WatchSignal.Stop)) {
                return;
            }
            burst.stream().filter(this::asksForWork).mapToLong(WatchSignal::receivedNanos).max()
                    .ifPresent(last -> lastEventArrival = last);
            handle(burst);
        }
    }

    /** The next signal; a due retry when nothing else comes first. */
    private WatchSignal nextSignal() throws InterruptedException {
        if (retryAt == Long.MIN_VALUE) {
            return queue.take();
        }
        WatchSignal next = queue.poll(Math.max(0, retryAt - System.nanoTime()), TimeUnit.NANOSECONDS);
        return next != null ? next : new WatchSignal.Retry(System.nanoTime());
    }

    private void gather(List<WatchSignal> burst, long firstArrival) throws InterruptedException {
        long end = firstArrival + GATHER.toNanos();
        for (long wait = end - System.nanoTime(); wait > 0; wait = end - System.nanoTime()) {
            WatchSignal next = queue.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            burst.add(next);
            if (next instanceof WatchSignal.Stop) {
                return;
            }
        }
        queue.drainTo(burst);
    }

    /** An event that may change the policy: a network created or destroyed, or a container's published ports. */
    private boolean asksForWork(WatchSignal signal) {
        return signal instanceof WatchSignal.Event e && (concernsPolicy(e.event()) || concernsContainers(e.event()));
    }

    private void handle(List<WatchSignal> burst) {
        // Timed from the first signal that asked for work (not from a container event before it).
        long started = burst.stream().filter(s -> !(s instanceof WatchSignal.Event) || asksForWork(s))
                .mapToLong(WatchSignal::receivedNanos).min().orElse(burst.get(0).receivedNanos());
        boolean retry = retryAt != Long.MIN_VALUE;
        try {
            if (transaction(burst, started, retry)) {
                retryAt = Long.MIN_VALUE;
                retryDelayMillis = FIRST_RETRY.toMillis();
            }
        } catch (RuntimeException e) {
            // Never die of one failed burst: Docker's state is remembered, so a later try gets it all.
            table.forget();
            say("not applied: " + ErrorReporter.describe(e) + "; the policy in place stays; trying again in "
                    + retryDelayMillis + " ms");
            retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryDelayMillis);
            retryDelayMillis = Math.min(retryDelayMillis * 2, MAX_RETRY.toMillis());
        }
    }

    /** One transaction for the burst if it asks for one; true when the kernel holds the policy afterwards. */
    private boolean transaction(List<WatchSignal> burst, long started, boolean retry) {
        Phases phases = new Phases();
        List<String> what = new ArrayList<>();
        Map<String, DockerEvent> toInspect = new LinkedHashMap<>();
        List<RulesetMonitor.Commit> foreign = new ArrayList<>();
        // Container events only say that published ports or resolvers may have changed: one list of the running
        // containers per burst serves both.
        Map<String, DockerEvent> containerEvents = new LinkedHashMap<>();
        List<DockerContainer> relisted = null;
        for (WatchSignal signal : burst) {
            if (signal instanceof WatchSignal.Listed l) {
                toInspect.clear(); // the list is at least as new as every event before it
                containerEvents.clear();
                what.clear();
                what.add(reconnected(l));
                replaceAll(l.networks());
                publishedPortsChange(l.containers(), List.of()).ifPresent(what::add);
                relisted = l.containers();
            } else if (signal instanceof WatchSignal.Event e && concernsPolicy(e.event())) {
                toInspect.put(e.event().actorId(), e.event());
            } else if (signal instanceof WatchSignal.Event e && concernsContainers(e.event())) {
                containerEvents.put(e.event().type() + " " + e.event().action() + " " + e.event().actorId(), e.event());
            } else if (signal instanceof WatchSignal.Lost l) {
                lost(l);
            } else if (signal instanceof WatchSignal.Commit c && !ours(c.commit())) {
                if (c.commit().touchedOurTable()) {
                    foreign.add(c.commit());
                } else {
                    table.othersCommittedElsewhere(c.commit().generation());
                }
            }
        }
        for (DockerEvent event : toInspect.values()) {
            inspect(event).ifPresent(what::add);
        }
        if (!containerEvents.isEmpty()) {
            what.addAll(listContainers(List.copyOf(containerEvents.values())));
        } else if (relisted != null) {
            what.addAll(resolversAfterRelisting(relisted));
        }
        phases.mark("inspect");
        if (!foreign.isEmpty()) {
            // Our memory of the table is no longer the kernel's: read it back and repair.
            table.forget();
        }
        if (what.isEmpty() && foreign.isEmpty() && !retry) {
            return true;
        }
        if (what.isEmpty() && foreign.isEmpty()) {
            what.add("trying again");
        }
        String subject = subject(what);
        RuleSet planned;
        try {
            Policy policy = options.policyOfBridges(List.copyOf(bridges.values()), netns)
                    .withPublishedPorts(options.publishedPorts(List.copyOf(containers.values())));
            phases.mark("policy");
            planned = Planner.plan(policy);
            phases.mark("plan");
        } catch (InvalidInputException e) {
            // Docker's answer is what is wrong: nothing to retry until it changes.
            say(subject + ": not applied, the policy in place stays: " + e.getMessage());
            return true;
        }
        LiveTable.Update update = table.apply(planned);
        phases.mark("kernel");
        double millis = (System.nanoTime() - started) / 1e6;
        if (!foreign.isEmpty()) {
            repaired(foreign, planned, update, millis);
        }
        if (!what.isEmpty()) {
            say(subject + ": " + outcome(update) + String.format(Locale.ROOT, ", %.1f ms", millis) + phases);
        }
        return true;
    }

    /** Network create and destroy change the policy; connect/disconnect and containers do not (yet). */
    private static boolean concernsPolicy(DockerEvent event) {
        if (!event.isNetwork() || !event.hasHexId()) {
            return false;
        }
        if (!event.action().equals("create") && !event.action().equals("destroy")) {
            return false;
        }
        String driver = event.attribute("type");
        return driver.isEmpty() || driver.equals("bridge");
    }

    /**
     * A container started, died, stopped or went away (or a network let one go): its published ports
     * open or close, its resolvers join or leave the DNS exception. Only when either is followed
     * (published ports: not with --no-published-ports or --no-input; DNS: not with --no-dns-exception).
     */
    private boolean concernsContainers(DockerEvent event) {
        if (!options.followsContainers()) {
            return false;
        }
        if (event.type().equals("container")) {
            return CONTAINER_ACTIONS.contains(event.action());
        }
        return event.isNetwork() && event.action().equals("disconnect");
    }

    /**
     * Not "kill": it says a signal was sent, and one the container survives changes nothing;
     * "die" follows every real end. Reacting to kill would spend the quiet spell's immediate
     * transaction on a list that still shows the container, and make the die that follows wait
     * for a burst's gathering.
     */
    private static final Set<String> CONTAINER_ACTIONS = Set.of("start", "die", "stop", "destroy");

    /**
     * Lists the running containers once for a burst of container events, for their published ports
     * and their resolvers (only new containers are inspected); the lines for the log of what changed.
     */
    private List<String> listContainers(List<DockerEvent> events) {
        List<String> changes = new ArrayList<>();
        try {
            List<DockerContainer> running = inspector().runningContainers();
            publishedPortsChange(running, events).ifPresent(changes::add);
            resolversChange(running, events).ifPresent(changes::add);
        } catch (DockerException e) {
            dockerFailed(describeEvents(events) + ": cannot ask Docker about its containers (" + e.getMessage() + ")");
        }
        return changes;
    }

    /** After a reconnection's listing: the resolvers of the containers listed (the ports were taken with the list). */
    private List<String> resolversAfterRelisting(List<DockerContainer> running) {
        try {
            return resolversChange(running, List.of()).stream().toList();
        } catch (DockerException e) {
            dockerFailed("cannot ask Docker about its containers' resolvers (" + e.getMessage() + ")");
            return List.of();
        }
    }

    /**
     * Takes {@code running} as the containers now for the DNS exception (inspecting those not seen
     * before); says which resolvers join and leave it, if any.
     */
    private Optional<String> resolversChange(List<DockerContainer> running, List<DockerEvent> events) {
        if (!options.followsDns()) {
            return Optional.empty();
        }
        List<Nameserver> before = options.dns().nameservers();
        List<Nameserver> after = options.refreshDns(running, inspector()).nameservers();
        if (after.equals(before)) {
            return Optional.empty();
        }
        Set<String> beforeAddresses = before.stream().map(Nameserver::addressText).collect(Collectors.toSet());
        Set<String> afterAddresses = after.stream().map(Nameserver::addressText).collect(Collectors.toSet());
        List<String> added = after.stream().filter(n -> !beforeAddresses.contains(n.addressText()))
                .map(n -> n.addressText() + " (" + n.describeSources() + ")").toList();
        List<String> removed = before.stream().filter(n -> !afterAddresses.contains(n.addressText()))
                .map(Nameserver::addressText).toList();
        String change = added.isEmpty() && removed.isEmpty() ? "the same, found in other places now"
                : (added.isEmpty() ? "" : "added " + listed(added))
                        + (!added.isEmpty() && !removed.isEmpty() ? "; " : "") + (removed.isEmpty() ? "" : "removed " + listed(removed));
        return Optional.of((events.isEmpty() ? "DNS resolvers" : describeEvents(events) + ": DNS resolvers") + " " + change);
    }

    private DockerClient inspector() {
        if (inspector == null) {
            inspector = DockerClient.open(endpoint, dockerTimeout);
        }
        return inspector;
    }

    /** Docker did not answer a question: say so and list everything again on a fresh connection. */
    private void dockerFailed(String line) {
        closeInspector();
        say(line + "; reconnecting to list everything again");
        if (follower != null) {
            follower.reconnect();
        }
    }

    /** Takes {@code running} as the containers now; says which published ports open and close, if any. */
    private Optional<String> publishedPortsChange(List<DockerContainer> running, List<DockerEvent> events) {
        if (!options.followsPublishedPorts()) {
            return Optional.empty();
        }
        Set<PublishedPort> before = new TreeSet<>();
        containers.values().forEach(c -> before.addAll(c.publishedPorts()));
        for (DockerContainer container : running) {
            if (!containers.containsKey(container.id())) {
                container.warnings().forEach(w -> say("warning: " + w));
            }
        }
        containers.clear();
        running.forEach(container -> containers.put(container.id(), container));
        Set<PublishedPort> after = new TreeSet<>();
        running.forEach(c -> after.addAll(c.publishedPorts()));
        List<String> opened = after.stream().filter(p -> !before.contains(p)).map(Watcher::describePort).toList();
        List<String> closed = before.stream().filter(p -> !after.contains(p)).map(Watcher::describePort).toList();
        if (opened.isEmpty() && closed.isEmpty()) {
            return Optional.empty();
        }
        String change = (opened.isEmpty() ? "" : "opened " + listed(opened))
                + (!opened.isEmpty() && !closed.isEmpty() ? "; " : "") + (closed.isEmpty() ? "" : "closed " + listed(closed));
        return Optional.of((events.isEmpty() ? "published ports" : describeEvents(events) + ": published ports") + " " + change);
    }

    private static String describePort(PublishedPort port) {
        return port.describe() + " (" + port.container() + (port.loopbackOnly() ? ", loopback only" : "") + ")";
    }

    private static String listed(List<String> items) {
        return items.size() <= NAMED ? String.join(", ", items)
                : String.join(", ", items.subList(0, NAMED)) + " and " + (items.size() - NAMED) + " more";
    }

    /** {@code container start web (id 0123456789ab)}, the first few of a burst, the rest counted. */
    private static String describeEvents(List<DockerEvent> events) {
        List<String> named = events.stream().map(e -> e.type() + " " + e.action() + " " + describeEvent(e)).distinct().toList();
        return listed(named);
    }

    /** Asks Docker how the network is now (the event only says that it changed); the line for the log. */
    private Optional<String> inspect(DockerEvent event) {
        String id = event.actorId();
        Optional<DockerNetwork> now;
        try {
            now = inspector().network(id);
        } catch (DockerException e) {
            dockerFailed("network " + event.action() + " " + describeEvent(event) + ": cannot ask Docker about it ("
                    + e.getMessage() + ")");
            return Optional.empty();
        }
        Optional<DockerNetwork> before = Optional.ofNullable(keyById.get(id)).map(networks::get);
        if (now.isPresent()) {
            now.get().warnings().forEach(w -> say("warning: " + w));
            try {
                now.get().toBridge();
            } catch (InvalidInputException e) {
                remove(id);
                say("warning: " + e.getMessage() + "; left out of the policy");
                return Optional.empty();
            }
            put(now.get());
            return Optional.of("network " + event.action() + " " + describe(now.get()));
        }
        before.ifPresent(gone -> remove(id));
        return before.map(gone -> "network " + event.action() + " " + describe(gone));
    }

    private String reconnected(WatchSignal.Listed listed) {
        closeInspector(); // dockerd may have restarted: a fresh connection for inspections too
        String count = listed.networks().size() + " bridge network" + (listed.networks().size() == 1 ? "" : "s");
        if (dockerReachable) {
            return "following Docker's events at " + endpoint + " (" + count + ")";
        }
        dockerReachable = true;
        return String.format(Locale.ROOT, "reconnected to Docker at %s after %.1f s (%s, listed again)", endpoint,
                (listed.receivedNanos() - dockerLostAt) / 1e9, count);
    }

    private void lost(WatchSignal.Lost lost) {
        if (dockerReachable) {
            dockerReachable = false;
            dockerLostAt = lost.receivedNanos();
            say("lost Docker: " + lost.reason() + "; the policy in place stays; reconnecting every "
                    + DockerFollower.FIRST_BACKOFF.toMillis() + " ms to " + DockerFollower.MAX_BACKOFF.toSeconds() + " s");
        }
    }

    private void replaceAll(List<DockerNetwork> listed) {
        Map<String, DockerNetwork> previous = new HashMap<>();
        networks.values().forEach(n -> previous.put(n.id(), n));
        networks.clear();
        bridges.clear();
        keyById.clear();
        for (DockerNetwork network : listed) {
            if (!previous.containsKey(network.id())) {
                network.warnings().forEach(w -> say("warning: " + w));
            }
            try {
                network.toBridge();
                put(network);
            } catch (InvalidInputException e) {
                say("warning: " + e.getMessage() + "; left out of the policy");
            }
        }
    }

    private void put(DockerNetwork network) {
        remove(network.id());
        String key = network.bridge().value() + "\0" + network.id();
        networks.put(key, network);
        bridges.put(key, network.toBridge());
        keyById.put(network.id(), key);
    }

    private void remove(String id) {
        String key = keyById.remove(id);
        if (key != null) {
            networks.remove(key);
            bridges.remove(key);
        }
    }

    /**
     * A commit of ours: its generation is one our transactions produced (exact), or the kernel
     * names one of our threads as its author (for a commit whose answer was lost, so its
     * generation was never learned).
     */
    private boolean ours(RulesetMonitor.Commit commit) {
        if (commit.notificationsLost()) {
            return false; // anything may have changed
        }
        return table.produced(commit.generation()) || commit.byThisProcess();
    }

    private void repaired(List<RulesetMonitor.Commit> foreign, RuleSet planned, LiveTable.Update update, double millis) {
        RulesetMonitor.Commit last = foreign.get(foreign.size() - 1);
        String by = last.notificationsLost() ? "someone (the kernel dropped its notifications)"
                : last.processName().isEmpty() ? "pid " + last.pid() : last.processName() + " (pid " + last.pid() + ")";
        // The table's own deletion says more than the rules that went with it: name it first.
        String changes = foreign.stream().flatMap(c -> c.whatChanged().stream())
                .sorted(Comparator.comparing((String change) -> !change.startsWith("delete table ")))
                .limit(NAMED).collect(Collectors.joining("; "));
        long more = foreign.stream().mapToLong(c -> c.whatChanged().size()).sum() - NAMED;
        if (more > 0) {
            changes += "; and " + more + " more";
        }
        String table = "table " + planned.family().nftName() + " " + planned.table();
        if (update.kind() == Applier.Kind.UNCHANGED) {
            say("checked " + table + " after a change by " + by + ": " + changes + "; it still holds the plan (generation "
                    + update.generationAfter() + ")");
            return;
        }
        String verified = verify(planned, update);
        say(String.format(Locale.ROOT, "restored %s after a change by %s: %s; generation %d -> %d, %.1f ms; %s", table, by,
                changes, update.generationBefore(), update.generationAfter(), millis, verified));
    }

    /** After a repair the table is read back and judged (not after every event: memory is exact there). */
    private String verify(RuleSet planned, LiveTable.Update update) {
        try {
            return table.verify(planned, update.generationAfter()).summary();
        } catch (KernelException e) {
            return "not verified: " + e.getMessage();
        }
    }

    private static String outcome(LiveTable.Update update) {
        return switch (update.kind()) {
            case UNCHANGED -> "unchanged, generation " + update.generationAfter();
            case INSTALLED, REPLACED, UPDATED -> update.kind().name().toLowerCase(Locale.ROOT)
                    + " in 1 transaction, generation " + update.generationBefore() + " -> " + update.generationAfter();
        };
    }

    private static String subject(List<String> what) {
        if (what.size() <= NAMED) {
            return String.join("; ", what);
        }
        return what.size() + " changes (" + String.join("; ", what.subList(0, NAMED)) + "; and " + (what.size() - NAMED)
                + " more)";
    }

    static String describe(DockerNetwork network) {
        String subnets = network.subnets().stream().map(Object::toString).collect(Collectors.joining(", "));
        return network.bridge().value() + " (" + network.name() + (subnets.isEmpty() ? "" : " " + subnets) + ")";
    }

    private static String describeEvent(DockerEvent event) {
        String name = event.attribute("name");
        String shortId = event.actorId().substring(0, Math.min(12, event.actorId().length()));
        return name.isEmpty() ? shortId : name + " (id " + shortId + ")";
    }

    /** With BRIDGEWALL_TIMING set, where a transaction's time went, appended to its log line. */
    private static final class Phases {
        private static final boolean ENABLED = System.getenv("BRIDGEWALL_TIMING") != null;
        private final StringBuilder text = new StringBuilder();
        private long last = System.nanoTime();

        void mark(String phase) {
            if (ENABLED) {
                long now = System.nanoTime();
                text.append(text.length() == 0 ? " [" : ", ").append(phase)
                        .append(String.format(Locale.ROOT, " %.2f ms", (now - last) / 1e6));
                last = now;
            }
        }

        @Override
        public String toString() {
            return text.length() == 0 ? "" : text + "]";
        }
    }

    private void closeInspector() {
        if (inspector != null) {
            inspector.close();
            inspector = null;
        }
    }

    private void say(String line) {
        log.println("bridgewall: " + line);
        log.flush();
    }

    void close() {
        closeInspector();
    }
}
