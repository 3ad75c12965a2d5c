package io.bridgewall.netlink;

import static io.bridgewall.netlink.ScriptedTransport.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.nftnl.NftRequests;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A batch sent for validation only (no BATCH_END, as nft -c sends it): the kernel answers every
 * message that asked for an ack and nothing for the missing end, so each answer is still matched
 * to its request, and all of them clean is "validated", never "committed".
 */
class ValidationBatchTest {
    private static final int FIRST = 500;
    private final ScriptedTransport kernel = new ScriptedTransport();
    private final NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST);

    private static WireMessage message(String description) {
        ByteBuffer b = Messages.header(Netlink.NLMSG_HDRLEN + 4, Messages.NEWTABLE,
                Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, 0, 0);
        return new WireMessage(description, b.array());
    }

    /** begin (FIRST), two messages (FIRST+1, FIRST+2), and no end. */
    private static WireBatch validation() {
        return WireBatch.of(OptionalInt.of(7), List.of(message("add table inet t"),
                message("add rule inet t c drop comment \"x\""))).forValidation();
    }

    @Test
    void theValidationFormIsTheSameTransactionWithoutItsEnd() {
        WireBatch commit = WireBatch.of(OptionalInt.of(7), List.of(message("add table inet t")));
        WireBatch check = commit.forValidation();

        assertThat(commit.commits()).isTrue();
        assertThat(check.commits()).isFalse();
        assertThat(check.messages()).isEqualTo(commit.messages().subList(0, 2));
        assertThat(check.body()).isEqualTo(commit.body());
        assertThat(check.generation()).isEqualTo(commit.generation());
        assertThat(check.forValidation()).isSameAs(check);
        assertThat(check.messageCount()).isEqualTo(commit.messageCount());
    }

    @Test
    void aBatchEndAnywhereButLastOrASecondBeginIsRefused() {
        WireMessage begin = WireMessage.batchBegin(OptionalInt.empty());
        WireMessage end = WireMessage.batchEnd();
        assertThatThrownBy(() -> new WireBatch(List.of(begin, end, message("add table inet t"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WireBatch(List.of(begin, message("add table inet t"), begin)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyMessageAckedIsValidatedNotCommitted() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT)).answer(Messages.ack(FIRST + 2, 0, PORT));

        assertThat(socket.send(validation())).isEqualTo(new BatchOutcome.Validated(2));
        assertThat(kernel.sent.get(0).length).as("no BATCH_END on the wire").isEqualTo(validation().byteLength());
    }

    @Test
    void theRefusedMessageIsNamedWithTheKernelsText() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT), Messages.error(FIRST + 2, Netlink.ENOENT, PORT,
                "Could not find set"));

        BatchOutcome outcome = socket.send(validation());

        KernelException error = ((BatchOutcome.Refused) outcome).error();
        assertThat(error.operation()).isEqualTo("add rule inet t c drop comment \"x\"");
        assertThat(error.getMessage()).contains("Could not find set");
    }

    @Test
    void aStaleGenerationRefusesTheBatchAtItsBegin() {
        kernel.answer(Messages.error(FIRST, Netlink.ERESTART, PORT, ""));

        BatchOutcome outcome = socket.send(validation());

        assertThat(((BatchOutcome.Refused) outcome).error().errno()).isEqualTo(Netlink.ERESTART);
    }

    @Test
    void lostAnswersAreUnknownNeverValidated() {
        kernel.answer(Messages.ack(FIRST + 1, 0, PORT)).fail(Netlink.ENOBUFS);

        assertThat(socket.send(validation())).isInstanceOf(BatchOutcome.Unknown.class);
    }

    @Test
    void aKernelWithoutNfTablesAnswersTheGenerationRequestWithEinvalAndIsToldWhatToLoad() {
        // nfnetlink refuses a request for a subsystem it has no code for (nf_tables not built or
        // not loadable) with EINVAL; the request is the first one every command sends.
        kernel.answer(Messages.error(FIRST, Netlink.EINVAL, PORT, ""));

        assertThatThrownBy(() -> NftRequests.generation(socket)).isInstanceOf(KernelException.class)
                .hasMessageStartingWith("reading the ruleset generation: ")
                .hasMessageContaining("the kernel has no nf_tables; run 'modprobe nf_tables'")
                .hasMessageContaining("nothing was changed");
    }

    @Test
    void otherRefusalsOfTheGenerationRequestAreLeftAsTheKernelSaidThem() {
        kernel.answer(Messages.error(FIRST, Netlink.EPERM, PORT, ""));

        assertThatThrownBy(() -> NftRequests.generation(socket)).isInstanceOf(KernelException.class)
                .hasMessageContaining("needs root or CAP_NET_ADMIN").hasMessageNotContaining("nf_tables");
    }
}
