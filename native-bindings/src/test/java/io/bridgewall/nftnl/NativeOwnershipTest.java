package io.bridgewall.nftnl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.nativelib.NftnlAttr;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One owner per C object: error paths free what they allocated, and nothing is used after free. */
class NativeOwnershipTest {
    @Test
    void anExpressionWhoseAttributeIsRefusedIsFreedBeforeTheErrorLeaves() {
        long before = NativeObject.live();

        assertThatThrownBy(() -> NftnlExpr.build("cmp", e -> {
            throw new IllegalArgumentException("libnftnl refused 17 bytes for attribute 3");
        })).isInstanceOf(IllegalArgumentException.class);

        assertThat(NativeObject.live()).isEqualTo(before);
    }

    @Test
    void expressionsHandedToARuleAreOwnedByItAndFreedWithIt() {
        long before = NativeObject.live();
        try (NftnlRule rule = NftnlRule.create("t", "c", 1)) {
            rule.add(NftnlExpr.cmp(0, 1, new byte[] {1, 2})).add(NftnlExpr.counter());
            assertThat(NativeObject.live()).isEqualTo(before + 1);
        }
        assertThat(NativeObject.live()).isEqualTo(before);
    }

    @Test
    void anExpressionViewKeptPastItsRuleThrowsInsteadOfReadingFreedMemory() {
        List<NftnlExprView> views;
        try (NftnlRule rule = NftnlRule.create("t", "c", 1)) {
            rule.add(NftnlExpr.meta(1, 1)).add(NftnlExpr.counter());
            views = rule.expressions();
            assertThat(views.get(0).name()).isEqualTo("meta");
            assertThat(views.get(0).u32(NftnlAttr.META_KEY)).isEqualTo(1);
        }
        assertThatThrownBy(() -> views.get(0).name()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after its rule was closed");
        assertThatThrownBy(() -> views.get(1).u64(NftnlAttr.CTR_PACKETS)).isInstanceOf(IllegalStateException.class);
    }
}
