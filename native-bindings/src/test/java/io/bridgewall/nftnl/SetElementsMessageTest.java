package io.bridgewall.nftnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkMessage;
import io.bridgewall.netlink.NetlinkMessages;
import io.bridgewall.netlink.WireMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The element messages written in Java are, byte for byte, the ones libnftnl writes; the
 * elements read in Java are the ones libnftnl reads.
 */
class SetElementsMessageTest {
    private static final int INET = 1;

    private record Element(byte[] key, int flags) {
    }

    private static WireMessage byLibnftnl(int message, int flags, String table, String set, List<Element> elements) {
        Batch batch = new Batch(OptionalInt.empty());
        try (NftnlSet carrier = NftnlSet.reference(table, set, INET)) {
            elements.forEach(e -> carrier.addElement(e.key(), e.flags()));
            batch.add(message, INET, flags, "libnftnl", carrier::buildElementsPayload);
        }
        return batch.toWire().body().get(0);
    }

    private static WireMessage inJava(int message, int flags, String table, String set, List<Element> elements) {
        SetElementsMessage built = new SetElementsMessage(message, INET, flags, table, set);
        elements.forEach(e -> built.add(e.key(), e.flags()));
        return built.toWire("java");
    }

    private static void assertSameBytes(int message, int flags, String table, String set, List<Element> elements) {
        String expected = HexFormat.of().formatHex(byLibnftnl(message, flags, table, set, elements).bytes());
        String actual = HexFormat.of().formatHex(inJava(message, flags, table, set, elements).bytes());
        assertThat(actual).as("%s elements in %s %s", elements.size(), table, set).isEqualTo(expected);
    }

    @Test
    void anIntervalSetsStartAndEndKeysAreWhatLibnftnlWrites() {
        List<Element> elements = List.of(new Element(new byte[4], NftnlSet.ELEMENT_INTERVAL_END),
                new Element(new byte[] {10, 0, 0, 0}, 0), new Element(new byte[] {10, 0, 1, 0}, NftnlSet.ELEMENT_INTERVAL_END));
        assertSameBytes(Netlink.NFT_MSG_NEWSETELEM, Netlink.NLM_F_CREATE, "bridgewall", "private_v4", elements);
        assertSameBytes(Netlink.NFT_MSG_DELSETELEM, 0, "bridgewall", "private_v4", elements);
    }

    @Test
    void randomKeysFlagsAndNamesOfEveryPaddingAreWhatLibnftnlWrites() {
        Random random = new Random(20261129);
        for (int round = 0; round < 300; round++) {
            int keyLength = 1 + random.nextInt(NftnlSet.MAX_KEY_LENGTH);
            List<Element> elements = new ArrayList<>();
            int count = round % 50 == 0 ? 1 : random.nextInt(200);
            for (int i = 0; i < count; i++) {
                byte[] key = new byte[random.nextBoolean() ? keyLength : 1 + random.nextInt(NftnlSet.MAX_KEY_LENGTH)];
                random.nextBytes(key);
                int flags = switch (random.nextInt(4)) {
                    case 0 -> NftnlSet.ELEMENT_INTERVAL_END;
                    case 1 -> random.nextInt();
                    default -> 0;
                };
                elements.add(new Element(key, flags));
            }
            String table = "t".repeat(1 + random.nextInt(12));
            String set = "s".repeat(1 + random.nextInt(12));
            assertSameBytes(random.nextBoolean() ? Netlink.NFT_MSG_NEWSETELEM : Netlink.NFT_MSG_DELSETELEM,
                    random.nextBoolean() ? Netlink.NLM_F_CREATE : 0, table, set, elements);
        }
    }

    @Test
    void aMessageOfThousandsOfElementsIsWhatLibnftnlWrites() {
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            elements.add(new Element(new byte[] {(byte) (i >> 8), (byte) i}, i % 2 == 0 ? 0 : NftnlSet.ELEMENT_INTERVAL_END));
        }
        assertSameBytes(Netlink.NFT_MSG_NEWSETELEM, Netlink.NLM_F_CREATE, "bridgewall", "ports", elements);
    }

    @Test
    void aMessageWithoutElementsIsWhatLibnftnlWrites() {
        assertSameBytes(Netlink.NFT_MSG_DELSETELEM, 0, "bridgewall", "bridges", List.of());
    }

    @Test
    void keysLibnftnlWouldRefuseAndMessagesThatWouldOverflowAreRefusedInJava() {
        SetElementsMessage message = new SetElementsMessage(Netlink.NFT_MSG_NEWSETELEM, INET, 0, "t", "s");
        assertThatThrownBy(() -> message.add(new byte[0], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> message.add(new byte[NftnlSet.MAX_KEY_LENGTH + 1], 0)).isInstanceOf(IllegalArgumentException.class);
        SetElementsMessage large = new SetElementsMessage(Netlink.NFT_MSG_NEWSETELEM, INET, 0, "t", "s");
        assertThatThrownBy(() -> {
            for (int i = 0; i < NftnlSet.MAX_ELEMENTS_PER_MESSAGE; i++) {
                large.add(new byte[NftnlSet.MAX_KEY_LENGTH], NftnlSet.ELEMENT_INTERVAL_END);
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("element message over 65536 bytes");
    }

    // --- reading -------------------------------------------------------------------------------

    /** An element as words, for comparing what two parsers made of it. */
    private static String describe(NftnlSet.Element e) {
        return HexFormat.of().formatHex(e.key()) + " flags " + e.flags() + " verdict " + e.verdict() + " chain '" + e.chain()
                + "' data " + HexFormat.of().formatHex(e.data()) + " timeout " + e.timeoutMs() + " " + e.others();
    }

    private static List<String> readByLibnftnl(NetlinkMessage message, boolean mapOrTimeout) {
        try (NftnlSet holder = NftnlSet.reference("t", "s", INET)) {
            holder.parseElements(message);
            return holder.elements(mapOrTimeout).stream().map(SetElementsMessageTest::describe).toList();
        }
    }

    private static void assertReadAsLibnftnlReadsIt(byte[] message) {
        NetlinkMessage parsed = NetlinkMessages.split(ByteBuffer.wrap(message)).get(0);
        for (boolean mapOrTimeout : new boolean[] {false, true}) {
            List<String> expected = readByLibnftnl(parsed, mapOrTimeout);
            assertThat(SetElementsMessage.read(parsed, mapOrTimeout).stream().map(SetElementsMessageTest::describe).toList())
                    .as("map or timeout attributes: %s", mapOrTimeout).isEqualTo(expected);
        }
    }

    @Test
    void elementsWithKeysAndFlagsAreReadAsLibnftnlReadsThem() {
        Random random = new Random(1129);
        for (int round = 0; round < 100; round++) {
            List<byte[]> elements = new ArrayList<>();
            for (int i = random.nextInt(300); i > 0; i--) {
                byte[] key = new byte[1 + random.nextInt(NftnlSet.MAX_KEY_LENGTH)];
                random.nextBytes(key);
                int flags = random.nextInt(3) == 0 ? NftnlSet.ELEMENT_INTERVAL_END : random.nextInt(2) * random.nextInt();
                byte[] keyNest = nest(1, attribute(1, key));
                elements.add(flags == 0 ? nest(1, keyNest) : nest(1, attribute(3, u32(flags)), keyNest));
            }
            assertReadAsLibnftnlReadsIt(elementAnswer(elements.toArray(byte[][]::new)));
        }
    }

    /** Netlink attributes by hand: what the kernel sends for maps, timeouts, objects and expressions. */
    private static byte[] attribute(int type, byte[]... payloads) {
        int length = 4;
        for (byte[] payload : payloads) {
            length += payload.length;
        }
        ByteBuffer out = ByteBuffer.allocate((length + 3) & ~3).order(ByteOrder.nativeOrder());
        out.putShort((short) length).putShort((short) type);
        for (byte[] payload : payloads) {
            out.put(payload);
        }
        return out.array();
    }

    private static byte[] nest(int type, byte[]... children) {
        return attribute(type | 0x8000, children);
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static byte[] u64(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static byte[] strz(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static byte[] elementAnswer(byte[]... elements) {
        byte[] body = ByteBuffer.allocate(0).array();
        byte[] list = nest(3, elements);
        byte[] table = attribute(1, strz("t"));
        byte[] set = attribute(2, strz("s"));
        int length = 16 + 4 + table.length + set.length + list.length;
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        out.putInt(length).putShort((short) Netlink.nftType(Netlink.NFT_MSG_NEWSETELEM)).putShort((short) Netlink.NLM_F_MULTI)
                .putInt(7).putInt(0).put((byte) INET).put((byte) 0).putShort((short) 0);
        return out.put(table).put(set).put(list).put(body).array();
    }

    @Test
    void mapDataVerdictsTimeoutsObjectsRangeEndsAndExpressionsAreReadAsLibnftnlReadsThem() {
        byte[] key = nest(1, attribute(1, new byte[] {10, 0, 0, 1}));
        byte[] counter = nest(7, attribute(1, strz("counter")), nest(2, attribute(1, u64(5)), attribute(2, u64(300))));
        assertReadAsLibnftnlReadsIt(elementAnswer(
                nest(1, key, nest(2, attribute(1, new byte[] {1, 2, 3, 4, 5, 6}))),
                nest(1, key, nest(2, nest(2, attribute(1, u32(1))))),
                nest(1, key, nest(2, nest(2, attribute(1, u32(-3)), attribute(2, strz("other_chain"))))),
                nest(1, attribute(3, u32(1)), attribute(4, u64(60_000)), attribute(5, u64(59_000)), key),
                nest(1, attribute(5, u64(1_000)), key),
                nest(1, key, attribute(9, strz("my_counter"))),
                nest(1, key, nest(10, attribute(1, new byte[] {10, 0, 0, 9}))),
                nest(1, key, counter),
                nest(1, key, nest(11, nest(1, attribute(1, strz("counter")), nest(2, attribute(1, u64(1)), attribute(2, u64(2)))))),
                nest(1, key, attribute(6, new byte[] {0, 3, 'a', 'b', 'c'})),
                nest(1, attribute(3, u32(0)))));
    }

    @Test
    void anAnswerWithoutElementsHasNone() {
        assertThat(SetElementsMessage.read(NetlinkMessages.split(ByteBuffer.wrap(
                new SetElementsMessage(Netlink.NFT_MSG_NEWSETELEM, INET, 0, "t", "s").toWire("x").bytes())).get(0), true))
                .isEmpty();
    }

    @Test
    void anAttributeThatDoesNotFitItsMessageIsRefusedNotSkipped() {
        // libnftnl (libmnl) would stop at it and read the element without its key
        byte[] answer = elementAnswer(nest(1, nest(1, attribute(1, new byte[] {10, 0, 0, 1}))));
        ByteBuffer.wrap(answer).order(ByteOrder.nativeOrder()).putShort(answer.length - 12, (short) 200); // the key nest
        NetlinkMessage broken = NetlinkMessages.split(ByteBuffer.wrap(answer)).get(0);
        assertThatThrownBy(() -> SetElementsMessage.read(broken, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("kernel sent set elements that cannot be read: an attribute of 200 bytes");
    }

    @Test
    void anEntryOfTheElementListThatIsNotAnElementIsRefused() {
        NetlinkMessage odd = NetlinkMessages.split(ByteBuffer.wrap(elementAnswer(nest(2, nest(1, attribute(1, new byte[] {1})))))).get(0);
        assertThatThrownBy(() -> readByLibnftnl(odd, true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SetElementsMessage.read(odd, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("an element list entry of type 2");
    }
}
