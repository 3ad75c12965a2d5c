package io.bridgewall.nftnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.netlink.MessageBuffer;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.netlink.WireMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What goes on the wire, byte for byte (x86-64, little-endian headers), without a socket. */
class WireBatchTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void batchBeginCarriesTheGenerationBigEndian() {
        assertThat(WireMessage.batchBegin(OptionalInt.of(0x01020304)).hex()).isEqualTo(
                "1c000000" + "1000" + "0100" + "00000000" + "00000000" // len 28, BATCH_BEGIN, REQUEST, seq, pid
                        + "00" + "00" + "000a"                             // AF_UNSPEC, NFNETLINK_V0, res_id nf_tables
                        + "0800" + "0100" + "01020304");                   // NFNL_BATCH_GENID, big-endian
    }

    @Test
    void aGenerationWithTheTopBitSetIsSentAsTheSameUnsignedNumber() {
        WireBatch batch = WireBatch.of(OptionalInt.of(0xfffffffe), List.of(table("add table")));
        assertThat(batch.messages().get(0).hex()).endsWith("fffffffe");
        assertThat(batch.generation()).hasValue(0xfffffffe);
    }

    @Test
    void batchBeginAndEndAreWhatLibnftnlWrites() {
        MessageBuffer buffer = new MessageBuffer(0);
        NativeLibraries.nftnl().nftnl_batch_begin(buffer.reserve(), 0);
        buffer.commit();
        NativeLibraries.nftnl().nftnl_batch_end(buffer.reserve(), 0);
        buffer.commit();

        assertThat(HEX.formatHex(buffer.toBytes()))
                .isEqualTo(WireMessage.batchBegin(OptionalInt.empty()).hex() + WireMessage.batchEnd().hex());
        assertThat(WireMessage.batchEnd().hex()).isEqualTo("14000000" + "1100" + "0100" + "00000000" + "00000000" + "0000000a");
    }

    @Test
    void everyMessageAsksForAnAckAndTheSocketNumbersThemInOrder() {
        Batch batch = new Batch(OptionalInt.of(5));
        try (NftnlTable t = NftnlTable.create("bridgewall", 1)) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, 1, Netlink.NLM_F_CREATE, "table inet bridgewall", t::buildPayload);
            batch.add(Netlink.NFT_MSG_DELTABLE, 1, 0, "delete table inet bridgewall", t::buildPayload);
        }
        WireBatch wire = batch.toWire();

        assertThat(wire.messageCount()).isEqualTo(2);
        // NEWTABLE: len 36, type 0x0a00, REQUEST|ACK|CREATE, family inet, NFTA_TABLE_NAME "bridgewall"
        assertThat(wire.body().get(0).hex()).isEqualTo("24000000" + "000a" + "0504" + "00000000" + "00000000"
                + "01" + "00" + "0000" + "0f000100" + HEX.formatHex("bridgewall\0".getBytes()) + "00");
        ByteBuffer datagram = wire.datagram(100).order(ByteOrder.nativeOrder());
        int offset = 0;
        for (int i = 0; i < wire.messages().size(); i++) {
            assertThat(datagram.getInt(offset + 8)).as("sequence of message %d", i).isEqualTo(100 + i);
            offset += (datagram.getInt(offset) + 3) & ~3;
        }
        assertThat(offset).isEqualTo(datagram.remaining()).isEqualTo(wire.byteLength());
        assertThat(wire.describe()).contains("BATCH_BEGIN").contains("NFT_MSG_NEWTABLE").contains("delete table inet bridgewall")
                .contains("start the transaction at generation 5");
    }

    @Test
    void aMessageMustBeOneWholeNetlinkMessage() {
        assertThatThrownBy(() -> new WireMessage("short", new byte[8])).isInstanceOf(IllegalArgumentException.class);
        byte[] lying = table("x").bytes();
        lying[0]++;
        assertThatThrownBy(() -> new WireMessage("lying", lying)).isInstanceOf(IllegalArgumentException.class);
    }

    private static WireMessage table(String description) {
        Batch batch = new Batch(OptionalInt.empty());
        try (NftnlTable t = NftnlTable.create("t", 1)) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, 1, Netlink.NLM_F_CREATE, description, t::buildPayload);
        }
        return batch.toWire().body().get(0);
    }
}
