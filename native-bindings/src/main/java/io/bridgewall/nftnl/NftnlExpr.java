package io.bridgewall.nftnl;

import io.bridgewall.nativelib.LibNftnl;
import io.bridgewall.nativelib.NativeLibraries;
import io.bridgewall.nativelib.NftnlAttr;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import jnr.ffi.Pointer;

/**
 * Owner of one libnftnl expression, built through a typed factory per kernel expression so
 * no caller ever chooses an attribute id. Added to a rule, it belongs to the rule.
 */
public final class NftnlExpr extends NativeObject {
    /** NFT_REG_SIZE: a register holds at most 16 bytes. */
    public static final int REGISTER_SIZE = 16;

    private NftnlExpr(String name) {
        super(nftnl().nftnl_expr_alloc(name), "expression " + name);
    }

    public static NftnlExpr meta(int key, int destinationRegister) {
        return build("meta", e -> e.u32(NftnlAttr.META_KEY, key).u32(NftnlAttr.META_DREG, destinationRegister));
    }

    public static NftnlExpr payload(int base, int offset, int length, int destinationRegister) {
        return build("payload", e -> e.u32(NftnlAttr.PAYLOAD_DREG, destinationRegister).u32(NftnlAttr.PAYLOAD_BASE, base)
                .u32(NftnlAttr.PAYLOAD_OFFSET, offset).u32(NftnlAttr.PAYLOAD_LEN, length));
    }

    public static NftnlExpr cmp(int operator, int sourceRegister, byte[] data) {
        NftnlData.requireLength(data, REGISTER_SIZE, "cmp data");
        return build("cmp", e -> e.u32(NftnlAttr.CMP_SREG, sourceRegister).u32(NftnlAttr.CMP_OP, operator).data(NftnlAttr.CMP_DATA, data));
    }

    public static NftnlExpr bitwise(int sourceRegister, int destinationRegister, byte[] mask, byte[] xor) {
        NftnlData.requireLength(mask, REGISTER_SIZE, "bitwise mask");
        if (xor.length != mask.length) {
            throw new IllegalArgumentException("bitwise mask and xor must have the same length");
        }
        return build("bitwise", e -> e.u32(NftnlAttr.BITWISE_SREG, sourceRegister).u32(NftnlAttr.BITWISE_DREG, destinationRegister)
                .u32(NftnlAttr.BITWISE_LEN, mask.length)
                .data(NftnlAttr.BITWISE_MASK, mask).data(NftnlAttr.BITWISE_XOR, xor));
    }

    public static NftnlExpr ct(int key, int destinationRegister) {
        return build("ct", e -> e.u32(NftnlAttr.CT_KEY, key).u32(NftnlAttr.CT_DREG, destinationRegister));
    }

    /** {@code ct set KEY with reg N}: the register's value into the connection (the mark, key 3). */
    public static NftnlExpr ctSet(int key, int sourceRegister) {
        return build("ct", e -> e.u32(NftnlAttr.CT_KEY, key).u32(NftnlAttr.CT_SREG, sourceRegister));
    }

    public static NftnlExpr lookup(String set, int sourceRegister, int flags) {
        if (set == null || set.isEmpty() || set.length() > 255) {
            throw new IllegalArgumentException("set name must be 1 to 255 characters");
        }
        return build("lookup", e -> e.str(NftnlAttr.LOOKUP_SET, set)
                .u32(NftnlAttr.LOOKUP_SREG, sourceRegister).u32(NftnlAttr.LOOKUP_FLAGS, flags));
    }

    public static NftnlExpr verdict(int verdict) {
        return build("immediate", e -> e.u32(NftnlAttr.IMM_DREG, 0 /* NFT_REG_VERDICT */).u32(NftnlAttr.IMM_VERDICT, verdict));
    }

    /** {@code immediate reg N DATA}: a constant into a data register (register 0 is the verdict's). */
    public static NftnlExpr immediateData(int destinationRegister, byte[] data) {
        if (destinationRegister == 0) {
            throw new IllegalArgumentException("immediate data goes to a data register, not the verdict register 0");
        }
        NftnlData.requireLength(data, REGISTER_SIZE, "immediate data");
        return build("immediate", e -> e.u32(NftnlAttr.IMM_DREG, destinationRegister).data(NftnlAttr.IMM_DATA, data));
    }

    public static NftnlExpr counter() {
        return new NftnlExpr("counter");
    }

    public static NftnlExpr masquerade() {
        return new NftnlExpr("masq");
    }

    /** NF_LOG_PREFIXLEN less its terminating NUL: the kernel refuses a longer prefix. */
    public static final int LOG_PREFIX_MAX_BYTES = 127;
    /** NFT_LOGLEVEL_AUDIT: the highest level the kernel takes (0..7 are syslog's emerg..debug). */
    public static final int LOG_LEVEL_MAX = 8;

    /**
     * {@code log prefix "..." level L}: to the kernel log ({@code level} set, {@code group}
     * empty), or {@code log prefix "..." group G}: to nfnetlink_log listeners ({@code group} set,
     * {@code level} empty); the kernel refuses both at once. An empty prefix sends none.
     */
    public static NftnlExpr log(String prefix, OptionalInt group, OptionalInt level) {
        if (prefix.getBytes(StandardCharsets.UTF_8).length > LOG_PREFIX_MAX_BYTES || prefix.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("log prefix must be at most " + LOG_PREFIX_MAX_BYTES + " bytes without NUL");
        }
        if (group.isPresent() == level.isPresent()) {
            throw new IllegalArgumentException("a log statement has either a group or a level, not both and not neither");
        }
        if (group.isPresent() && (group.getAsInt() < 0 || group.getAsInt() > 0xffff)) {
            throw new IllegalArgumentException("log group must be 0 to 65535");
        }
        if (level.isPresent() && (level.getAsInt() < 0 || level.getAsInt() > LOG_LEVEL_MAX)) {
            throw new IllegalArgumentException("log level must be 0 to " + LOG_LEVEL_MAX);
        }
        return build("log", e -> {
            if (!prefix.isEmpty()) {
                e.str(NftnlAttr.LOG_PREFIX, prefix);
            }
            group.ifPresent(g -> e.u16(NftnlAttr.LOG_GROUP, g));
            level.ifPresent(l -> e.u32(NftnlAttr.LOG_LEVEL, l));
        });
    }

    /**
     * {@code limit rate R/unit burst B packets}: {@code rate} per {@code unitSeconds}, then the
     * rule stops matching. {@code type} 0 counts packets (1 bytes); {@code flags} 1 inverts it ("over").
     */
    public static NftnlExpr limit(long rate, long unitSeconds, int burst, int type, int flags) {
        if (rate <= 0 || unitSeconds <= 0 || burst < 0) {
            throw new IllegalArgumentException("limit needs a positive rate and unit and a burst of at least 0");
        }
        return build("limit", e -> e.u64(NftnlAttr.LIMIT_RATE, rate).u64(NftnlAttr.LIMIT_UNIT, unitSeconds)
                .u32(NftnlAttr.LIMIT_BURST, burst).u32(NftnlAttr.LIMIT_TYPE, type).u32(NftnlAttr.LIMIT_FLAGS, flags));
    }

    /**
     * Allocates an expression and sets its attributes; when a step throws, the expression is
     * freed before the exception leaves, so a refused attribute never leaks the C object.
     */
    static NftnlExpr build(String name, java.util.function.Consumer<NftnlExpr> configure) {
        NftnlExpr expr = new NftnlExpr(name);
        try {
            configure.accept(expr);
            return expr;
        } catch (RuntimeException | Error e) {
            expr.close();
            throw e;
        }
    }

    private NftnlExpr str(int attr, String value) {
        if (nftnl().nftnl_expr_set_str(pointer(), attr, value) < 0) {
            throw new OutOfMemoryError("libnftnl could not store attribute " + attr);
        }
        return this;
    }

    private NftnlExpr u16(int attr, int value) {
        nftnl().nftnl_expr_set_u16(pointer(), attr, value);
        return this;
    }

    private NftnlExpr u64(int attr, long value) {
        nftnl().nftnl_expr_set_u64(pointer(), attr, value);
        return this;
    }

    private NftnlExpr u32(int attr, int value) {
        nftnl().nftnl_expr_set_u32(pointer(), attr, value);
        return this;
    }

    private NftnlExpr data(int attr, byte[] value) {
        if (nftnl().nftnl_expr_set(pointer(), attr, value, value.length) < 0) {
            throw new IllegalArgumentException("libnftnl refused " + value.length + " bytes for attribute " + attr);
        }
        return this;
    }

    @Override
    void free(Pointer pointer) {
        nftnl().nftnl_expr_free(pointer);
    }

    /** Looked up on each use, never in a static initialiser: see NativeLibraries. */
    private static LibNftnl nftnl() {
        return NativeLibraries.nftnl();
    }
}
