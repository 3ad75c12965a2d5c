package io.bridgewall.cli;

import io.bridgewall.docker.DockerClient;
import io.bridgewall.docker.DockerContainer;
import io.bridgewall.docker.DockerNetwork;
import io.bridgewall.docker.DockerEndpoint;
import io.bridgewall.docker.DockerEvent;
import io.bridgewall.docker.DockerEventStream;
import io.bridgewall.docker.DockerException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows Docker for `watch`, on a thread of its own: subscribes to the event stream, then lists
 * every bridge network (so nothing that happened while away is missed: the list is at least as
 * new as the subscription), then passes on each event. When the stream breaks or dockerd is
 * gone it says so once and reconnects with exponential backoff, forever.
 */
final class DockerFollower implements Runnable {
    /** Docker restarts take a second or more; the first retry is cheap, and no retry is further apart than this. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /**
     * Networks shape the policy; a container's start, die, stop and destroy (and a network
     * disconnect, which comes when a stopped container's endpoints are released) change its
     * published ports.
     */
    static final List<String> TYPES = List.of("network", "container");
    static final List<String> ACTIONS = List.of("create", "destroy", "connect", "disconnect", "start", "die", "stop");

    private final DockerEndpoint endpoint;
    private final Duration timeout;
    private final Consumer<WatchSignal> sink;
    private final boolean listContainers;
    private volatile boolean stopped;
    private volatile boolean reconnectRequested;
    private volatile DockerEventStream stream;
    private volatile Thread thread;

    /** {@code listContainers}: each (re)connection lists the running containers too (their published ports or resolvers are followed). */
    DockerFollower(DockerEndpoint endpoint, Duration timeout, boolean listContainers, Consumer<WatchSignal> sink) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.listContainers = listContainers;
        this.sink = sink;
    }

    Thread start() {
        Thread t = new Thread(this, "bridgewall-docker-events");
        t.setDaemon(true); // never holds up the exit: the watch loop owns the kernel, not this thread
        thread = t;
        t.start();
        return t;
    }

    @Override
    public void run() {
        long backoffMillis = FIRST_BACKOFF.toMillis();
        while (!stopped) {
            try (DockerClient client = DockerClient.open(endpoint, timeout);
                 DockerEventStream events = client.events(TYPES, ACTIONS)) {
                stream = events;
                if (stopped) {
                    return;
                }
                List<DockerNetwork> networks = client.bridgeNetworks();
                List<DockerContainer> containers = listContainers ? client.runningContainers() : List.of();
                sink.accept(new WatchSignal.Listed(networks, containers, System.nanoTime()));
                backoffMillis = FIRST_BACKOFF.toMillis();
                for (Optional<DockerEvent> event = events.next(); event.isPresent(); event = events.next()) {
                    sink.accept(new WatchSignal.Event(event.get()));
                }
                if (!stopped) {
                    sink.accept(new WatchSignal.Lost(reconnectRequested ? "reconnecting to list everything again"
                            : "dockerd ended its event stream", System.nanoTime()));
                }
            } catch (DockerException e) {
                if (!stopped) {
                    sink.accept(new WatchSignal.Lost(e.getMessage(), System.nanoTime()));
                }
            } finally {
                stream = null;
            }
            if (reconnectRequested) {
                reconnectRequested = false;
                continue;
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                return; // stop() interrupts the pause
            }
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
        }
    }

    /** Drops the current connection and connects again at once (which lists everything again). */
    void reconnect() {
        reconnectRequested = true;
        DockerEventStream current = stream;
        if (current != null) {
            current.wakeUp();
        }
    }

    void stop() {
        stopped = true;
        DockerEventStream current = stream;
        if (current != null) {
            current.wakeUp();
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
