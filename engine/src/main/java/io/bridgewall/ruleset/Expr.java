package io.bridgewall.ruleset;

import java.util.OptionalInt;

/**
 * Kernel expressions, one record per nf_tables expression type we use: what a rule is made
 * of on the wire. Numbers are the kernel's (linux/netfilter/nf_tables.h).
 */
public sealed interface Expr {
    int REG_1 = 1;
    /** The 16-byte register after REG_1: the second part of a concatenated key. */
    int REG_2 = 2;

    int META_IIFNAME = 6;
    int META_OIFNAME = 7;
    int META_NFPROTO = 15;
    int META_L4PROTO = 16;

    int PAYLOAD_NETWORK_HEADER = 1;
    int PAYLOAD_TRANSPORT_HEADER = 2;

    int CMP_EQ = 0;
    int CMP_NEQ = 1;
    int CMP_LTE = 3;
    int CMP_GTE = 5;

    int CT_STATE = 0;
    /** NFT_CT_DIRECTION: which way the packet goes, one byte (IP_CT_DIR_ORIGINAL 0, IP_CT_DIR_REPLY 1). */
    int CT_DIRECTION = 1;
    int CT_STATUS = 2;
    int CT_MARK = 3;

    int LOOKUP_INVERT = 0x1;

    int VERDICT_DROP = 0;
    int VERDICT_ACCEPT = 1;

    /** NFT_LIMIT_PKTS: a limit that counts packets (NFT_LIMIT_PKT_BYTES, 1, counts bytes). */
    int LIMIT_PACKETS = 0;
    /** NFT_LIMIT_F_INV: `limit rate over`, matching above the rate. */
    int LIMIT_INVERTED = 0x1;

    record Meta(int key, int register) implements Expr {
    }

    record Payload(int base, int offset, int length, int register) implements Expr {
    }

    record Cmp(int operator, int register, ByteString data) implements Expr {
    }

    record Bitwise(int sourceRegister, int destinationRegister, ByteString mask, ByteString xor) implements Expr {
    }

    record Ct(int key, int register) implements Expr {
    }

    /** {@code ct set KEY with reg N}: writes the register into the connection (the mark). */
    record CtSet(int key, int sourceRegister) implements Expr {
    }

    record Lookup(String set, int register, int flags) implements Expr {
    }

    record Immediate(int verdict) implements Expr {
    }

    /** {@code immediate reg N DATA}: a constant into a data register (not a verdict). */
    record ImmediateData(int register, ByteString data) implements Expr {
        public ImmediateData {
            if (register == 0) {
                throw new IllegalArgumentException("register 0 holds verdicts, not data");
            }
        }
    }

    record Counter(long packets, long bytes) implements Expr {
    }

    record Masquerade() implements Expr {
    }

    /**
     * The log expression's attributes as the kernel holds them: a prefix ("" when it has none),
     * and a group (NFLOG) or a level (kernel log). The kernel reports level 4 (warn) for a
     * kernel-log statement sent without one.
     */
    record Log(String prefix, OptionalInt group, OptionalInt level) implements Expr {
    }

    /** {@code rate} per {@code unitSeconds}, a burst, a type (packets or bytes) and flags (inverted). */
    record Limit(long rate, long unitSeconds, int burst, int type, int flags) implements Expr {
    }

    /**
     * An expression bridgewall does not make, or makes but not with these attributes; read
     * back from someone else's change.
     *
     * @param name the kernel's expression name ("log", "lookup", ...)
     * @param text what it does, as `nft --debug=netlink` prints it
     */
    record Unknown(String name, String text) implements Expr {
        public Unknown(String name) {
            this(name, name);
        }
    }
}
