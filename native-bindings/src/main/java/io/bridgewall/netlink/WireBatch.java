package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * One nf_tables transaction as a value: BATCH_BEGIN, the messages, BATCH_END, byte for byte as
 * they go to the kernel in one datagram, except the sequence numbers, which the sending socket
 * fills in. Can be printed and compared without a socket.
 *
 * <p>A batch without BATCH_END ({@link #forValidation()}) is what {@code nft -c} sends: the
 * kernel (nfnetlink_rcv_batch) runs every message, answers each as usual, never reaches the
 * commit, and aborts with NFNL_ABORT_VALIDATE, which also runs the table validation a commit
 * would (loops, hook constraints). Nothing changes, not even the generation.
 */
public record WireBatch(List<WireMessage> messages) {
    public WireBatch {
        messages = List.copyOf(messages);
        if (messages.isEmpty() || messages.get(0).type() != Netlink.NFNL_MSG_BATCH_BEGIN) {
            throw new IllegalArgumentException("a batch starts with BATCH_BEGIN");
        }
        for (int i = 1; i < messages.size(); i++) {
            int type = messages.get(i).type();
            boolean last = i == messages.size() - 1;
            if (type == Netlink.NFNL_MSG_BATCH_BEGIN || type == Netlink.NFNL_MSG_BATCH_END && !last) {
                throw new IllegalArgumentException("a batch has one BATCH_BEGIN, first, and at most one BATCH_END, last");
            }
        }
    }

    /** Begin, the given messages, end. */
    public static WireBatch of(OptionalInt generation, List<WireMessage> body) {
        List<WireMessage> all = new ArrayList<>(body.size() + 2);
        all.add(WireMessage.batchBegin(generation));
        all.addAll(body);
        all.add(WireMessage.batchEnd());
        return new WireBatch(all);
    }

    /** The messages between begin and end. */
    public List<WireMessage> body() {
        return messages.subList(1, commits() ? messages.size() - 1 : messages.size());
    }

    /** Whether the kernel commits this batch when it takes it: it ends with BATCH_END. */
    public boolean commits() {
        return messages.size() > 1 && messages.get(messages.size() - 1).type() == Netlink.NFNL_MSG_BATCH_END;
    }

    /** The same transaction without BATCH_END: the kernel checks every message and commits nothing. */
    public WireBatch forValidation() {
        return commits() ? new WireBatch(messages.subList(0, messages.size() - 1)) : this;
    }

    /** The generation the batch may commit at (NFNL_BATCH_GENID), if it names one. */
    public OptionalInt generation() {
        byte[] begin = messages.get(0).bytes();
        if (begin.length < 28) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(ByteBuffer.wrap(begin).order(ByteOrder.BIG_ENDIAN).getInt(24));
    }

    /** Messages the kernel answers (each asks for an ack). */
    public int messageCount() {
        return (int) messages.stream().filter(WireMessage::asksForAck).count();
    }

    public int byteLength() {
        return messages.stream().mapToInt(m -> (m.length() + 3) & ~3).sum();
    }

    /** The datagram, with message i numbered {@code firstSequence + i}. */
    public ByteBuffer datagram(int firstSequence) {
        ByteBuffer out = ByteBuffer.allocate(byteLength()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < messages.size(); i++) {
            int start = out.position();
            out.put(messages.get(i).bytes());
            out.putInt(start + WireMessage.SEQUENCE_OFFSET, firstSequence + i);
            out.position(start + ((messages.get(i).length() + 3) & ~3));
        }
        return out.flip();
    }

    /** One line per message: type, flags, family, length, what it does. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            text.append(String.format("%4d  ", i)).append(messages.get(i)).append('\n');
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "WireBatch[" + messages.size() + " messages, " + byteLength() + " bytes" + (commits() ? "" : ", validation only") + "]";
    }
}
