package io.bridgewall.netlink;

/**
 * The kernel flagged a dump NLM_F_DUMP_INTR: the ruleset changed while it was being dumped, so
 * the parts do not belong to one state. Nothing of it was handed on; ask again.
 */
public final class DumpInterruptedException extends KernelException {
    public DumpInterruptedException(String operation, int attempts) {
        super(Netlink.EINTR, operation, operation + ": the ruleset changed during each of " + attempts
                + " attempts to read it (NLM_F_DUMP_INTR); try again when it is quieter", null);
    }
}
