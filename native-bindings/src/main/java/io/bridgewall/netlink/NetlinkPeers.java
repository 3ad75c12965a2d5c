package io.bridgewall.netlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds the process behind a netlink port id: /proc/net/netlink of the socket's namespace maps
 * the port id to a socket inode, and /proc/PID/fd shows which process holds that inode. Best
 * effort: an empty answer means "not found", never an error.
 */
public final class NetlinkPeers {
    /** A process holding a netlink socket. */
    public record Peer(long pid, String command) {
    }

    private NetlinkPeers() {
    }

    public static Optional<Peer> holderOf(Optional<String> netns, int protocol, int portId) {
        try {
            String table = netns.isPresent()
                    ? NetworkNamespace.callInside(netns.get(), NetlinkPeers::readNetlinkTable)
                    : readNetlinkTable();
            OptionalLong inode = inodeOf(table, protocol, portId);
            if (inode.isEmpty()) {
                return Optional.empty();
            }
            return processHolding("socket:[" + inode.getAsLong() + "]");
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The netlink sockets of the calling thread's network namespace. */
    private static String readNetlinkTable() {
        try {
            return Files.readString(Path.of("/proc/thread-self/net/netlink"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Columns: sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode. */
    static OptionalLong inodeOf(String netlinkTable, int protocol, int portId) {
        for (String line : netlinkTable.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length < 10 || !columns[1].matches("\\d+") || !columns[2].matches("\\d+")) {
                continue;
            }
            if (Integer.parseInt(columns[1]) == protocol && Long.parseLong(columns[2]) == Integer.toUnsignedLong(portId)) {
                return OptionalLong.of(Long.parseLong(columns[9]));
            }
        }
        return OptionalLong.empty();
    }

    private static Optional<Peer> processHolding(String socketLink) {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (socketLink.equals(readLink(fd))) {
                            long pid = Long.parseLong(process.getFileName().toString());
                            String command = Files.readString(process.resolve("comm"), StandardCharsets.UTF_8).strip();
                            return Optional.of(new Peer(pid, command));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended, or its fds are not ours to read: look further
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
