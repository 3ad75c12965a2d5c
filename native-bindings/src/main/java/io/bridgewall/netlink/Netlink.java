package io.bridgewall.netlink;

/** Netlink and nf_tables protocol numbers (linux/netlink.h, linux/netfilter/nf_tables.h). */
public final class Netlink {
    private Netlink() {
    }

    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_NETFILTER = 12;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    /** setsockopt(SOL_NETLINK): join a multicast group, as bind's group mask does for groups 1-32. */
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    /** nfnetlink multicast group of nf_tables: every committed change, then NFT_MSG_NEWGEN (what `nft monitor` reads). */
    public static final int NFNLGRP_NFTABLES = 7;

    public static final int NLMSG_HDRLEN = 16;
    /** Padding the kernel may send; carries nothing. */
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    /** Data lost: whatever was being answered is in an unknown state. */
    public static final int NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_APPEND = 0x800;
    /** On a dump message: the kernel's state changed while it dumped; the dump is not consistent. */
    public static final int NLM_F_DUMP_INTR = 0x10;
    /** On an NLMSG_ERROR: the echoed request is its header only (NETLINK_CAP_ACK took effect). */
    public static final int NLM_F_CAPPED = 0x100;
    /** On an NLMSG_ERROR or NLMSG_DONE: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    public static final int NLMSGERR_ATTR_MSG = 1;
    /** Offset, in the request, of the attribute the kernel refused. */
    public static final int NLMSGERR_ATTR_OFFS = 2;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EINVAL = 22;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EIO = 5;
    public static final int EAGAIN = 11;
    /** libmnl's answer to a datagram cut to fit the buffer (MSG_TRUNC). */
    public static final int ENOSPC = 28;
    public static final int EPROTO = 71;
    public static final int ENOBUFS = 105;

    public static final int NFNL_SUBSYS_NFTABLES = 10;
    public static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    public static final int NFNL_MSG_BATCH_END = 0x11;
    /** nfgenmsg.version */
    public static final int NFNETLINK_V0 = 0;
    /** Batch begin attribute: commit only if the ruleset is still at this generation. */
    public static final int NFNL_BATCH_GENID = 1;
    /** The kernel's answer when the generation moved on: read again and retry. */
    public static final int ERESTART = 85;

    public static final int NFT_MSG_NEWTABLE = 0;
    public static final int NFT_MSG_GETTABLE = 1;
    public static final int NFT_MSG_DELTABLE = 2;
    public static final int NFT_MSG_NEWCHAIN = 3;
    public static final int NFT_MSG_GETCHAIN = 4;
    public static final int NFT_MSG_DELCHAIN = 5;
    public static final int NFT_MSG_NEWRULE = 6;
    public static final int NFT_MSG_GETRULE = 7;
    public static final int NFT_MSG_DELRULE = 8;
    public static final int NFT_MSG_NEWSET = 9;
    public static final int NFT_MSG_GETSET = 10;
    public static final int NFT_MSG_DELSET = 11;
    public static final int NFT_MSG_NEWSETELEM = 12;
    public static final int NFT_MSG_GETSETELEM = 13;
    public static final int NFT_MSG_DELSETELEM = 14;
    /** Ends each committed transaction's notifications: the new generation and who committed it. */
    public static final int NFT_MSG_NEWGEN = 15;
    public static final int NFT_MSG_GETGEN = 16;
    public static final int NFT_MSG_NEWOBJ = 18;
    public static final int NFT_MSG_GETOBJ = 19;
    public static final int NFT_MSG_DELOBJ = 20;
    public static final int NFT_MSG_NEWFLOWTABLE = 22;
    public static final int NFT_MSG_GETFLOWTABLE = 23;
    public static final int NFT_MSG_DELFLOWTABLE = 24;

    /** NFT_MSG_NEWGEN attributes (big-endian numbers). */
    public static final int NFTA_GEN_ID = 1;
    public static final int NFTA_GEN_PROC_PID = 2;
    public static final int NFTA_GEN_PROC_NAME = 3;
    /**
     * The table an object belongs to: attribute 1 in every object message (NFTA_TABLE_NAME,
     * NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE, NFTA_SET_ELEM_LIST_TABLE, NFTA_OBJ_TABLE,
     * NFTA_FLOWTABLE_TABLE); the object's own name is attribute 2 for rules (their chain), sets,
     * element lists (their set), objects and flowtables, and 3 for chains.
     */
    public static final int NFTA_OBJECT_TABLE = 1;
    /** struct nfgenmsg before the attributes: family (u8), version (u8), resource id (be16). */
    public static final int NFGENMSG_LENGTH = 4;

    /** The message type on the wire: nf_tables subsystem in the high byte. */
    public static int nftType(int msg) {
        return (NFNL_SUBSYS_NFTABLES << 8) | msg;
    }
}
