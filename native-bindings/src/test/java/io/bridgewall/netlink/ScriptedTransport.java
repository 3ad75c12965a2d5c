package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A kernel that answers from a script: each receive hands out the next datagram (or fails with
 * the next errno). What was sent is kept for the test to inspect.
 */
final class ScriptedTransport implements NetlinkTransport {
    static final int PORT = 4242;

    private final int portId;
    private final Deque<Object> answers = new ArrayDeque<>();
    final List<byte[]> sent = new ArrayList<>();
    boolean closed;

    ScriptedTransport() {
        this(PORT);
    }

    ScriptedTransport(int portId) {
        this.portId = portId;
    }

    static ScriptedTransport replaying(WireTranscript transcript) {
        ScriptedTransport transport = new ScriptedTransport(transcript.portId());
        for (WireTranscript.Entry entry : transcript.answers()) {
            if (entry instanceof WireTranscript.Received r) {
                transport.answer(r.bytes());
            } else if (entry instanceof WireTranscript.ReceiveFailed f) {
                transport.fail(f.errno());
            }
        }
        return transport;
    }

    /** Queues one datagram made of these messages. */
    ScriptedTransport answer(byte[]... messages) {
        int length = 0;
        for (byte[] m : messages) {
            length += (m.length + 3) & ~3;
        }
        ByteBuffer datagram = ByteBuffer.allocate(length);
        for (byte[] m : messages) {
            int start = datagram.position();
            datagram.put(m);
            datagram.position(start + ((m.length + 3) & ~3));
        }
        answers.add(datagram.array());
        return this;
    }

    ScriptedTransport fail(int errno) {
        answers.add(errno);
        return this;
    }

    int pending() {
        return answers.size();
    }

    /** The sequence number of the n-th sent datagram's first message. */
    int sentSequence(int n) {
        return ByteBuffer.wrap(sent.get(n)).order(ByteOrder.nativeOrder()).getInt(8);
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public void send(ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.duplicate().get(bytes);
        sent.add(bytes);
    }

    @Override
    public ByteBuffer receive() {
        Object next = answers.poll();
        if (next == null) {
            throw new KernelException(Netlink.EAGAIN, "receiving from the kernel", "script exhausted");
        }
        if (next instanceof Integer errno) {
            throw new KernelException(errno, "receiving from the kernel", null);
        }
        return ByteBuffer.wrap((byte[]) next);
    }

    @Override
    public void close() {
        closed = true;
    }
}
