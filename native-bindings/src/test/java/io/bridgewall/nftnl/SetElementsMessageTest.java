package io.bridgewall.nftnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.WireMessage;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The element messages written in Java are, byte for byte, the ones libnftnl writes. */
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
}
