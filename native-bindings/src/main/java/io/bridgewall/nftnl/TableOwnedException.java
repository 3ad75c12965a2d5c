package io.bridgewall.nftnl;

import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkPeers;
import java.util.Optional;

/**
 * The kernel refused a change (EPERM) because another netlink socket holds the table with the
 * owner flag: not a missing privilege, so "needs root" would mislead.
 */
public final class TableOwnedException extends KernelException {
    private final int ownerPortId;
    private final Optional<NetlinkPeers.Peer> owner;

    public TableOwnedException(String table, String operation, int ownerPortId, Optional<NetlinkPeers.Peer> owner) {
        super(Netlink.EPERM, operation, "table " + table + " is owned by "
                + owner.map(p -> "process " + p.pid() + " (" + p.command() + ", netlink port id "
                        + Integer.toUnsignedString(ownerPortId) + ")")
                        .orElse("the process with netlink port id " + Integer.toUnsignedString(ownerPortId)
                                + " (see 'ss -f netlink -p')")
                + ", which created it with 'flags owner': only it may change the table, and the kernel deletes the "
                + "table when it exits; stop that process and try again", null);
        this.ownerPortId = ownerPortId;
        this.owner = owner;
    }

    public int ownerPortId() {
        return ownerPortId;
    }

    public Optional<NetlinkPeers.Peer> owner() {
        return owner;
    }
}
