package io.bridgewall.kernel;

import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.RuleSet;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the kernel's refusal of a message into what to do, when the refusal means a part of
 * nf_tables is missing from the kernel rather than something wrong with the plan: the kernel
 * names no module, it only refuses the message that needed one (after trying to load it).
 */
public final class KernelSupport {
    /** What the kernel answers for a chain type, expression or family it has no code for. */
    private static final Set<Integer> NOT_IN_THIS_KERNEL = Set.of(Netlink.ENOENT, Netlink.EOPNOTSUPP, Netlink.EAFNOSUPPORT);

    private KernelSupport() {
    }

    /** A part of the kernel bridgewall needs is missing; the message names the module to load. */
    public static final class MissingKernelFeatureException extends KernelException {
        MissingKernelFeatureException(KernelException refused, String missing, String fix) {
            super(refused.errno(), refused.operation(), refused.operation() + ": " + missing + " ("
                    + NativeLibraries.describeErrno(refused.errno()) + ", errno " + refused.errno() + "); " + fix
                    + "; nothing was changed", refused);
        }
    }

    /**
     * The refusal in words for a missing kernel part, or {@code refused} itself when the message
     * it names does not depend on one.
     */
    public static KernelException explain(RuleSet planned, KernelException refused) {
        return missingFeature(planned, refused).orElse(refused);
    }

    static Optional<KernelException> missingFeature(RuleSet planned, KernelException refused) {
        if (refused.getClass() != KernelException.class || !NOT_IN_THIS_KERNEL.contains(refused.errno())) {
            return Optional.empty();
        }
        String id = planned.family().nftName() + " " + planned.table();
        String operation = refused.operation();
        if (operation.endsWith("table " + id) && refused.errno() == Netlink.EAFNOSUPPORT) {
            return Optional.of(new MissingKernelFeatureException(refused, "the kernel has no nf_tables "
                    + planned.family().nftName() + " family", "use a kernel built with CONFIG_NF_TABLES_"
                    + planned.family().nftName().toUpperCase(java.util.Locale.ROOT) + " (Linux 3.14 or later)"));
        }
        for (Chain chain : planned.chains()) {
            if (chain.type() == Chain.ChainType.NAT && operation.equals("add chain " + id + " " + chain.name())) {
                return Optional.of(new MissingKernelFeatureException(refused, "the kernel has no NAT for "
                        + planned.family().nftName() + " tables", "run 'modprobe nft_chain_nat' (Linux 5.2 or later "
                        + "for the inet family; the module is the host's, also under --netns) and apply again"));
            }
        }
        if (operation.startsWith("add rule " + id + " ") && operation.contains(" masquerade")) {
            return Optional.of(new MissingKernelFeatureException(refused, "the kernel has no masquerade expression",
                    "run 'modprobe nft_masq' (the module is the host's, also under --netns) and apply again"));
        }
        return Optional.empty();
    }
}
