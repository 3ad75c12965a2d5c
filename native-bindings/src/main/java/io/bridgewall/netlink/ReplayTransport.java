package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;

/**
 * Plays a recorded {@link WireTranscript} back: every datagram sent must equal the recorded
 * one byte for byte, and every receive returns the next recorded answer (or its errno). For
 * tests that run real kernel exchanges without root.
 */
public final class ReplayTransport implements NetlinkTransport {
    private final int portId;
    private final Deque<WireTranscript.Entry> script;

    public ReplayTransport(WireTranscript transcript) {
        this.portId = transcript.portId();
        this.script = new ArrayDeque<>(transcript.entries().stream()
                .filter(e -> !(e instanceof WireTranscript.Note)).toList());
    }

    /** Entries not yet played. */
    public int remaining() {
        return script.size();
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public void send(ByteBuffer datagram) {
        WireTranscript.Entry next = script.poll();
        byte[] bytes = WireTranscript.bytes(datagram);
        if (!(next instanceof WireTranscript.Sent recorded)) {
            throw new AssertionError("sent a datagram where the recording has " + next);
        }
        if (!Arrays.equals(recorded.bytes(), bytes)) {
            throw new AssertionError("sent datagram differs from the recording:\n  sent     "
                    + HexFormat.of().formatHex(bytes) + "\n  recorded " + HexFormat.of().formatHex(recorded.bytes()));
        }
    }

    @Override
    public ByteBuffer receive() {
        WireTranscript.Entry next = script.poll();
        if (next instanceof WireTranscript.Received received) {
            return ByteBuffer.wrap(received.bytes());
        }
        if (next instanceof WireTranscript.ReceiveFailed failed) {
            throw new KernelException(failed.errno(), "receiving from the kernel", "recorded");
        }
        throw new AssertionError("receiving where the recording has " + next);
    }

    /** The recording holds only what was received; what the real socket discarded is a note. */
    @Override
    public int discardPending() {
        return 0;
    }

    @Override
    public void close() {
    }
}
