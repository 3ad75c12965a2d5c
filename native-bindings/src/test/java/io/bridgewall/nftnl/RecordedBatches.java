package io.bridgewall.nftnl;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.WireBatch;
import java.util.OptionalInt;

/** The batches WireCaptureTest sent to the kernel, built the same way, for the replays. */
public final class RecordedBatches {
    private static final int INET = 1;

    private RecordedBatches() {
    }

    public static WireBatch tableBatch(OptionalInt generation) {
        Batch batch = new Batch(generation);
        try (NftnlTable table = NftnlTable.create("capture", INET);
             NftnlSet set = NftnlSet.create("capture", "s", INET, 7, 4, 0, 1)) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, INET, Netlink.NLM_F_CREATE, "add table inet capture", table::buildPayload);
            batch.add(Netlink.NFT_MSG_NEWSET, INET, Netlink.NLM_F_CREATE, "add set inet capture s", set::buildPayload);
        }
        return batch.toWire();
    }

    public static WireBatch refusedInTheMiddle() {
        Batch batch = new Batch(OptionalInt.empty());
        try (NftnlTable table = NftnlTable.create("capture", INET);
             NftnlSet missing = NftnlSet.reference("capture", "missing", INET);
             NftnlChain chain = NftnlChain.create("capture", "c", INET)) {
            batch.add(Netlink.NFT_MSG_NEWTABLE, INET, Netlink.NLM_F_CREATE, "add table inet capture", table::buildPayload);
            batch.add(Netlink.NFT_MSG_DELSET, INET, 0, "delete set inet capture missing", missing::buildPayload);
            batch.add(Netlink.NFT_MSG_NEWCHAIN, INET, Netlink.NLM_F_CREATE, "add chain inet capture c", chain::buildPayload);
        }
        return batch.toWire();
    }

    public static WireBatch elementBatch(int messages) {
        Batch batch = new Batch(OptionalInt.empty());
        for (int i = 0; i < messages; i++) {
            try (NftnlSet carrier = NftnlSet.reference("capture", "s", INET)) {
                carrier.addElement(new byte[] {10, 0, (byte) (i >> 8), (byte) i}, 0);
                batch.add(Netlink.NFT_MSG_NEWSETELEM, INET, Netlink.NLM_F_CREATE, "add element inet capture s { 10.0."
                        + (i >> 8) + "." + (i & 0xff) + " }", carrier::buildElementsPayload);
            }
        }
        return batch.toWire();
    }
}
