package io.bridgewall.ruleset;

import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Turns a {@link Rule} into the exact kernel expressions `nft` generates for the same text,
 * dependencies included (an inet table checks `meta nfproto` before reading an IP header).
 * {@link RuleDecompiler} is its inverse.
 */
public final class RuleCompiler {
    static final int IFNAME_LENGTH = 16;
    static final int NFPROTO_IPV4 = 2;
    static final int NFPROTO_IPV6 = 10;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_ICMPV6 = 58;

    private RuleCompiler() {
    }

    public static List<Expr> compile(Rule rule) {
        if (!rule.unparsed().isEmpty()) {
            throw new IllegalArgumentException("a rule read back with unknown expressions cannot be re-sent");
        }
        List<Expr> out = new ArrayList<>();
        rule.matches().forEach(match -> compile(match, out));
        rule.statements().forEach(statement -> compile(statement, out));
        return out;
    }

    private static void compile(Match match, List<Expr> out) {
        if (match instanceof Match.InterfaceInSet m) {
            out.add(new Expr.Meta(metaKey(m.direction()), Expr.REG_1));
            out.add(new Expr.Lookup(m.set(), Expr.REG_1, m.negated() ? Expr.LOOKUP_INVERT : 0));
        } else if (match instanceof Match.InterfacePairInSet m) {
            out.add(new Expr.Meta(Expr.META_IIFNAME, Expr.REG_1));
            out.add(new Expr.Meta(Expr.META_OIFNAME, Expr.REG_2));
            out.add(new Expr.Lookup(m.set(), Expr.REG_1, 0));
        } else if (match instanceof Match.InterfaceIs m) {
            out.add(new Expr.Meta(metaKey(m.direction()), Expr.REG_1));
            out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, interfaceKey(m.name())));
        } else if (match instanceof Match.AddressInSet m) {
            requireNfproto(m.family() == IpFamily.IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6, out);
            out.add(addressPayload(m.family(), m.field()));
            out.add(new Expr.Lookup(m.set(), Expr.REG_1, 0));
        } else if (match instanceof Match.CtStateIn m) {
            out.add(new Expr.Ct(Expr.CT_STATE, Expr.REG_1));
            out.add(new Expr.Bitwise(Expr.REG_1, Expr.REG_1, ByteString.hostU32(m.mask()), ByteString.hostU32(0)));
            out.add(new Expr.Cmp(Expr.CMP_NEQ, Expr.REG_1, ByteString.hostU32(0)));
        } else if (match instanceof Match.CtStatusIn m) {
            out.add(new Expr.Ct(Expr.CT_STATUS, Expr.REG_1));
            out.add(new Expr.Bitwise(Expr.REG_1, Expr.REG_1, ByteString.hostU32(m.mask()), ByteString.hostU32(0)));
            out.add(new Expr.Cmp(Expr.CMP_NEQ, Expr.REG_1, ByteString.hostU32(0)));
        } else if (match instanceof Match.CtDirectionIs m) {
            out.add(new Expr.Ct(Expr.CT_DIRECTION, Expr.REG_1));
            out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, ByteString.of((byte) m.direction().code())));
        } else if (match instanceof Match.CtMarkIs m) {
            // As nft compiles it: no bitwise for the whole mark.
            out.add(new Expr.Ct(Expr.CT_MARK, Expr.REG_1));
            if (!m.wholeMark()) {
                out.add(new Expr.Bitwise(Expr.REG_1, Expr.REG_1, ByteString.hostU32(m.mask()), ByteString.hostU32(0)));
            }
            out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, ByteString.hostU32(m.value())));
        } else if (match instanceof Match.DestinationPortInSet m) {
            requireL4proto(m.protocol() == Protocol.TCP ? IPPROTO_TCP : IPPROTO_UDP, out);
            out.add(new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, Expr.REG_1));
            out.add(new Expr.Lookup(m.set(), Expr.REG_1, 0));
        } else if (match instanceof Match.ServiceInSet m) {
            requireNfproto(m.family() == IpFamily.IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6, out);
            int offset = 0;
            if (m.withAddress()) {
                out.add(addressPayload(m.family(), Match.AddressField.DESTINATION));
                offset = m.family().byteLength();
            }
            out.add(new Expr.Meta(Expr.META_L4PROTO, concatRegister(offset)));
            out.add(new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2,
                    concatRegister(offset + ServiceKeys.PROTOCOL_LENGTH)));
            out.add(new Expr.Lookup(m.set(), Expr.REG_1, 0));
        } else if (match instanceof Match.Icmpv6TypeInSet m) {
            requireNfproto(NFPROTO_IPV6, out);
            requireL4proto(IPPROTO_ICMPV6, out);
            out.add(new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 0, 1, Expr.REG_1));
            out.add(new Expr.Lookup(m.set(), Expr.REG_1, 0));
        } else if (match instanceof Match.AddressIn m) {
            compileAddressIn(m, out);
        } else if (match instanceof Match.ProtocolIs m) {
            requireL4proto(ipProtocol(m.protocol()), out);
        } else if (match instanceof Match.DestinationPortIn m) {
            requireL4proto(ipProtocol(m.protocol()), out);
            out.add(new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, Expr.REG_1));
            if (m.ports().isSingle()) {
                out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, ByteString.bigEndianU16(m.ports().first())));
            } else {
                out.add(new Expr.Cmp(Expr.CMP_GTE, Expr.REG_1, ByteString.bigEndianU16(m.ports().first())));
                out.add(new Expr.Cmp(Expr.CMP_LTE, Expr.REG_1, ByteString.bigEndianU16(m.ports().last())));
            }
        } else {
            throw new IllegalArgumentException("no compilation for " + match);
        }
    }

    /**
     * As nft does it: a prefix of whole bytes loads only those bytes and compares them; any
     * other prefix loads the whole address, masks the host bits and compares.
     */
    private static void compileAddressIn(Match.AddressIn m, List<Expr> out) {
        IpFamily family = m.family();
        requireNfproto(family == IpFamily.IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6, out);
        Expr.Payload whole = addressPayload(family, m.field());
        byte[] network = m.network().network().getAddress();
        int prefix = m.network().prefixLength();
        if (prefix % 8 == 0) {
            out.add(new Expr.Payload(whole.base(), whole.offset(), prefix / 8, whole.register()));
            out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, ByteString.of(java.util.Arrays.copyOf(network, prefix / 8))));
        } else {
            out.add(whole);
            out.add(new Expr.Bitwise(Expr.REG_1, Expr.REG_1, ByteString.of(prefixMask(family, prefix)),
                    ByteString.of(new byte[family.byteLength()])));
            out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, ByteString.of(network)));
        }
    }

    /** The first {@code prefix} bits set, big-endian, in the family's address length. */
    static byte[] prefixMask(IpFamily family, int prefix) {
        byte[] mask = new byte[family.byteLength()];
        for (int bit = 0; bit < prefix; bit++) {
            mask[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return mask;
    }

    static int ipProtocol(Protocol protocol) {
        return protocol == Protocol.TCP ? IPPROTO_TCP : IPPROTO_UDP;
    }

    private static void compile(Statement statement, List<Expr> out) {
        if (statement instanceof Statement.CtMarkSet s) {
            out.addAll(ctMarkSet(s));
        } else {
            out.add(compile(statement));
        }
    }

    /**
     * As nft compiles {@code ct mark set 0x…} (a constant into a register, then into the
     * connection) and {@code ct mark set ct mark and ~MASK or VALUE} (load, keep the other bits, set).
     */
    static List<Expr> ctMarkSet(Statement.CtMarkSet s) {
        if (s.wholeMark()) {
            return List.of(new Expr.ImmediateData(Expr.REG_1, ByteString.hostU32(s.value())),
                    new Expr.CtSet(Expr.CT_MARK, Expr.REG_1));
        }
        return List.of(new Expr.Ct(Expr.CT_MARK, Expr.REG_1),
                new Expr.Bitwise(Expr.REG_1, Expr.REG_1, ByteString.hostU32(~s.mask()), ByteString.hostU32(s.value())),
                new Expr.CtSet(Expr.CT_MARK, Expr.REG_1));
    }

    private static Expr compile(Statement statement) {
        if (statement instanceof Statement.Counter c) {
            return new Expr.Counter(c.packets(), c.bytes());
        } else if (statement instanceof Statement.Accept) {
            return new Expr.Immediate(Expr.VERDICT_ACCEPT);
        } else if (statement instanceof Statement.Drop) {
            return new Expr.Immediate(Expr.VERDICT_DROP);
        } else if (statement instanceof Statement.Masquerade) {
            return new Expr.Masquerade();
        } else if (statement instanceof Statement.Limit l) {
            return new Expr.Limit(l.rate(), l.unit().seconds(), l.burst(), Expr.LIMIT_PACKETS, 0);
        } else if (statement instanceof Statement.Log l) {
            return log(l);
        }
        throw new IllegalArgumentException("no compilation for " + statement);
    }

    /**
     * The register of a concatenation's part that starts {@code offset} bytes into the key, as
     * nft numbers it: a 16-byte register (NFT_REG_1..4) where one begins, else the 4-byte one
     * (NFT_REG32_00 = 8 onwards).
     */
    static int concatRegister(int offset) {
        int word = offset / 4;
        return word % 4 == 0 ? Expr.REG_1 + word / 4 : REG32_00 + word;
    }

    static final int REG32_00 = 8;

    /** With its level always sent for the kernel log: the kernel reports one (warn) even when nft sends none. */
    static Expr.Log log(Statement.Log log) {
        if (log.destination() instanceof Statement.Log.Group group) {
            return new Expr.Log(log.prefix(), OptionalInt.of(group.number()), OptionalInt.empty());
        }
        Statement.Log.KernelLog kernelLog = (Statement.Log.KernelLog) log.destination();
        return new Expr.Log(log.prefix(), OptionalInt.empty(), OptionalInt.of(kernelLog.level().number()));
    }

    static int metaKey(Match.Direction direction) {
        return direction == Match.Direction.IN ? Expr.META_IIFNAME : Expr.META_OIFNAME;
    }

    static Expr.Payload addressPayload(IpFamily family, Match.AddressField field) {
        boolean source = field == Match.AddressField.SOURCE;
        return family == IpFamily.IPV4
                ? new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, source ? 12 : 16, 4, Expr.REG_1)
                : new Expr.Payload(Expr.PAYLOAD_NETWORK_HEADER, source ? 8 : 24, 16, Expr.REG_1);
    }

    static ByteString interfaceKey(String name) {
        byte[] key = new byte[IFNAME_LENGTH];
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(raw, 0, key, 0, Math.min(raw.length, IFNAME_LENGTH - 1));
        return ByteString.of(key);
    }

    private static void requireNfproto(int nfproto, List<Expr> out) {
        out.add(new Expr.Meta(Expr.META_NFPROTO, Expr.REG_1));
        out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, ByteString.of((byte) nfproto)));
    }

    private static void requireL4proto(int protocol, List<Expr> out) {
        out.add(new Expr.Meta(Expr.META_L4PROTO, Expr.REG_1));
        out.add(new Expr.Cmp(Expr.CMP_EQ, Expr.REG_1, ByteString.of((byte) protocol)));
    }
}
