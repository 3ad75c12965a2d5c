package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.ReplayTransport;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.netlink.WireMessage;
import io.bridgewall.netlink.WireTranscript;
import io.bridgewall.nftnl.NftRequests;
import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The transaction an apply sends, as a value: built from the diff without a socket, and replayed. */
class ApplierWireTest {
    private static final RuleSet SAMPLE = Planner.plan(Fixtures.samplePolicy());

    @Test
    void aFirstInstallIsOneBatchAtTheGenerationItWasComputedFrom() {
        Applier.Compiled compiled = Applier.compile(Optional.empty(), SAMPLE, OptionalInt.of(41));

        assertThat(compiled.kind()).isEqualTo(Applier.Kind.REPLACED);
        WireBatch wire = compiled.wire().orElseThrow();
        assertThat(wire.generation()).hasValue(41);
        assertThat(wire.body()).extracting(WireMessage::type).startsWith(Netlink.nftType(Netlink.NFT_MSG_NEWTABLE),
                Netlink.nftType(Netlink.NFT_MSG_DELTABLE), Netlink.nftType(Netlink.NFT_MSG_NEWTABLE));
        assertThat(wire.body()).allMatch(WireMessage::asksForAck);
        assertThat(wire.describe()).contains("add table inet bridgewall").contains("add set inet bridgewall blocked_v4")
                .contains("add rule inet bridgewall forward");
    }

    @Test
    void whatTheKernelAlreadyHoldsCompilesToNothing() {
        Applier.Compiled compiled = Applier.compile(Optional.of(new KernelReader.Installed(SAMPLE, List.of())), SAMPLE,
                OptionalInt.of(3));

        assertThat(compiled.kind()).isEqualTo(Applier.Kind.UNCHANGED);
        assertThat(compiled.wire()).isEmpty();
    }

    @Test
    void tenThousandNetworksAreCutIntoElementMessagesWithinTheBudget() {
        List<Bridge> bridges = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            bridges.add(Bridge.of("bw" + i, "10." + (i / 128) + "." + ((i % 128) * 2) + ".0/24",
                    "fd00:" + Integer.toHexString(i) + "::/64"));
        }
        WireBatch wire = Applier.compile(Optional.empty(), Planner.plan(Policy.withDefaults(bridges)), OptionalInt.of(1))
                .wire().orElseThrow();

        List<WireMessage> elementMessages = wire.body().stream()
                .filter(m -> m.type() == Netlink.nftType(Netlink.NFT_MSG_NEWSETELEM)).toList();
        assertThat(elementMessages).hasSizeGreaterThan(10);
        assertThat(elementMessages).allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(NftnlSet.ELEMENT_MESSAGE_BUDGET));
    }

    @Test
    void replaysARealApplyByteForByte() throws IOException {
        // Recorded by WireCaptureTest: the default policy for docker0 into an empty namespace, then again.
        RuleSet docker0 = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));
        ReplayTransport kernel = replay("apply-docker0.wire");
        try (NetlinkSocket socket = NetlinkSocket.over(kernel, 1_000_000)) {
            Applier.Transaction first = Applier.apply(socket, docker0);
            Applier.Transaction again = Applier.apply(socket, docker0);

            assertThat(first.kind()).isEqualTo(Applier.Kind.REPLACED);
            assertThat(first.generationBefore()).isEqualTo(1);
            assertThat(first.lostAnswers()).isEmpty();
            assertThat(again.kind()).isEqualTo(Applier.Kind.UNCHANGED);
            assertThat(again.generationBefore()).isEqualTo(2);
            assertThat(NftRequests.generation(socket)).isEqualTo(2);
        }
        assertThat(kernel.remaining()).as("every recorded exchange played").isZero();
    }

    private static ReplayTransport replay(String name) throws IOException {
        try (InputStream in = ApplierWireTest.class.getResourceAsStream("/wire/" + name)) {
            return new ReplayTransport(WireTranscript.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII)));
        }
    }
}
