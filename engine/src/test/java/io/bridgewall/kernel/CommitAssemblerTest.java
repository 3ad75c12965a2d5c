package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.kernel.RulesetMonitor.Commit;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.netlink.NetlinkMessages;
import io.bridgewall.ruleset.Family;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure part of the monitor, over notifications made byte by byte: what the kernel could send, and worse. */
class CommitAssemblerTest {
    private static final int INET = 1;
    private static final int IPV4 = 2;

    private final CommitAssembler assembler = new CommitAssembler("bridgewall", Family.INET);

    @Test
    void objectMessagesAreGatheredUntilTheNewGenerationEndsTheTransaction() {
        assertThat(assembler.offer(object(Netlink.NFT_MSG_DELRULE, INET, "bridgewall", 2, "forward"))).isEmpty();
        assertThat(assembler.offer(object(Netlink.NFT_MSG_DELRULE, INET, "bridgewall", 2, "forward"))).isEmpty();
        assertThat(assembler.offer(object(Netlink.NFT_MSG_NEWTABLE, INET, "other", 0, null))).isEmpty();

        Commit commit = assembler.offer(newGeneration(42, 1234, "nft")).orElseThrow();

        assertThat(commit).isEqualTo(new Commit(42, 1234, "nft", true,
                java.util.List.of("delete rule inet bridgewall forward (x2)", "add table inet other")));
        Commit next = assembler.offer(newGeneration(43, 1, "x")).orElseThrow();
        assertThat(next.touchedOurTable()).isFalse();
        assertThat(next.whatChanged()).isEmpty();
    }

    @Test
    void ourTableNameInAnotherFamilyIsNotOurs() {
        assembler.offer(object(Netlink.NFT_MSG_DELTABLE, IPV4, "bridgewall", 0, null));

        assertThat(assembler.offer(newGeneration(7, 1, "nft")).orElseThrow().touchedOurTable()).isFalse();
    }

    @Test
    void aMessageTypeNotKnownHereStillCountsWhenItNamesOurTable() {
        assembler.offer(object(30, INET, "bridgewall", 2, "x"));

        Commit commit = assembler.offer(newGeneration(7, 1, "nft")).orElseThrow();
        assertThat(commit.touchedOurTable()).isTrue();
        assertThat(commit.whatChanged()).containsExactly("message 30 inet bridgewall");
    }

    @Test
    void manyChangesAreListedOursFirstAndCounted() {
        for (int i = 0; i < 30; i++) {
            assembler.offer(object(Netlink.NFT_MSG_NEWTABLE, INET, "t" + i, 0, null));
        }
        assembler.offer(object(Netlink.NFT_MSG_NEWSETELEM, INET, "bridgewall", 2, "bridges"));

        Commit commit = assembler.offer(newGeneration(7, 1, "nft")).orElseThrow();
        assertThat(commit.whatChanged()).hasSize(CommitAssembler.MAX_DESCRIBED + 1)
                .startsWith("add element inet bridgewall bridges", "add table inet t0").endsWith("and 1 more");
    }

    @Test
    void anAttributeLongerThanItsMessageIsUnreadableAndFailsSafe() {
        byte[] bytes = objectBytes(Netlink.NFT_MSG_DELTABLE, INET, "other", 0, null);
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putShort(20, (short) 200); // the table-name attribute lies

        Commit commit = assembler.offer(message(bytes)).orElseThrow();

        assertThat(commit.notificationsLost()).isTrue();
        assertThat(commit.touchedOurTable()).isTrue();
        assertThat(commit.whatChanged().get(1)).startsWith("unreadable notification: ").contains("claims 200 bytes");
    }

    @Test
    void aMessageShorterThanItsHeadersIsUnreadable() {
        byte[] bytes = header(Netlink.nftType(Netlink.NFT_MSG_NEWTABLE), Netlink.NLMSG_HDRLEN + 2).array();

        assertThat(assembler.offer(message(bytes))).hasValueSatisfying(c -> assertThat(c.notificationsLost()).isTrue());
    }

    @Test
    void aNewGenerationWithoutItsIdIsUnreadableAndWhatWasGatheredIsDropped() {
        assembler.offer(object(Netlink.NFT_MSG_DELTABLE, INET, "bridgewall", 0, null));
        ByteBuffer noId = header(Netlink.nftType(Netlink.NFT_MSG_NEWGEN), Netlink.NLMSG_HDRLEN + Netlink.NFGENMSG_LENGTH);

        assertThat(assembler.offer(message(noId.array()))).hasValueSatisfying(c -> assertThat(c.notificationsLost()).isTrue());
        assertThat(assembler.offer(newGeneration(9, 1, "nft")).orElseThrow().whatChanged()).isEmpty();
    }

    @Test
    void anOverrunIsLostAndOtherSubsystemsAndPaddingAreIgnored() {
        assertThat(assembler.offer(message(header(Netlink.NLMSG_NOOP, Netlink.NLMSG_HDRLEN).array()))).isEmpty();
        assertThat(assembler.offer(message(header((11 << 8) | 1, Netlink.NLMSG_HDRLEN + 4).array()))).isEmpty();

        Optional<Commit> overrun = assembler.offer(message(header(Netlink.NLMSG_OVERRUN, Netlink.NLMSG_HDRLEN).array()));
        assertThat(overrun).hasValueSatisfying(c -> {
            assertThat(c.notificationsLost()).isTrue();
            assertThat(c.generation()).isZero();
        });
    }

    @Test
    void aLossDropsTheHalfGatheredTransaction() {
        assembler.offer(object(Netlink.NFT_MSG_DELTABLE, INET, "bridgewall", 0, null));

        assertThat(assembler.lost("test").whatChanged()).containsExactly(Commit.NOTIFICATIONS_LOST, "test");
        assertThat(assembler.offer(newGeneration(9, 1, "nft")).orElseThrow().touchedOurTable()).isFalse();
    }

    // --- notifications, byte by byte (netlink header in host order, nf_tables numbers big-endian) ---

    private static NetlinkMessage object(int type, int family, String table, int nameAttribute, String name) {
        return message(objectBytes(type, family, table, nameAttribute, name));
    }

    private static byte[] objectBytes(int type, int family, String table, int nameAttribute, String name) {
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        attribute(attributes, Netlink.NFTA_OBJECT_TABLE, cString(table));
        if (name != null) {
            attribute(attributes, nameAttribute, cString(name));
        }
        return withPayload(Netlink.nftType(type), family, attributes.toByteArray());
    }

    private static NetlinkMessage newGeneration(int id, int pid, String name) {
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        attribute(attributes, Netlink.NFTA_GEN_ID, ByteBuffer.allocate(4).putInt(id).array());
        attribute(attributes, Netlink.NFTA_GEN_PROC_PID, ByteBuffer.allocate(4).putInt(pid).array());
        attribute(attributes, Netlink.NFTA_GEN_PROC_NAME, cString(name));
        return message(withPayload(Netlink.nftType(Netlink.NFT_MSG_NEWGEN), 0, attributes.toByteArray()));
    }

    private static byte[] withPayload(int type, int family, byte[] attributes) {
        int length = Netlink.NLMSG_HDRLEN + Netlink.NFGENMSG_LENGTH + attributes.length;
        ByteBuffer bytes = header(type, length);
        bytes.put(Netlink.NLMSG_HDRLEN, (byte) family);
        bytes.put(Netlink.NLMSG_HDRLEN + Netlink.NFGENMSG_LENGTH, attributes);
        return bytes.array();
    }

    private static ByteBuffer header(int type, int length) {
        ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        bytes.putInt(0, length).putShort(4, (short) type).putInt(8, 1).putInt(12, 4242);
        return bytes;
    }

    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        ByteBuffer tlv = ByteBuffer.allocate((4 + value.length + 3) & ~3).order(ByteOrder.nativeOrder());
        tlv.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        out.writeBytes(tlv.array());
    }

    private static byte[] cString(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(raw, raw.length + 1);
    }

    private static NetlinkMessage message(byte[] bytes) {
        return NetlinkMessages.split(ByteBuffer.wrap(bytes)).get(0);
    }
}
