package io.bridgewall.kernel;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.netlink.NetlinkSubscription;
import io.bridgewall.ruleset.Family;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells, without polling, when someone else commits a change that touches our table: a
 * netfilter netlink socket in the namespace, joined to NFNLGRP_NFTABLES (what `nft monitor`
 * reads). Each committed transaction reaches it as its object notifications followed by
 * NFT_MSG_NEWGEN; they are gathered into one {@link Commit} (see {@link CommitAssembler}).
 *
 * <p>Open it before the first apply: the kernel queues notifications from the moment the
 * socket joins the group, so nothing committed after that is missed. One thread calls
 * {@link #next(Duration)}; {@link #wakeUp()} and {@link #close()} may come from any thread.
 */
public final class RulesetMonitor implements AutoCloseable {
    /** Queue for notifications: a full apply at 10,000 networks is about 20,000 messages. */
    public static final int DEFAULT_RECEIVE_QUEUE = 8 * 1024 * 1024;
    /** Each loss doubles the queue, to at least this... */
    static final int SMALLEST_GROWN_QUEUE = 1024 * 1024;
    /** ...and at most this. */
    public static final int LARGEST_RECEIVE_QUEUE = 128 * 1024 * 1024;

    private final NetlinkSubscription subscription;
    private final CommitAssembler assembler;
    private final Deque<Commit> ready = new ArrayDeque<>();
    private int receiveQueue;

    private RulesetMonitor(NetlinkSubscription subscription, String table, Family family, int receiveQueue) {
        this.subscription = subscription;
        this.assembler = new CommitAssembler(table, family);
        this.receiveQueue = receiveQueue;
    }

    /** Follows the commits of the named namespace (the caller's when empty) for {@code table} of {@code family}. */
    public static RulesetMonitor open(Optional<String> netns, String table, Family family) {
        return open(netns, table, family, DEFAULT_RECEIVE_QUEUE);
    }

    /** As {@link #open(Optional, String, Family)}, starting with a receive queue of this many bytes. */
    public static RulesetMonitor open(Optional<String> netns, String table, Family family, int receiveQueueBytes) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(family, "family");
        if (receiveQueueBytes <= 0) {
            throw new IllegalArgumentException("receive queue must be at least 1 byte, not " + receiveQueueBytes);
        }
        NetlinkSubscription subscription = NetlinkSubscription.open(netns, Netlink.NETLINK_NETFILTER, Netlink.NFNLGRP_NFTABLES);
        try {
            subscription.setReceiveQueue(receiveQueueBytes);
            return new RulesetMonitor(subscription, table, family, receiveQueueBytes);
        } catch (RuntimeException | Error e) {
            subscription.close();
            throw e;
        }
    }

    /** Over a subscription already open (a recorded one in tests). */
    static RulesetMonitor over(NetlinkSubscription subscription, String table, Family family) {
        return new RulesetMonitor(subscription, table, family, DEFAULT_RECEIVE_QUEUE);
    }

    /**
     * Waits up to {@code timeout} for the next committed transaction; empty on timeout, after
     * {@link #wakeUp()} or {@link #close()}. Never blocks longer than the timeout (to the
     * kernel's timer tick). A transaction whose notifications are still arriving at the
     * deadline is kept and finished by the next call. When the kernel dropped notifications,
     * the answer is {@link Commit#notificationsLost()}: read everything again.
     */
    public Optional<Commit> next(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, Math.min(timeout.toNanos(), Duration.ofDays(1).toNanos()));
        while (ready.isEmpty()) {
            NetlinkSubscription.Delivery delivery = subscription.receive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (delivery instanceof NetlinkSubscription.Delivery.Messages messages) {
                for (NetlinkMessage message : messages.messages()) {
                    assembler.offer(message).ifPresent(ready::add);
                }
            } else if (delivery instanceof NetlinkSubscription.Delivery.Lost lost) {
                String why = lost.why();
                if (lost.cause() == NetlinkSubscription.Loss.QUEUE_FULL && receiveQueue < LARGEST_RECEIVE_QUEUE) {
                    receiveQueue = (int) Math.min(Math.max((long) receiveQueue * 2, SMALLEST_GROWN_QUEUE), LARGEST_RECEIVE_QUEUE);
                    subscription.setReceiveQueue(receiveQueue);
                    why += "; receive queue grown to " + receiveQueue / 1024 + " KiB";
                }
                ready.add(assembler.lost(why));
            } else {
                return Optional.empty(); // timed out, woken up or closed
            }
            if (ready.isEmpty() && deadline - System.nanoTime() <= 0) {
                return Optional.empty();
            }
        }
        return Optional.of(ready.poll());
    }

    /** Ends a waiting {@link #next(Duration)} from another thread (for shutdown); if none waits, the next call returns at once. */
    public void wakeUp() {
        subscription.wakeUp();
    }

    /** The receive queue asked of the kernel now (it grows after each loss). */
    public int receiveQueue() {
        return receiveQueue;
    }

    /** Safe from any thread: a waiting {@link #next(Duration)} returns empty, then the socket is closed. */
    @Override
    public void close() {
        subscription.close();
    }

    /**
     * One committed transaction.
     *
     * @param generation      the ruleset generation it produced (NFTA_GEN_ID); for our own
     *                        applies, {@link Firewall.ApplyReport#committedGeneration()}; 0 when
     *                        notifications were lost (the kernel never hands out 0)
     * @param pid             the committing task (NFTA_GEN_PROC_PID): the kernel reports the
     *                        thread id, which equals the process id only for a process's main
     *                        thread (nft's case; not a JVM's); 0 when unknown
     * @param processName     that task's name (NFTA_GEN_PROC_NAME; a JVM thread's name, e.g.
     *                        "main", for our own commits); "" when unknown
     * @param touchedOurTable whether any of its changes names our table in our family; always
     *                        true when notifications were lost
     * @param whatChanged     its changes, ours first, e.g. "delete table inet bridgewall",
     *                        "add element inet bridgewall bridges (x3)"; at most
     *                        20 lines and a count of the rest
     */
    public record Commit(int generation, int pid, String processName, boolean touchedOurTable, List<String> whatChanged) {
        /** The first line of {@link #whatChanged()} when the kernel dropped notifications. */
        public static final String NOTIFICATIONS_LOST = "notifications lost";

        public Commit {
            Objects.requireNonNull(processName, "processName");
            whatChanged = List.copyOf(whatChanged);
        }

        /** Notifications were dropped or unreadable: anything may have changed; read everything again. */
        public boolean notificationsLost() {
            return generation == 0 && !whatChanged.isEmpty() && whatChanged.get(0).equals(NOTIFICATIONS_LOST);
        }

        /**
         * Whether the committing task is a live thread of this JVM: the kernel names the thread
         * (its id is the process id only for a main thread), so a plain comparison with this
         * process's pid never matches. Meant for a log line; to recognise one's own commits, the
         * generation each apply committed is exact ({@link Firewall.ApplyReport#committedGeneration()}),
         * and this is not (the thread may have ended; a pid namespace of our own renumbers it).
         */
        public boolean byThisProcess() {
            return pid > 0 && Files.isDirectory(Path.of("/proc/self/task/" + Integer.toUnsignedString(pid)));
        }

        /** One line for a log: generation, who, and what. */
        public String describe() {
            if (notificationsLost()) {
                return String.join(": ", whatChanged);
            }
            return "generation " + Integer.toUnsignedString(generation) + " by " + (processName.isEmpty() ? "?" : processName)
                    + " (pid " + Integer.toUnsignedString(pid) + "): " + (whatChanged.isEmpty() ? "no changes reported"
                    : String.join(", ", whatChanged));
        }
    }
}
