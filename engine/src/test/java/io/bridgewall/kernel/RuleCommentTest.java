package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleCommentTest {
    @Test
    void encodesAsNftDoes() {
        // NFTNL_UDATA_RULE_COMMENT (0), length including the terminating NUL, text, NUL
        assertThat(RuleComment.encode("hi")).containsExactly(0, 3, 'h', 'i', 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"container to private or local IPv4", "", "ünïcödé ✓", "x"})
    void decodesWhatItEncodes(String comment) {
        assertThat(RuleComment.decode(RuleComment.encode(comment))).isEqualTo(comment);
    }

    @Test
    void accepts127BytesAndRejects128() {
        String longest = "c".repeat(127);

        assertThat(RuleComment.decode(RuleComment.encode(longest))).isEqualTo(longest);
        assertThatThrownBy(() -> RuleComment.encode(longest + "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rule comment longer than 127 bytes");
    }

    @Test
    void countsTheLimitInBytes() {
        String twoBytesEach = "é".repeat(64);

        assertThat(twoBytesEach.getBytes(StandardCharsets.UTF_8)).hasSize(128);
        assertThatThrownBy(() -> RuleComment.encode(twoBytesEach)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void skipsOtherUserdataBeforeTheComment() {
        byte[] userdata = {7, 2, 'x', 'y', 0, 3, 'o', 'k', 0};

        assertThat(RuleComment.decode(userdata)).isEqualTo("ok");
    }

    @Test
    void readsNothingFromMissingOrTruncatedUserdata() {
        assertThat(RuleComment.decode(new byte[0])).isEmpty();
        assertThat(RuleComment.decode(new byte[] {0})).isEmpty();
        assertThat(RuleComment.decode(new byte[] {0, 10, 'a', 'b'})).isEmpty();
        assertThat(RuleComment.decode(new byte[] {1, 1, 'a'})).isEmpty();
    }
}
