package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Passes everything to another transport and keeps a {@link WireTranscript} of it. */
public final class RecordingTransport implements NetlinkTransport {
    private final NetlinkTransport inner;
    private final List<WireTranscript.Entry> entries = new ArrayList<>();

    public RecordingTransport(NetlinkTransport inner) {
        this.inner = inner;
    }

    NetlinkTransport inner() {
        return inner;
    }

    public synchronized void note(String text) {
        entries.add(new WireTranscript.Note(text));
    }

    public synchronized WireTranscript transcript(int firstSequence) {
        return new WireTranscript(inner.portId(), firstSequence, entries);
    }

    @Override
    public int portId() {
        return inner.portId();
    }

    @Override
    public synchronized void send(ByteBuffer datagram) {
        entries.add(new WireTranscript.Sent(WireTranscript.bytes(datagram)));
        inner.send(datagram);
    }

    @Override
    public synchronized ByteBuffer receive() {
        try {
            ByteBuffer received = inner.receive();
            entries.add(new WireTranscript.Received(WireTranscript.bytes(received)));
            return received;
        } catch (KernelException e) {
            entries.add(new WireTranscript.ReceiveFailed(e.errno()));
            throw e;
        }
    }

    @Override
    public synchronized int discardPending() {
        int discarded = inner.discardPending();
        entries.add(new WireTranscript.Note("discarded " + discarded + " queued datagrams"));
        return discarded;
    }

    @Override
    public void joinGroup(int group) {
        inner.joinGroup(group);
    }

    @Override
    public void setReceiveTimeout(Duration timeout) {
        inner.setReceiveTimeout(timeout);
    }

    @Override
    public void setReceiveQueue(int bytes) {
        inner.setReceiveQueue(bytes);
    }

    @Override
    public void close() {
        inner.close();
    }
}
