package io.bridgewall.it.lab;

import io.bridgewall.it.support.Netns;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packets one NFLOG group hands to userspace in a lab namespace, each with its log prefix:
 * {@code tcpdump -i nflog:N -w -} in that namespace, its pcap stream read here. An independent
 * reader of the kernel's log lines: kernel logging from a namespace other than the first is off
 * (the machine-wide sysctl net.netfilter.nf_log_all_netns, left alone), NFLOG is per namespace.
 * tcpdump is bounded by coreutils {@code timeout} and ended on close.
 */
final class NflogCapture implements AutoCloseable {
    /** pcap's LINKTYPE_NFLOG; its TLVs (length, type) are in host byte order, the header's resource id big-endian. */
    private static final int LINKTYPE_NFLOG = 239;
    private static final int NFULA_PAYLOAD = 9;
    private static final int NFULA_PREFIX = 10;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    /** One logged packet: the prefix its log rule gave it and the packet from its network header on. */
    record Logged(String prefix, int group, byte[] packet) {
        String source() {
            return address(true);
        }

        String destination() {
            return address(false);
        }

        private String address(boolean source) {
            int version = (packet[0] & 0xff) >> 4;
            int length = version == 4 ? 4 : 16;
            int offset = version == 4 ? (source ? 12 : 16) : (source ? 8 : 24);
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(packet, offset, offset + length)).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "'" + prefix + "' " + source() + " -> " + destination() + " (group " + group + ")";
        }
    }

    private final Process process;
    private final List<Logged> logged = new CopyOnWriteArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private volatile String readError = "";

    private NflogCapture(Process process) {
        this.process = process;
    }

    /** Starts listening on {@code group} in {@code netns}; returns once tcpdump says it listens. */
    static NflogCapture start(Netns netns, int group) {
        Process process;
        try {
            process = new ProcessBuilder("ip", "netns", "exec", netns.name(), "timeout", "900",
                    "tcpdump", "-i", "nflog:" + group, "-U", "-n", "-w", "-").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start tcpdump", e);
        }
        NflogCapture capture = new NflogCapture(process);
        capture.follow();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!capture.stderr.toString().contains("listening on")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                capture.close();
                throw new AssertionError("tcpdump on nflog:" + group + " did not start: " + capture.stderr);
            }
            sleep(50);
        }
        return capture;
    }

    private void follow() {
        Thread packets = new Thread(() -> read(process.getInputStream()), "nflog-pcap");
        packets.setDaemon(true);
        packets.start();
        Thread messages = new Thread(() -> {
            try (InputStream err = process.getErrorStream()) {
                byte[] buffer = new byte[512];
                for (int n = err.read(buffer); n >= 0; n = err.read(buffer)) {
                    stderr.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // tcpdump ended
            }
        }, "nflog-stderr");
        messages.setDaemon(true);
        messages.start();
    }

    private void read(InputStream stream) {
        try (DataInputStream in = new DataInputStream(stream)) {
            byte[] header = new byte[24];
            in.readFully(header);
            ByteBuffer global = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            ByteOrder order = global.getInt(0) == 0xa1b2c3d4 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            int linkType = ByteBuffer.wrap(header).order(order).getInt(20);
            if (linkType != LINKTYPE_NFLOG) {
                readError = "link type " + linkType + ", not NFLOG";
                return;
            }
            byte[] recordHeader = new byte[16];
            while (true) {
                in.readFully(recordHeader);
                byte[] frame = new byte[ByteBuffer.wrap(recordHeader).order(order).getInt(8)];
                in.readFully(frame);
                logged.add(parse(frame, order));
            }
        } catch (EOFException ended) {
            // tcpdump stopped
        } catch (IOException | RuntimeException e) {
            readError = e.toString();
        }
    }

    /** nflog header (family, version, resource id), then TLVs padded to 4 bytes. */
    private static Logged parse(byte[] frame, ByteOrder order) {
        int group = ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
        ByteBuffer tlvs = ByteBuffer.wrap(frame).order(order);
        String prefix = "";
        byte[] packet = new byte[0];
        int at = 4;
        while (at + 4 <= frame.length) {
            int length = tlvs.getShort(at) & 0xffff;
            int type = tlvs.getShort(at + 2) & 0x7fff;
            if (length < 4 || at + length > frame.length) {
                break;
            }
            byte[] value = Arrays.copyOfRange(frame, at + 4, at + length);
            if (type == NFULA_PREFIX) {
                int end = 0;
                while (end < value.length && value[end] != 0) {
                    end++;
                }
                prefix = new String(value, 0, end, StandardCharsets.UTF_8);
            } else if (type == NFULA_PAYLOAD) {
                packet = value;
            }
            at += (length + 3) & ~3;
        }
        return new Logged(prefix, group, packet);
    }

    List<Logged> logged() {
        return List.copyOf(logged);
    }

    /** Waits (bounded) for a logged packet that matches; empty when none came in time. */
    Optional<Logged> await(Predicate<Logged> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Logged> found = logged.stream().filter(wanted).findFirst();
            if (found.isPresent() || System.nanoTime() > deadline || !process.isAlive()) {
                return found;
            }
            sleep(50);
        }
    }

    /** Why the reader stopped early, if it did ("" while all is well). */
    String problem() {
        return readError + (process.isAlive() ? "" : " tcpdump ended: " + stderr);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
