package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.plan.Planner;
import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A kernel without a part bridgewall needs refuses the one message that needed it, after trying
 * to load the module; the refusal is turned into what to load. These kernels cannot be made here
 * without unloading this machine's modules, so the refusals are the kernel's as a batch reports
 * them (errno, the message's description), made by hand.
 */
class KernelSupportTest {
    private static final int EEXIST = 17;
    private static final RuleSet PLANNED = Planner.plan(Policy.withDefaults(List.of(Bridge.of("docker0", "172.17.0.0/16"))));

    private static KernelException refusal(int errno, String operation) {
        return new KernelException(errno, operation, null);
    }

    @Test
    void theNatChainRefusedMeansNoInetNat() {
        for (int errno : List.of(Netlink.ENOENT, Netlink.EOPNOTSUPP)) {
            KernelException explained = KernelSupport.explain(PLANNED, refusal(errno, "add chain inet bridgewall postrouting"));

            assertThat(explained.getMessage()).startsWith("add chain inet bridgewall postrouting: the kernel has no NAT for "
                    + "inet tables (").contains("errno " + errno).contains("modprobe nft_chain_nat")
                    .contains("Linux 5.2").endsWith("nothing was changed");
            assertThat(explained.errno()).isEqualTo(errno);
        }
    }

    @Test
    void theTableRefusedForItsFamilyMeansNoInetFamily() {
        KernelException explained = KernelSupport.explain(PLANNED, refusal(Netlink.EAFNOSUPPORT, "add table inet bridgewall"));

        assertThat(explained.getMessage()).contains("the kernel has no nf_tables inet family")
                .contains("CONFIG_NF_TABLES_INET");
    }

    @Test
    void aMasqueradeRuleRefusedMeansNoMasqueradeExpression() {
        Rule masquerade = PLANNED.chains().stream().filter(c -> c.name().equals("postrouting")).findFirst()
                .orElseThrow().rules().get(0);
        KernelException explained = KernelSupport.explain(PLANNED, refusal(Netlink.ENOENT,
                "add rule inet bridgewall postrouting " + NftSyntax.ruleText(masquerade)));

        assertThat(explained.getMessage()).contains("modprobe nft_masq");
    }

    @Test
    void otherRefusalsAreTheKernelsOwn() {
        KernelException filterChain = refusal(Netlink.ENOENT, "add chain inet bridgewall forward");
        KernelException notMissing = refusal(EEXIST, "add chain inet bridgewall postrouting");

        assertThat(KernelSupport.explain(PLANNED, filterChain)).isSameAs(filterChain);
        assertThat(KernelSupport.explain(PLANNED, notMissing)).isSameAs(notMissing);
    }
}
