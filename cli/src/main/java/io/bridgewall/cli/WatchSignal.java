package io.bridgewall.cli;

import io.bridgewall.docker.DockerContainer;
import io.bridgewall.docker.DockerEvent;
import io.bridgewall.docker.DockerNetwork;
import io.bridgewall.kernel.RulesetMonitor;
import java.util.List;

/** What the watch loop reacts to; each knows when it arrived ({@link System#nanoTime()}). */
sealed interface WatchSignal {
    long receivedNanos();

    /**
     * Connected (again) to Docker, subscribed to its events, then listed every bridge network
     * and, when published ports are followed, the running containers (else none).
     */
    record Listed(List<DockerNetwork> networks, List<DockerContainer> containers, long receivedNanos) implements WatchSignal {
        public Listed {
            networks = List.copyOf(networks);
            containers = List.copyOf(containers);
        }
    }

    /** One event from Docker's stream. */
    record Event(DockerEvent event) implements WatchSignal {
        @Override
        public long receivedNanos() {
            return event.receivedNanos();
        }
    }

    /** The connection to Docker is gone or could not be made; the follower retries. */
    record Lost(String reason, long receivedNanos) implements WatchSignal {
    }

    /** The kernel committed a transaction (an nftables notification), ours or someone else's. */
    record Commit(RulesetMonitor.Commit commit, long receivedNanos) implements WatchSignal {
    }

    /** Time to try again a transaction that failed (the kernel refused it, or the interfaces could not be read). */
    record Retry(long receivedNanos) implements WatchSignal {
    }

    /** SIGTERM or SIGINT: stop, leaving the ruleset as it is. */
    record Stop(long receivedNanos) implements WatchSignal {
    }
}
