package io.bridgewall.cli;

import io.bridgewall.kernel.TableSnapshot;
import io.bridgewall.netlink.WireMessage;
import io.bridgewall.ruleset.Family;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A rollback waiting for `bridgewall confirm`: what to bring back, only while the table still
 * holds what the apply committed, and when. Written to a file (0600, root's run directory) by
 * `apply --confirm` and read by the rollback and by `confirm`; as text, one field per line,
 * checked strictly when read back, since whatever can write the file can put anything in it.
 *
 * @param id        names this rollback, so an agent whose rollback was replaced or confirmed does nothing
 * @param deadline  when the rollback happens
 * @param agent     what will run it: "systemd UNIT" or "process PID"
 * @param committed the digest of what the apply committed ({@link TableSnapshot#digest})
 * @param committedShape what the apply committed, in words
 * @param previous  the state to bring back
 */
record PendingRollback(String id, Optional<String> netns, Instant deadline, String agent, String committed,
                       String committedShape, TableSnapshot previous) {
    private static final String HEADER = "bridgewall pending rollback 1";
    static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}|" + TableSnapshot.ABSENT);
    private static final Pattern SHAPE = Pattern.compile("\\d{1,9} chains, \\d{1,9} rules, \\d{1,9} set elements|-");
    private static final Pattern AGENT = Pattern.compile("systemd bridgewall-rollback-[0-9a-f]{32}|process \\d{1,10}|none");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,18}");
    private static final Pattern HEX = Pattern.compile("([0-9a-f]{2})+");

    PendingRollback {
        if (!ID.matcher(id).matches() || !DIGEST.matcher(committed).matches() || !AGENT.matcher(agent).matches()
                || !SHAPE.matcher(committedShape).matches()) {
            throw new IllegalArgumentException("not a pending rollback: " + id + " " + agent + " " + committed);
        }
        netns.ifPresent(PendingRollback::checkNetns);
    }

    PendingRollback withAgent(String agent) {
        return new PendingRollback(id, netns, deadline, agent, committed, committedShape, previous);
    }

    /** Names as `ip netns` makes them: a file name under /run/netns. */
    static void checkNetns(String name) {
        if (name.isEmpty() || name.length() > 255 || name.equals(".") || name.equals("..") || name.contains("/")
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("not a network namespace name");
        }
    }

    String text() {
        StringBuilder text = new StringBuilder();
        text.append(HEADER).append('\n');
        text.append("id ").append(id).append('\n');
        text.append("netns ").append(netns.map(n -> HexFormat.of().formatHex(n.getBytes(StandardCharsets.UTF_8))).orElse("-")).append('\n');
        text.append("deadline ").append(deadline.toEpochMilli()).append('\n');
        text.append("agent ").append(agent).append('\n');
        text.append("committed ").append(committed).append(' ').append(committedShape).append('\n');
        text.append("table ").append(previous.family().nftName()).append(' ').append(previous.table()).append('\n');
        text.append("previous ").append(previous.digest()).append(' ').append(previous.shape().orElse("-")).append('\n');
        text.append("messages ").append(previous.restore().size()).append('\n');
        previous.restore().forEach(message -> text.append(message.hex()).append('\n'));
        return text.toString();
    }

    /** Reads what {@link #text()} wrote, or says on which line and why it is not that. */
    static PendingRollback parse(String text) {
        List<String> lines = text.lines().toList();
        Reader in = new Reader(lines);
        in.expect(HEADER);
        String id = in.field("id", ID);
        String netnsHex = in.field("netns", Pattern.compile("-|([0-9a-f]{2}){1,255}"));
        Optional<String> netns = netnsHex.equals("-") ? Optional.empty()
                : Optional.of(new String(HexFormat.of().parseHex(netnsHex), StandardCharsets.UTF_8));
        try {
            netns.ifPresent(PendingRollback::checkNetns);
        } catch (IllegalArgumentException e) {
            throw in.damaged("the network namespace name is not one");
        }
        long deadline = Long.parseLong(in.field("deadline", NUMBER));
        String agent = in.field("agent", AGENT);
        String[] committed = in.field("committed", Pattern.compile("(" + DIGEST + ") (" + SHAPE + ")")).split(" ", 2);
        String table = in.field("table", Pattern.compile("inet bridgewall"));
        String[] previous = in.field("previous", Pattern.compile("(" + DIGEST + ") (" + SHAPE + ")")).split(" ", 2);
        long count = Long.parseLong(in.field("messages", NUMBER));
        if (count < 2 || count > TableSnapshot.MAX_MESSAGES || count != lines.size() - in.next) {
            throw in.damaged("it says " + count + " messages follow, " + (lines.size() - in.next) + " lines do");
        }
        List<WireMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String hex = in.line(HEX);
            try {
                messages.add(new WireMessage("restore message " + i, HexFormat.of().parseHex(hex)));
            } catch (IllegalArgumentException e) {
                throw in.damaged(e.getMessage());
            }
        }
        // The snapshot checks its messages: only our table, only adds after the delete.
        TableSnapshot snapshot = new TableSnapshot(table.split(" ")[1], Family.INET,
                previous[1].equals("-") ? Optional.empty() : Optional.of(previous[1]), previous[0], messages);
        if (snapshot.present() == previous[0].equals(TableSnapshot.ABSENT)) {
            throw new IllegalArgumentException("the previous state is both absent and present");
        }
        return new PendingRollback(id, netns, Instant.ofEpochMilli(deadline), agent, committed[0], committed[1], snapshot);
    }

    /** Line by line, each line checked against what it must be. */
    private static final class Reader {
        private final List<String> lines;
        private int next;

        Reader(List<String> lines) {
            this.lines = lines;
        }

        void expect(String line) {
            if (next >= lines.size() || !lines.get(next).equals(line)) {
                throw damaged("'" + line + "' expected");
            }
            next++;
        }

        String field(String name, Pattern value) {
            String line = next < lines.size() ? lines.get(next) : "";
            if (!line.startsWith(name + " ") || !value.matcher(line.substring(name.length() + 1)).matches()) {
                throw damaged("'" + name + "' with a valid value expected");
            }
            next++;
            return line.substring(name.length() + 1);
        }

        String line(Pattern value) {
            String line = next < lines.size() ? lines.get(next) : "";
            if (!value.matcher(line).matches()) {
                throw damaged("a message in hex expected");
            }
            next++;
            return line;
        }

        IllegalArgumentException damaged(String why) {
            return new IllegalArgumentException("line " + (next + 1) + ": " + why);
        }
    }
}
