package io.bridgewall.netlink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Datagrams exchanged with the kernel, in order, as text: {@code > hex} sent, {@code < hex}
 * received, {@code ! errno} a failed receive, {@code # text} a note. Real exchanges are recorded
 * with {@link RecordingTransport} and replayed in tests without root.
 */
public record WireTranscript(int portId, int firstSequence, List<Entry> entries) {
    public sealed interface Entry {
    }

    public record Sent(byte[] bytes) implements Entry {
        public Sent {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    public record Received(byte[] bytes) implements Entry {
        public Received {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /** A receive that failed with this errno (EAGAIN, ENOBUFS...). */
    public record ReceiveFailed(int errno) implements Entry {
    }

    public record Note(String text) implements Entry {
    }

    public WireTranscript {
        entries = List.copyOf(entries);
    }

    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("portid ").append(Integer.toUnsignedString(portId)).append('\n');
        out.append("first-sequence ").append(Integer.toUnsignedString(firstSequence)).append('\n');
        HexFormat hex = HexFormat.of();
        for (Entry entry : entries) {
            if (entry instanceof Sent s) {
                out.append("> ").append(hex.formatHex(s.bytes())).append('\n');
            } else if (entry instanceof Received r) {
                out.append("< ").append(hex.formatHex(r.bytes())).append('\n');
            } else if (entry instanceof ReceiveFailed f) {
                out.append("! ").append(f.errno()).append('\n');
            } else if (entry instanceof Note n) {
                out.append("# ").append(n.text().replace('\n', ' ')).append('\n');
            }
        }
        return out.toString();
    }

    public static WireTranscript parse(String text) {
        int portId = 0;
        int firstSequence = 0;
        List<Entry> entries = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("portid ")) {
                portId = Integer.parseUnsignedInt(line.substring(7).strip());
            } else if (line.startsWith("first-sequence ")) {
                firstSequence = Integer.parseUnsignedInt(line.substring(15).strip());
            } else if (line.startsWith("> ")) {
                entries.add(new Sent(hex.parseHex(line.substring(2).strip())));
            } else if (line.startsWith("< ")) {
                entries.add(new Received(hex.parseHex(line.substring(2).strip())));
            } else if (line.startsWith("! ")) {
                entries.add(new ReceiveFailed(Integer.parseInt(line.substring(2).strip())));
            } else if (line.startsWith("#")) {
                entries.add(new Note(line.substring(1).strip()));
            } else {
                throw new IllegalArgumentException("not a transcript line: " + line);
            }
        }
        return new WireTranscript(portId, firstSequence, entries);
    }

    /** The received side only, in order: what a replaying transport hands out. */
    public List<Entry> answers() {
        return entries.stream().filter(e -> e instanceof Received || e instanceof ReceiveFailed).toList();
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
