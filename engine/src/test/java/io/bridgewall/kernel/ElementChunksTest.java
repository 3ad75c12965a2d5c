package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.ruleset.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Element messages are cut by bytes, counted before libnftnl writes anything. */
class ElementChunksTest {
    private static List<KernelElements.KernelElement> elements(int count, int keyLength, int flags) {
        List<KernelElements.KernelElement> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[keyLength];
            key[0] = (byte) (i >> 8);
            key[keyLength - 1] = (byte) i;
            out.add(new KernelElements.KernelElement(ByteString.of(key), flags));
        }
        return out;
    }

    @Test
    void sixtyFourByteKeysStayWithinTheBudgetAndEveryElementIsInExactlyOneMessage() {
        List<KernelElements.KernelElement> all = elements(3000, 64, NftnlSet.ELEMENT_INTERVAL_END);

        List<ElementChunks.Chunk> chunks = ElementChunks.split("bridgewall", "blocked_v6", all);

        assertThat(chunks).allSatisfy(c -> assertThat(c.bytes()).isLessThanOrEqualTo(NftnlSet.ELEMENT_MESSAGE_BUDGET));
        assertThat(chunks.get(0).from()).isZero();
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).from()).isEqualTo(chunks.get(i - 1).to());
        }
        assertThat(chunks.get(chunks.size() - 1).to()).isEqualTo(3000);
        // 3000 x 88 bytes do not fit in 1000-element messages of 64 KiB: the old count-based cut overflowed.
        assertThat(chunks.size()).isGreaterThan(3000 / 1000);
    }

    @Test
    void smallKeysAreCappedByCountSoElementIndexesStayClearOfTheNestFlags() {
        List<ElementChunks.Chunk> chunks = ElementChunks.split("t", "s", elements(10_000, 1, 0));

        assertThat(chunks).allSatisfy(c -> assertThat(c.to() - c.from()).isLessThanOrEqualTo(NftnlSet.MAX_ELEMENTS_PER_MESSAGE));
    }

    @Test
    void noElementsNoMessages() {
        assertThat(ElementChunks.split("t", "s", List.of())).isEmpty();
    }
}
