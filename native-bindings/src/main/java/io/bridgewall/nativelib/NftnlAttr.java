package io.bridgewall.nativelib;

/**
 * Attribute ids of libnftnl 1.2 (libnftnl/*.h). libnftnl calls abort() on an id it does not
 * know, so every id passed to {@link LibNftnl} comes from here, never from input.
 * Note the counter-intuitive starts: NFTNL_TABLE_NAME is 0, expression attributes start at 1.
 */
public final class NftnlAttr {
    private NftnlAttr() {
    }

    public static final int TABLE_NAME = 0;
    public static final int TABLE_FAMILY = 1;
    public static final int TABLE_FLAGS = 2;
    public static final int TABLE_USE = 3;
    public static final int TABLE_HANDLE = 4;
    public static final int TABLE_USERDATA = 5;
    public static final int TABLE_OWNER = 6;

    public static final int CHAIN_NAME = 0;
    public static final int CHAIN_FAMILY = 1;
    public static final int CHAIN_TABLE = 2;
    public static final int CHAIN_HOOKNUM = 3;
    public static final int CHAIN_PRIO = 4;
    public static final int CHAIN_POLICY = 5;
    public static final int CHAIN_HANDLE = 9;
    public static final int CHAIN_TYPE = 10;
    public static final int CHAIN_DEV = 11;
    public static final int CHAIN_DEVICES = 12;
    public static final int CHAIN_FLAGS = 13;

    public static final int RULE_FAMILY = 0;
    public static final int RULE_TABLE = 1;
    public static final int RULE_CHAIN = 2;
    public static final int RULE_HANDLE = 3;
    public static final int RULE_USERDATA = 7;

    public static final int SET_TABLE = 0;
    public static final int SET_NAME = 1;
    public static final int SET_FLAGS = 2;
    public static final int SET_KEY_TYPE = 3;
    public static final int SET_KEY_LEN = 4;
    public static final int SET_DATA_TYPE = 5;
    public static final int SET_DATA_LEN = 6;
    public static final int SET_FAMILY = 7;
    public static final int SET_ID = 8;
    public static final int SET_POLICY = 9;
    public static final int SET_DESC_SIZE = 10;
    public static final int SET_TIMEOUT = 11;
    public static final int SET_GC_INTERVAL = 12;
    public static final int SET_USERDATA = 13;
    public static final int SET_OBJ_TYPE = 14;
    public static final int SET_DESC_CONCAT = 16;
    public static final int SET_EXPR = 17;
    public static final int SET_EXPRESSIONS = 18;

    public static final int SET_ELEM_FLAGS = 0;
    public static final int SET_ELEM_KEY = 1;
    public static final int SET_ELEM_VERDICT = 2;
    public static final int SET_ELEM_CHAIN = 3;
    public static final int SET_ELEM_DATA = 4;
    public static final int SET_ELEM_TIMEOUT = 5;
    public static final int SET_ELEM_EXPIRATION = 6;
    public static final int SET_ELEM_USERDATA = 7;
    public static final int SET_ELEM_EXPR = 8;
    public static final int SET_ELEM_OBJREF = 9;
    public static final int SET_ELEM_KEY_END = 10;
    public static final int SET_ELEM_EXPRESSIONS = 11;

    public static final int OBJ_TABLE = 0;
    public static final int OBJ_NAME = 1;
    public static final int OBJ_TYPE = 2;
    public static final int OBJ_FAMILY = 3;
    public static final int OBJ_CTR_PKTS = 16;
    public static final int OBJ_CTR_BYTES = 17;
    public static final int OBJ_QUOTA_BYTES = 16;
    public static final int OBJ_QUOTA_CONSUMED = 17;
    public static final int OBJ_QUOTA_FLAGS = 18;
    public static final int OBJ_LIMIT_RATE = 16;
    public static final int OBJ_LIMIT_UNIT = 17;
    public static final int OBJ_LIMIT_BURST = 18;
    public static final int OBJ_LIMIT_TYPE = 19;
    public static final int OBJ_LIMIT_FLAGS = 20;

    public static final int FLOWTABLE_NAME = 0;
    public static final int FLOWTABLE_FAMILY = 1;
    public static final int FLOWTABLE_TABLE = 2;
    public static final int FLOWTABLE_HOOKNUM = 3;
    public static final int FLOWTABLE_PRIO = 4;
    public static final int FLOWTABLE_DEVICES = 6;

    public static final int GEN_ID = 0;

    /** Every expression: its name ("meta", "cmp", ...). */
    public static final int EXPR_NAME = 0;

    public static final int PAYLOAD_DREG = 1;
    public static final int PAYLOAD_BASE = 2;
    public static final int PAYLOAD_OFFSET = 3;
    public static final int PAYLOAD_LEN = 4;

    public static final int META_KEY = 1;
    public static final int META_DREG = 2;
    public static final int META_SREG = 3;

    public static final int CMP_SREG = 1;
    public static final int CMP_OP = 2;
    public static final int CMP_DATA = 3;

    public static final int IMM_DREG = 1;
    public static final int IMM_DATA = 2;
    public static final int IMM_VERDICT = 3;
    public static final int IMM_CHAIN = 4;

    public static final int CTR_PACKETS = 1;
    public static final int CTR_BYTES = 2;

    public static final int BITWISE_SREG = 1;
    public static final int BITWISE_DREG = 2;
    public static final int BITWISE_LEN = 3;
    public static final int BITWISE_MASK = 4;
    public static final int BITWISE_XOR = 5;
    public static final int BITWISE_OP = 6;

    public static final int LOOKUP_SREG = 1;
    public static final int LOOKUP_DREG = 2;
    public static final int LOOKUP_SET = 3;
    public static final int LOOKUP_FLAGS = 5;

    public static final int CT_DREG = 1;
    public static final int CT_KEY = 2;
    public static final int CT_DIR = 3;
    public static final int CT_SREG = 4;

    /*
     * log and limit (libnftnl 1.2.4 include/libnftnl/expr.h). libnftnl copies exactly the bytes
     * it is given into a field of the attribute's own size, so each is set with its own width:
     * group and qthreshold u16, snaplen, level and flags u32; limit rate and unit u64, the rest u32.
     */
    public static final int LOG_PREFIX = 1;
    public static final int LOG_GROUP = 2;
    public static final int LOG_SNAPLEN = 3;
    public static final int LOG_QTHRESHOLD = 4;
    public static final int LOG_LEVEL = 5;
    public static final int LOG_FLAGS = 6;

    public static final int LIMIT_RATE = 1;
    public static final int LIMIT_UNIT = 2;
    public static final int LIMIT_BURST = 3;
    public static final int LIMIT_TYPE = 4;
    public static final int LIMIT_FLAGS = 5;

    /**
     * Above the highest attribute id of any libnftnl 1.2 expression (payload and tunnel reach
     * about 10): ids 1..this are checked for presence, which is a bit test in libnftnl, never
     * an assertion.
     */
    public static final int EXPR_MAX_ATTR = 20;

    /** nftnl_*_snprintf output type: the format `nft --debug=netlink` prints. */
    public static final int OUTPUT_DEFAULT = 0;
}
